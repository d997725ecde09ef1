"""Makes a hub user's own copy of the course, run as that user before each spawn.

    python3 prepare_home.py SOURCE_NOTEBOOKS DEST NODE_MODULES

Copies every .ipynb of SOURCE_NOTEBOOKS into DEST that DEST does not have yet: a notebook the user
already has (edited, renamed or even deleted and replaced) is never touched. Links node_modules in the
user's home (the folder above DEST) to the project's node_modules when nothing is there, so that
`import ... from "scratchnet"` resolves from any folder of the home, as it does in the project.
It runs with the user's uid, so it can only write where the user could.
"""
import os
import shutil
import sys


def main():
    source, dest, node_modules = sys.argv[1:4]
    os.umask(0o077)
    os.makedirs(dest, exist_ok=True)
    copied = []
    for name in sorted(os.listdir(source)):
        if not name.endswith(".ipynb"):
            continue
        target = os.path.join(dest, name)
        if os.path.lexists(target):
            continue
        # O_EXCL: if something appeared in between, it is the user's and stays.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out, open(os.path.join(source, name), "rb") as src:
            shutil.copyfileobj(src, out)
        copied.append(name)
    link = os.path.join(os.path.dirname(os.path.abspath(dest)), "node_modules")
    if not os.path.lexists(link):
        os.symlink(node_modules, link)
    if copied:
        print("copied %d notebook(s) into %s: %s" % (len(copied), dest, ", ".join(copied)))


if __name__ == "__main__":
    main()
