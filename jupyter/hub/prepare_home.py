"""Makes a hub user's own copy of the course, run as that user before each spawn.

    python3 prepare_home.py DEST NODE_MODULES < notebooks.json

The notebooks come on stdin as {"01-neuron.ipynb": "<file text>", ...}, read by the hub, so the
user never needs to read the checkout. Writes every notebook into DEST that DEST does not have yet:
a notebook the user already has (edited, renamed or even deleted and replaced) is never touched.
Links node_modules in the user's home (the folder above DEST) to the public copy of the library,
so that `import ... from "scratchnet"` resolves from any folder of the home. Makes the private
folders Jupyter's runtime files and temporary files go to (mode 700).
It runs with the user's uid, so it can only write where the user could.
"""
import json
import os
import sys


def main():
    dest, node_modules = sys.argv[1:3]
    notebooks = json.load(sys.stdin)
    os.umask(0o077)
    home = os.path.dirname(os.path.abspath(dest))
    # ~/.run is Jupyter's runtime folder: a short name, because the kernels' Unix sockets live
    # there and a socket's path has at most 107 bytes.
    for folder in (dest, os.path.join(home, ".run"), os.path.join(home, ".tmp")):
        os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(os.path.join(home, ".run"), 0o700)
    copied = []
    for name, text in sorted(notebooks.items()):
        if "/" in name or not name.endswith(".ipynb"):
            continue
        target = os.path.join(dest, name)
        if os.path.lexists(target):
            continue
        # O_EXCL: if something appeared in between, it is the user's and stays.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        copied.append(name)
    link = os.path.join(home, "node_modules")
    if os.path.islink(link) and os.readlink(link) != node_modules:
        os.unlink(link)  # an older hub linked the checkout; the public copy replaces it
    if not os.path.lexists(link):
        os.symlink(node_modules, link)
    if copied:
        print("copied %d notebook(s) into %s: %s" % (len(copied), dest, ", ".join(copied)))


if __name__ == "__main__":
    main()
