/**
 * Where the kernel's start-up snapshot (start-snapshot.cjs) lives, whether it is current, and how
 * it is built. The snapshot is a cache: node_modules/.cache/scratchnet-kernel/ (never committed;
 * a fresh `npm ci` starts without it), named by a key of everything it was made from, so that a
 * new Node, tslab, TypeScript, @types/node or snapshot script makes a new one on first use.
 * SCRATCHNET_KERNEL_CACHE moves the folder (the tests use their own).
 */
const { spawn, spawnSync } = require("child_process");
const { createHash } = require("crypto");
const fs = require("fs");
const { join } = require("path");
const { ROOT } = require("./kernel-main.cjs");

const ENTRY = join(__dirname, "start-snapshot.cjs");

function cacheDir() {
  return process.env.SCRATCHNET_KERNEL_CACHE || join(ROOT, "node_modules", ".cache", "scratchnet-kernel");
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "none";
  }
}

/**
 * What the snapshot depends on: a V8 snapshot only loads into the very Node binary that made
 * it, started with the same V8 flags (so NODE_OPTIONS counts); the compiler, tslab and the type
 * files it holds; this folder's scripts; the project's path.
 */
function snapshotKey() {
  const hash = createHash("sha256");
  const parts = [process.version, process.arch, process.platform, process.execPath, process.env.NODE_OPTIONS ?? "", ROOT,
    ...["tslab", "@tslab/typescript-for-tslab", "@types/node"].map((name) => `${name}@${packageVersion(name)}`)];
  hash.update(parts.join("\n"));
  for (const file of [ENTRY, join(__dirname, "kernel-main.cjs")]) hash.update(fs.readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** The snapshot for this key (it may not exist yet). */
function snapshotPath(key = snapshotKey()) {
  return join(cacheDir(), `kernel-${key}.blob`);
}

/**
 * Builds the snapshot now: `node --build-snapshot start-snapshot.cjs` into a temporary file,
 * renamed into place when complete (so a kernel never sees half a file), then removes the
 * snapshots of other keys. Returns its path; throws with node's output if the build failed.
 */
function buildSnapshot() {
  const key = snapshotKey();
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const target = snapshotPath(key);
  const tmp = `${target}.${process.pid}.tmp`;
  const r = spawnSync(process.execPath, ["--snapshot-blob", tmp, "--build-snapshot", ENTRY], {
    // where the notebooks' kernels start (the same type roots), or the project in a copy without
    // notebooks (the classroom hub's public copy, whose students' kernels start in their homes)
    cwd: fs.existsSync(join(ROOT, "notebooks")) ? join(ROOT, "notebooks") : ROOT,
    env: { ...process.env, SCRATCHNET_SNAPSHOT_ROOT: ROOT },
    encoding: "utf8",
  });
  if (r.status !== 0 || !fs.existsSync(tmp)) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`building the kernel's snapshot failed (exit ${r.status}): ${(r.stderr || String(r.error)).trim().slice(-2000)}`);
  }
  fs.renameSync(tmp, target);
  for (const name of fs.readdirSync(dir)) {
    if (/^kernel-[0-9a-f]{16}\.blob$/.test(name) && join(dir, name) !== target) fs.rmSync(join(dir, name), { force: true });
  }
  return target;
}

/** A lock older than this was left by a build that died: the next start builds again. */
const STALE_LOCK_MS = 5 * 60 * 1000;

/**
 * Starts building the snapshot in the background, at low priority, unless another process
 * already is (a lock file, taken atomically: thirty kernels starting at once build it once).
 */
function buildInBackground() {
  const dir = cacheDir();
  const lock = join(dir, "building.lock");
  try {
    fs.mkdirSync(dir, { recursive: true });
    try {
      if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { force: true });
    } catch {
      // no lock
    }
    fs.closeSync(fs.openSync(lock, "wx"));
  } catch {
    return; // being built, or the folder cannot be written: start without a snapshot
  }
  const child = spawn(process.execPath, [join(__dirname, "launch.cjs"), "--build-snapshot", "--unlock", lock], {
    detached: true, stdio: "ignore", env: process.env,
  });
  child.on("error", () => fs.rmSync(lock, { force: true }));
  try {
    require("os").setPriority(child.pid, 19);
  } catch {
    // not allowed: it builds at normal priority
  }
  child.unref();
}

module.exports = { buildInBackground, buildSnapshot, cacheDir, snapshotKey, snapshotPath };
