/**
 * The tslab kernel's start-up snapshot (jupyter/kernels/tslab/start-snapshot.cjs, launch.cjs,
 * snapshot-cache.cjs): what it is keyed by, how it is built, and that a kernel started from it
 * behaves as one started without it (values, type errors, library errors through source maps,
 * interrupts), falls back when the snapshot is damaged, and builds one when there is none.
 * Each test uses a cache folder of its own (SCRATCHNET_KERNEL_CACHE), never the project's.
 * Runs under `npm run test:notebooks` (it needs Jupyter).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NOTEBOOKS, buildLibrary, ensureJupyter, jupyterEnv, linkLibrary } from "../../scripts/lib/project";

const ROOT = join(__dirname, "..", "..");
const KERNEL_DIR = join(ROOT, "jupyter", "kernels", "tslab");
const LAUNCHER = join(KERNEL_DIR, "launch.cjs");
const DRIVER = join(__dirname, "kernel_driver.py");

let python = "";
const dirs: string[] = [];
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-snapshot-"));
  dirs.push(dir);
  return dir;
}

before(async () => {
  python = await ensureJupyter("nbconvert");
  buildLibrary();
  linkLibrary();
});
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The snapshot's key and path as the launcher computes them, in a node with this environment. */
function keyAndPath(env: NodeJS.ProcessEnv): { key: string; path: string } {
  const code = `const c = require(${JSON.stringify(join(KERNEL_DIR, "snapshot-cache.cjs"))}); console.log(JSON.stringify({ key: c.snapshotKey(), path: c.snapshotPath() }))`;
  const r = spawnSync(process.execPath, ["-e", code], { env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function build(cache: string): string {
  const r = spawnSync(process.execPath, [LAUNCHER, "--build-snapshot"], { env: { ...process.env, SCRATCHNET_KERNEL_CACHE: cache }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

interface CellResult {
  status: string;
  outputs: { type: string; name?: string; text?: string; ename?: string; evalue?: string; data?: Record<string, unknown> }[];
}

/** Runs cells in a fresh kernel (kernel_driver.py) with extra environment; resolves to its cells and log. */
function runKernel(cells: string[], env: Record<string, string>, cwd = NOTEBOOKS): Promise<{ cells: CellResult[]; alive: boolean; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [DRIVER], { env: jupyterEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`kernel_driver.py exited ${code}: ${err}`))));
    child.stdin.end(JSON.stringify({ cwd, timeout: 120, cells }));
  });
}

const text = (c: CellResult) => c.outputs.map((o) => o.text ?? `${o.ename}: ${o.evalue}`).join("");

/** The cells both kernels run: a value, a type error, an error thrown inside the library (and its stack), and whether the snapshot was used. */
const CELLS = [
  'import { Neuron, Matrix } from "scratchnet";\nconsole.log(new Neuron([0, 1], 4).feedforward([2, 3]));',
  'const s: string = 1;',
  "new Matrix(2, 3).matmul(new Matrix(2, 3));",
  "try {\n  new Matrix(2, 3).matmul(new Matrix(2, 3));\n} catch (e) {\n  console.log((e as Error).stack);\n}",
  'console.log(process.execArgv.includes("--snapshot-blob") ? "from the snapshot" : "without a snapshot");',
];

test("the snapshot's key changes with the V8 flags in NODE_OPTIONS, and is stable otherwise", () => {
  const plain = keyAndPath({ ...process.env, NODE_OPTIONS: "" });
  assert.deepEqual(keyAndPath({ ...process.env, NODE_OPTIONS: "" }), plain);
  assert.notEqual(keyAndPath({ ...process.env, NODE_OPTIONS: "--max-old-space-size=3000" }).key, plain.key);
  assert.match(plain.path, /node_modules\/\.cache\/scratchnet-kernel\/kernel-[0-9a-f]{16}\.blob$/);
});

test("--build-snapshot writes the snapshot for this key into the cache folder and removes other keys' snapshots", () => {
  const cache = cacheDir();
  const old = join(cache, "kernel-0000000000000000.blob");
  writeFileSync(old, "a snapshot of another Node");
  const built = build(cache);
  assert.equal(built, keyAndPath({ ...process.env, SCRATCHNET_KERNEL_CACHE: cache }).path);
  assert.deepEqual(readdirSync(cache), [built.split("/").at(-1)]);
});

test("a kernel from the snapshot gives the same outputs as one without: values, type errors, library errors through source maps", async () => {
  const cache = cacheDir();
  build(cache);
  const [withSnapshot, without] = await Promise.all([
    runKernel(CELLS, { SCRATCHNET_KERNEL_CACHE: cache }),
    runKernel(CELLS, { SCRATCHNET_KERNEL_SNAPSHOT: "0" }),
  ]);
  assert.equal(text(withSnapshot.cells[4]).trim(), "from the snapshot");
  assert.equal(text(without.cells[4]).trim(), "without a snapshot");
  assert.equal(text(withSnapshot.cells[0]).trim(), "0.9990889488055994");
  assert.match(text(withSnapshot.cells[1]), /Type 'number' is not assignable to type 'string'/);
  assert.match(text(withSnapshot.cells[2]), /RangeError: matmul: cannot multiply \(2, 3\) by \(2, 3\)/);
  assert.match(text(withSnapshot.cells[3]), /src\/core\/matrix\.ts:\d+/, "the library's error points into its source");
  for (let i = 0; i < 4; i++) {
    assert.equal(withSnapshot.cells[i].status, without.cells[i].status, `cell ${i + 1}'s status`);
    assert.equal(text(withSnapshot.cells[i]), text(without.cells[i]), `cell ${i + 1}'s outputs`);
  }
  assert.equal(withSnapshot.alive, true);
});

test("a notebook in another folder, with a package installed after a failed import: both kernels work where the notebook is, and find the package", async () => {
  // The snapshot is built in notebooks/; this notebook is elsewhere, as a student's is on the hub.
  // Its first import fails, then the package appears beside it (as `npm install` puts it), which
  // used to leave tslab's compiler with a second pending timer: "Unexpected pending rebuildTimer"
  // on every later cell (compiler.cjs).
  const cache = cacheDir();
  build(cache);
  const cells = (folder: string) => [
    `const { sys } = require(${JSON.stringify(join(ROOT, "node_modules", "@tslab", "typescript-for-tslab", "lib", "typescript.js"))});\n` +
      'console.log(process.cwd() === sys.getCurrentDirectory() ? "here" : "elsewhere", process.execArgv.includes("--snapshot-blob"));',
    'import { pad } from "installed-later";\nconsole.log(pad("x"));',
    `const fs = require("fs");\nfs.mkdirSync(${JSON.stringify(join(folder, "node_modules", "installed-later"))}, { recursive: true });\n` +
      `fs.writeFileSync(${JSON.stringify(join(folder, "node_modules", "installed-later", "index.js"))}, 'exports.pad = (s) => "[" + s + "]";');\n` +
      `fs.writeFileSync(${JSON.stringify(join(folder, "node_modules", "installed-later", "index.d.ts"))}, "export declare function pad(s: string): string;");\n` +
      "await new Promise((r) => setTimeout(r, 1500)); // the folder's watcher fires meanwhile",
    'import { pad } from "installed-later";\nconsole.log(pad("x"));',
    'console.log("and on", 1 + 1);',
  ];
  const [a, b] = [cacheDir(), cacheDir()];
  const [withSnapshot, without] = await Promise.all([
    runKernel(cells(a), { SCRATCHNET_KERNEL_CACHE: cache }, a),
    runKernel(cells(b), { SCRATCHNET_KERNEL_SNAPSHOT: "0" }, b),
  ]);
  for (const [run, which] of [[withSnapshot, "from the snapshot"], [without, "without a snapshot"]] as const) {
    const report = run.cells.map((c, i) => `[${i + 1}] ${c.status}: ${text(c).slice(0, 300)}`).join("\n");
    assert.equal(text(run.cells[0]).trim(), `here ${which === "from the snapshot"}`, `${which}\n${report}`);
    assert.match(text(run.cells[1]), /Cannot find module 'installed-later'/, `${which}\n${report}`);
    assert.deepEqual(run.cells.map((c) => c.status), ["ok", "error", "ok", "ok", "ok"], `${which}\n${report}`);
    assert.equal(text(run.cells[3]), "[x]\n", which);
    assert.equal(text(run.cells[4]), "and on 2\n", which);
  }
  console.log("# bad inputs: 1 (an import of a package not installed yet)");
});

test("a damaged snapshot: the kernel starts without it, says so, and the file is removed", async () => {
  const cache = cacheDir();
  const { path } = keyAndPath({ ...process.env, SCRATCHNET_KERNEL_CACHE: cache });
  writeFileSync(path, "not a snapshot");
  const run = await runKernel([CELLS[0], CELLS[4]], { SCRATCHNET_KERNEL_CACHE: cache });
  assert.equal(text(run.cells[0]).trim(), "0.9990889488055994");
  assert.equal(text(run.cells[1]).trim(), "without a snapshot");
  assert.match(run.log, /did not start from its snapshot/);
  assert.equal(existsSync(path), false);
});

test("no snapshot yet: the kernel starts as before, and one is built in the background for the next start", async () => {
  const cache = cacheDir();
  const { path } = keyAndPath({ ...process.env, SCRATCHNET_KERNEL_CACHE: cache });
  const run = await runKernel([CELLS[4]], { SCRATCHNET_KERNEL_CACHE: cache });
  assert.equal(text(run.cells[0]).trim(), "without a snapshot");
  const deadline = Date.now() + 120_000;
  while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  assert.equal(existsSync(path), true, "the background build wrote the snapshot");
  while (existsSync(join(cache, "building.lock")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(existsSync(join(cache, "building.lock")), false, "and removed its lock");
});

test("an interrupt reaches a kernel started from the snapshot once, and the kernel runs the next cell", () => {
  const cache = cacheDir();
  build(cache);
  // jupyter_client's interrupt (SIGINT to the launcher's process group), during a cell that waits.
  const script = `
import json, sys, time
from jupyter_client import KernelManager
km = KernelManager(kernel_name="tslab")
km.start_kernel(cwd=sys.argv[1])
c = km.client(); c.start_channels(); c.wait_for_ready(timeout=60)
def run(code, interrupt_after=None):
    msg_id = c.execute(code)
    if interrupt_after is not None:
        time.sleep(interrupt_after); km.interrupt_kernel()
    t0 = time.monotonic()
    while True:
        reply = c.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"], time.monotonic() - t0
first = run("await new Promise((resolve) => setTimeout(resolve, 60000));", interrupt_after=2)
time.sleep(0.5)
second = run("console.log(6 * 7);")
print(json.dumps({"first": first, "second": second, "alive": km.is_alive()}))
c.stop_channels(); km.shutdown_kernel(now=True)
`;
  const r = spawnSync(python, ["-c", script, NOTEBOOKS], { env: jupyterEnv({ SCRATCHNET_KERNEL_CACHE: cache }), encoding: "utf8", timeout: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  const { first, second, alive } = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  assert.notEqual(first[0], "ok", "the waiting cell was interrupted");
  assert.ok(first[1] < 30, `the interrupted cell ended ${first[1]} s after the interrupt`);
  assert.equal(second[0], "ok");
  assert.equal(alive, true);
});
