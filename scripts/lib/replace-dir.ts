/**
 * Putting a freshly built folder (a site, the student notebooks) where the old one is, so that
 * a crash at any moment leaves one of the two there, whole.
 *
 * A folder cannot be renamed over a folder that has files in it, so the plain way takes two
 * renames (old aside, new in), and a crash between them leaves nothing at the place. Linux can
 * swap two paths in one step: renameat2(2) with RENAME_EXCHANGE (since 3.15; ext4, xfs, btrfs,
 * tmpfs). Node has no binding for it, so the swap goes through python3's ctypes, which the
 * export has anyway (Jupyter). Where that is missing (another system, python3 or a file system
 * without it), the two renames remain, and the caller is told.
 */
import { spawnSync } from "child_process";
import { existsSync, renameSync, rmSync } from "fs";

/** The python that calls renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE); exit 0 when swapped. */
const EXCHANGE_PY = [
  "import ctypes, sys",
  "libc = ctypes.CDLL(None, use_errno=True)",
  "renameat2 = getattr(libc, 'renameat2', None)",
  "if renameat2 is None: sys.exit(3)",
  "AT_FDCWD, RENAME_EXCHANGE = -100, 2",
  "a, b = (p.encode() for p in sys.argv[1:3])",
  "sys.exit(0 if renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0 else 4)",
].join("\n");

/**
 * Swaps the paths a and b in one step (both must exist). False, with both untouched, where this
 * system cannot.
 */
export function exchangePaths(a: string, b: string, python = "python3"): boolean {
  const r = spawnSync(python, ["-c", EXCHANGE_PY, a, b], { stdio: "ignore" });
  return r.status === 0;
}

/** How `replaceDir` put the new folder in place. */
export type Replaced = "swapped" | "renamed" | "two renames";

/**
 * Moves the folder `build` to `target`, replacing what is there: in one swap when `target`
 * exists (then the old folder, now at `build`, is removed), by one rename when it does not.
 * Only where the swap is impossible does it take two renames, with the gap described above.
 */
export function replaceDir(build: string, target: string, python?: string): Replaced {
  if (!existsSync(target)) {
    renameSync(build, target);
    return "renamed";
  }
  if (exchangePaths(build, target, python)) {
    rmSync(build, { recursive: true, force: true });
    return "swapped";
  }
  const old = `${build}-old`; // beside build, under its (git-ignored) name
  renameSync(target, old);
  renameSync(build, target);
  rmSync(old, { recursive: true, force: true });
  return "two renames";
}
