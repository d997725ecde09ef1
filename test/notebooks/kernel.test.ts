/**
 * Live tslab kernels, driven cell by cell through jupyter_client (test/notebooks/kernel_driver.py):
 * a cell that throws leaves the kernel usable and the next cell runs; the six problem CSV files,
 * loaded one after another in one kernel, each fail with their message and the kernel still
 * computes; and every notebook run top to bottom in two fresh kernels gives the same outputs once
 * the parts that honestly vary from run to run are normalised (see `normalise`).
 * Runs under `npm run test:notebooks` (it needs Jupyter and takes minutes, like the export).
 * SCRATCHNET_RERUN_NOTEBOOKS=all re-runs every notebook; by default three are (see below).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { spawn } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { basename, join } from "path";
import { listNotebooks } from "../../scripts/lib/notebooks";
import { NOTEBOOKS, buildLibrary, ensureJupyter, jupyterEnv, linkLibrary } from "../../scripts/lib/project";
import { BAD_CSVS, expectedErrors, writeBadCsvs } from "../fixtures/hardening/bad-csvs";

const DRIVER = join(__dirname, "kernel_driver.py");

interface Output {
  type: "stream" | "display_data" | "update_display_data" | "execute_result" | "error";
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  display_id?: string;
  ename?: string;
  evalue?: string;
}
interface CellResult {
  status: "ok" | "error" | "abort" | "timeout" | "dead";
  outputs: Output[];
  seconds: number;
}
interface KernelRun {
  cells: CellResult[];
  alive: boolean;
  log: string;
}

let python = "";

/** Starts a fresh tslab kernel in notebooks/, runs the cells (or the notebook's code cells), shuts it down. */
function runKernel(request: { cells?: string[]; notebook?: string; timeout?: number }): Promise<KernelRun> {
  return new Promise((resolve, reject) => {
    // The export's setting: plotly.js as a script tag, not the 3.5 MB bundle inlined in an output.
    const child = spawn(python, [DRIVER], { env: jupyterEnv({ SCRATCHNET_PLOTLY_URL: "assets/plotly.min.js" }), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`kernel_driver.py exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out) as KernelRun);
      } catch (e) {
        const at = Number(/position (\d+)/.exec(String(e))?.[1] ?? 0);
        reject(new Error(`kernel_driver.py printed something other than JSON (${e}): ${JSON.stringify(out.slice(Math.max(0, at - 200), at + 200))}`));
      }
    });
    child.stdin.end(JSON.stringify({ cwd: NOTEBOOKS, timeout: 600, ...request }));
  });
}

const stderr = (c: CellResult) => c.outputs.filter((o) => o.type === "stream" && o.name === "stderr").map((o) => o.text).join("");
const stdout = (c: CellResult) => c.outputs.filter((o) => o.type === "stream" && o.name === "stdout").map((o) => o.text).join("");

function describeRun(run: KernelRun): string {
  return run.cells.map((c, i) => `[${i + 1}] ${c.status}: ${(stdout(c) + stderr(c)).slice(0, 300)}`).join("\n");
}

before(async () => {
  python = await ensureJupyter("nbconvert");
  buildLibrary(); // cells import the built library by name
  linkLibrary();
});

describe("a live kernel survives what a learner types", () => {
  test("a cell that throws, fails to compile, overflows the stack or throws later leaves the kernel usable", async () => {
    const cells = [
      'import { Network, Matrix } from "scratchnet";\nconst answer: number = 41;\nconsole.log("ready", answer);',
      'throw new Error("a thrown <b>error</b>");',
      'console.log("after a throw", answer + 1);',
      'const oops: number = "forty-two";',
      'console.log("after a type error", answer);',
      'new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "sigmoid"] });',
      'function down(n: number): number { return down(n + 1) + 1; }\ndown(0);',
      'new Matrix(100000, 100000);',
      'const net = new Network({ sizes: [1, 1], activations: ["linear"], seed: 0 });',
      'net.fit([[1], [2], [3]], [2, 4, 6], { epochs: 5000, learningRate: 5 });',
      'setTimeout(() => { throw new Error("thrown from a timer"); }, 10);\nawait new Promise((r) => setTimeout(r, 50));\nconsole.log("the timer fired");',
      'await Promise.reject(new Error("a rejected promise"));',
      // tslab keeps nothing a failing cell declared: the name is gone, and saying so is a clear error.
      'const lost = 1;\nthrow new Error("after a declaration");',
      "console.log(lost);",
      // tslab 1.0.22 does not rewrite a shorthand property that names an earlier cell's variable
      // ({ answer } rather than { answer: answer }): a misleading "is not defined", and nothing worse.
      "console.log(JSON.stringify({ answer }));",
      'const fresh = new Network({ sizes: [1, 1], activations: ["linear"], seed: 0 });\n' +
        'const fit = fresh.fit([[1], [2], [3]], [2, 4, 6], { epochs: 200, learningRate: 0.05 });\n' +
        'console.log("still computing:", Number.isFinite(net.predict([[1]]).get(0, 0)), fit.loss[fit.loss.length - 1] < 0.01, answer + 1);',
    ];
    const run = await runKernel({ cells });
    const report = describeRun(run);
    assert.equal(run.alive, true, report);
    assert.deepEqual(
      run.cells.map((c) => c.status),
      ["ok", "error", "ok", "error", "ok", "error", "error", "error", "ok", "error", "ok", "error", "error", "error", "error", "ok"],
      report,
    );
    const [, thrown, afterThrow, typeError, afterType, sizes, overflow, huge, , diverged, timer, rejected, , lost, shorthand, last] = run.cells;
    console.log(`# bad inputs: ${run.cells.filter((c) => c.status === "error").length + 1} (learner mistakes in a live kernel: throws, type errors, library errors, a stack overflow, a huge matrix, divergence, a throwing timer, a rejected promise, a lost declaration, a shorthand property)`);
    assert.match(stderr(thrown), /Error: a thrown <b>error<\/b>/);
    assert.equal(stdout(afterThrow), "after a throw 42\n");
    assert.match(stderr(typeError), /Type 'string' is not assignable to type 'number'/);
    assert.equal(stdout(afterType), "after a type error 41\n");
    assert.match(stderr(sizes), /Network: 4 sizes need 3 activations \(one per layer after the inputs\), got 2/);
    assert.match(stderr(overflow), /RangeError: Maximum call stack size exceeded/);
    assert.match(stderr(huge), /RangeError: Invalid typed array length: 10000000000/);
    assert.match(stderr(diverged), /fit: the loss became Infinity at epoch \d+ \(learning rate 5\); training stopped/);
    assert.match(stderr(timer), /thrown from a timer/);
    assert.equal(stdout(timer), "the timer fired\n");
    assert.match(stderr(rejected), /a rejected promise/);
    assert.match(stderr(lost), /Cannot find name 'lost'/);
    assert.match(stderr(shorthand), /ReferenceError: answer is not defined/);
    // The diverged network kept its last finite parameters; a fresh one with a lower rate trains.
    assert.equal(stdout(last), "still computing: true true 42\n", report);
  });

  test("the six problem CSV files, one after another in one kernel: each fails with its message or reads; the kernel computes after", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scratchnet-kernel-csv-"));
    try {
      writeBadCsvs(dir);
      const path = (name: string) => join(dir, name);
      const errors = expectedErrors(path);
      const cells = [
        'import * as dfd from "danfojs-node";\nimport { readCsv, readDataFrame, dataFrameToMatrix, tableToMatrix, Network } from "scratchnet";\ndfd.tensorflow.env().set("PROD", true);',
      ];
      for (const f of BAD_CSVS) {
        const p = JSON.stringify(path(f.name));
        cells.push(`console.log(JSON.stringify(dataFrameToMatrix(await readDataFrame(dfd, ${p})).toArray()));`);
        cells.push(`console.log(JSON.stringify(tableToMatrix(readCsv(${p})).toArray()));`);
      }
      cells.push(
        'const net = new Network({ sizes: [2, 4, 1], activations: ["tanh", "sigmoid"], seed: 0 });\n' +
          'const X = dataFrameToMatrix(await readDataFrame(dfd, ' + JSON.stringify(path("crlf.csv")) + '), ["x1", "x2"]);\n' +
          'console.log("loss goes down:", net.fit(X, [1, 0, 1], { epochs: 50, learningRate: 0.5, loss: "binaryCrossEntropy" }).loss.slice(-1)[0] < 0.3);',
      );
      const run = await runKernel({ cells });
      const report = describeRun(run);
      assert.equal(run.alive, true, report);
      assert.equal(run.cells[0].status, "ok", report);
      BAD_CSVS.forEach((f, k) => {
        const [danfo, ours] = [run.cells[1 + 2 * k], run.cells[2 + 2 * k]];
        if (f.rows) {
          assert.equal(danfo.status, "ok", `${f.name} via readDataFrame: ${stderr(danfo)}`);
          assert.equal(ours.status, "ok", `${f.name} via readCsv: ${stderr(ours)}`);
          assert.equal(stdout(danfo), JSON.stringify(f.rows) + "\n");
          assert.equal(stdout(ours), JSON.stringify(f.rows) + "\n");
        } else {
          assert.equal(danfo.status, "error", `${f.name} via readDataFrame`);
          assert.equal(ours.status, "error", `${f.name} via readCsv`);
          assert.ok(stderr(danfo).includes(errors[f.name].danfo), `${f.name} via readDataFrame:\n${stderr(danfo)}`);
          assert.ok(stderr(ours).includes(errors[f.name].readCsv), `${f.name} via readCsv:\n${stderr(ours)}`);
        }
      });
      assert.equal(stdout(run.cells[run.cells.length - 1]), "loss goes down: true\n", report);
      console.log(`# bad inputs: ${2 * BAD_CSVS.length} (reads of the six problem CSV files, each through two readers, in one live kernel)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What may differ between two runs of the same notebook, and nothing else:
 * - plot element ids: `scratchnet-plot-<8 random hex per kernel session>-<counter>`; the counter
 *   varies too, because a live loss plot redraws on a timer (every 250 ms) and each draw takes an id;
 * - the widgets' element ids, made the same way as the plots';
 * - the live plot's intermediate frames (update_display_data, also on that timer): each display is
 *   replaced by its last frame, as the saved notebook and the exported page keep it;
 * - wall-clock timings printed to stdout ("in 1.31 s", "0.184 ms per epoch") and the speed ratio
 *   derived from them ("takes 48.8 times as long").
 */
export function normalise(cells: CellResult[]): unknown[] {
  const displays = new Map<string, Output>();
  const out = cells.map((cell) => {
    const kept: Output[] = [];
    for (const o of cell.outputs) {
      if (o.type === "update_display_data") {
        const shown = o.display_id ? displays.get(o.display_id) : undefined;
        if (shown) shown.data = o.data;
        else kept.push({ ...o, type: "display_data" });
        continue;
      }
      const copy = { ...o };
      if (o.display_id) displays.set(o.display_id, copy);
      kept.push(copy);
    }
    return { status: cell.status, outputs: kept };
  });
  for (const cell of out) {
    for (const o of cell.outputs) {
      delete o.display_id;
      if (o.type === "stream" && o.name === "stdout" && o.text) {
        o.text = o.text.replace(/\b\d+(\.\d+)? (s|ms)\b/g, "<time> $2").replace(/takes \d+(\.\d+)? times as long/g, "takes <ratio> times as long");
      }
    }
  }
  const json = JSON.stringify(out).replace(/scratchnet-plot-[0-9a-f]{8}-\d+/g, "scratchnet-plot-ID");
  return JSON.parse(json.replace(/scratchnet-widget-[0-9a-f]{8}-\d+/g, "scratchnet-widget-ID"));
}

describe("a notebook re-run from top to bottom gives the same outputs", () => {
  // By default three notebooks that cover the course's kinds of output (plain numbers and plots,
  // training histories, a live loss chart and a saved model); SCRATCHNET_RERUN_NOTEBOOKS=all runs
  // every notebook (about 6 minutes more), or name the ones to run, comma-separated.
  const wanted = process.env.SCRATCHNET_RERUN_NOTEBOOKS ?? "01-neuron,04-backprop-and-training,07-handwritten-digits";
  const only = wanted === "all" ? [] : wanted.split(",").filter(Boolean);
  const notebooks = listNotebooks(NOTEBOOKS).filter((f) => only.length === 0 || only.includes(basename(f, ".ipynb")));
  // Two kernels at a time: two notebooks side by side, each run twice in a row, never two runs of one
  // notebook at once (07 saves its model under a fixed name in the temporary folder). Started by the
  // first test that runs, so a --test-name-pattern that skips them starts none.
  const runs = new Map<string, Promise<[KernelRun, KernelRun]>>();
  let queue: Promise<unknown> = Promise.resolve();
  const startAll = () => {
    if (runs.size > 0) return;
    const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
    notebooks.forEach((file, i) => {
      const lane = i % lanes.length;
      const both = lanes[lane].then(async (): Promise<[KernelRun, KernelRun]> => [await runKernel({ notebook: file }), await runKernel({ notebook: file })]);
      runs.set(file, both);
      lanes[lane] = both.catch(() => undefined);
    });
    queue = Promise.all(lanes);
  };
  after(() => queue);

  for (const file of notebooks) {
    test(basename(file), async () => {
      startAll();
      const [first, second] = await runs.get(file)!;
      for (const run of [first, second]) {
        assert.equal(run.alive, true);
        assert.deepEqual(run.cells.filter((c) => c.status !== "ok"), [], describeRun(run));
      }
      const [a, b] = [normalise(first.cells), normalise(second.cells)];
      assert.equal(a.length, b.length);
      a.forEach((cell, i) => assert.deepEqual(b[i], cell, `${basename(file)}, code cell ${i + 1}`));
      const outputs = first.cells.reduce((n, c) => n + c.outputs.length, 0);
      assert.ok(outputs >= first.cells.length / 2, `${outputs} outputs: the comparison compared something`);
    });
  }
});
