// The gaps: gradients through whole networks at logits of +-1000, the same seed giving the
// same bits in separate processes, 500 + 500 epochs through model files equal to 1000 in one go,
// and the six problem CSV files through every way the course reads a CSV.
// (Killing a save mid-write is test/integration/crash.test.ts; live kernels are test/notebooks/.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import fc from "fast-check";
import {
  ACTIVATION_NAMES, dataFrameToMatrix, getBackend, loadNetwork, Matrix, Network, readCsv, readDataFrame, saveNetwork, tableToMatrix,
} from "../src/index";
import type { LayerJSON, LossName, OptimizerName } from "../src/index";
import { BAD_CSVS, expectedErrors, writeBadCsvs } from "./fixtures/hardening/bad-csvs";
import { bits, CASES, resumeCase } from "./fixtures/hardening/train";

const dfd = require("danfojs-node");
dfd.tensorflow.env().set("PROD", true); // silences danfo's "install the node backend" banner

const TRAIN = join(__dirname, "fixtures", "hardening", "train.ts");
const RUNS = 200;
let properties = 0;

function property<T>(name: string, arb: fc.Arbitrary<T>, check: (v: T) => void): void {
  test(name, () => {
    properties++;
    fc.assert(fc.property(arb, (v) => { check(v); }), { numRuns: RUNS, seed: 20261122 });
  });
}

// --- gradients at the extremes -------------------------------------------------------------------

/** A numerically careful sigmoid, written from the definition: exact 0 and 1 far out. */
const sigmoidRef = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
function softmaxRef(z: number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const OUTPUTS: [string, LossName][] = [
  ["sigmoid", "binaryCrossEntropy"], ["softmax", "crossEntropy"], // the fused pairs: dZ = (A - y) / N exactly
  ["softmax", "binaryCrossEntropy"], ["sigmoid", "mse"], ["softmax", "mse"], ["sigmoid", "sse"], ["tanh", "mse"], ["linear", "mse"],
];

const extremeNetwork = fc
  .record({
    hidden: fc.constantFrom(...ACTIVATION_NAMES),
    output: fc.constantFrom(...OUTPUTS),
    n: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      // Inputs and weights whose products reach +-1000 and beyond at every layer.
      X: fc.array(fc.array(fc.constantFrom(-1000, -1, 0, 0.5, 1000), { minLength: 2, maxLength: 2 }), { minLength: s.n, maxLength: s.n }),
      W1: fc.array(fc.array(fc.constantFrom(-1, 0, 1), { minLength: s.k, maxLength: s.k }), { minLength: 2, maxLength: 2 }),
      b1: fc.array(fc.constantFrom(-1000, 0, 1000), { minLength: s.k, maxLength: s.k }),
      labels: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: s.n * 4, maxLength: s.n * 4 }), // enough for k <= 4
    }),
  );

property("gradients through a whole network stay finite at logits of +-1000, and are exact for sigmoid/softmax with their cross-entropies", extremeNetwork, ({ s, X, W1, b1, labels }) => {
  const [outAct, loss] = s.output;
  const k = outAct === "softmax" && s.k === 1 ? 2 : s.k; // a softmax over one class is always 1: use two
  const w1 = W1.map((row) => Array.from({ length: k }, (_, j) => row[j % row.length]));
  const bias = Array.from({ length: k }, (_, j) => b1[j % b1.length]);
  const layers: LayerJSON[] = [
    { weights: [[1, 0], [0, 1]], biases: [0, 0], activation: s.hidden },
    { weights: w1, biases: bias, activation: outAct },
  ];
  const net = Network.fromJSON({ layers });
  // Targets: 0/1 for binary cross-entropy, one-hot rows for cross-entropy, anything for the others.
  const y = new Matrix(s.n, k).map((_, i, j) =>
    loss === "crossEntropy" ? (labels[i] % k === j ? 1 : 0) : loss === "binaryCrossEntropy" ? labels[i * k + j] % 2 : labels[i * k + j] - 1.5,
  );
  const A = net.predict(X);
  const value = net.evaluate(X, y, loss);
  const grads = net.gradients(X, y, loss);
  for (const v of [...A.data, value]) assert.ok(Number.isFinite(v), `${s.hidden}/${outAct}/${loss}: output or loss ${v}`);
  grads.forEach((g, l) => {
    for (const v of [...g.dW.data, ...g.db!.data]) assert.ok(Number.isFinite(v), `${s.hidden}/${outAct}/${loss}: layer ${l} gradient ${v}`);
  });

  if ((outAct === "sigmoid" && loss === "binaryCrossEntropy") || (outAct === "softmax" && loss === "crossEntropy")) {
    // dZ = (A - y) / N, from a reference forward pass; saturation must not swallow it (a wrong
    // answer at z = 1000 still has gradient 1 / N, not 0).
    const H = net.layers[0].activation.forward(Matrix.from(X), new Matrix(s.n, 2)).toArray();
    const Z = H.map((h) => bias.map((b, j) => b + h[0] * w1[0][j] + h[1] * w1[1][j]));
    const P = Z.map((z) => (outAct === "softmax" ? softmaxRef(z) : z.map(sigmoidRef)));
    const N = loss === "binaryCrossEntropy" ? s.n * k : s.n;
    const dZ = P.map((p, i) => p.map((v, j) => (v - y.get(i, j)) / N));
    const dW = [0, 1].map((a) => Array.from({ length: k }, (_, j) => dZ.reduce((sum, row, i) => sum + H[i][a] * row[j], 0)));
    const db = Array.from({ length: k }, (_, j) => dZ.reduce((sum, row) => sum + row[j], 0));
    const close = (got: ArrayLike<number>, want: number[], scale: number) =>
      Array.from(got).every((v, i) => Math.abs(v - want[i]) <= 1e-9 * Math.max(1, scale));
    const scale = Math.max(1, ...H.flat().map(Math.abs));
    assert.ok(close(grads[1].dW.data, dW.flat(), scale), `dW ${Array.from(grads[1].dW.data)} vs ${dW.flat()}`);
    assert.ok(close(grads[1].db!.data, db, 1), `db ${Array.from(grads[1].db!.data)} vs ${db}`);
  }
});

property("training from logits of +-1000 keeps the loss finite (a few epochs of Adam)", extremeNetwork, ({ s, X, W1, b1, labels }) => {
  const [outAct, loss] = s.output;
  if (!((outAct === "sigmoid" && loss === "binaryCrossEntropy") || (outAct === "softmax" && loss === "crossEntropy"))) return;
  const k = outAct === "softmax" ? Math.max(2, s.k) : s.k;
  const net = Network.fromJSON({
    layers: [
      { weights: [[1, 0], [0, 1]], biases: [0, 0], activation: s.hidden },
      { weights: W1.map((row) => Array.from({ length: k }, (_, j) => row[j % row.length])), biases: Array.from({ length: k }, (_, j) => b1[j % b1.length]), activation: outAct },
    ],
  });
  const y = outAct === "softmax" ? labels.slice(0, s.n).map((l) => l % k) : new Matrix(s.n, k).map((_, i, j) => labels[i * k + j] % 2);
  const { loss: history } = net.fit(X, y, { epochs: 3, learningRate: 0.001, loss, optimizer: "adam" });
  for (const v of history) assert.ok(Number.isFinite(v), `loss ${v}`);
});

// --- determinism from process to process ---------------------------------------------------------

function child(args: string[], node: string[] = [], env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync(process.execPath, [...node, "--import", "tsx", TRAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const name of Object.keys(CASES)) {
  test(`the same seed gives bit-identical loss histories in two separate processes, and here (${name})`, () => {
    const c = CASES[name]();
    const here = bits(c.make().fit(c.X, c.y, c.options).loss);
    const first = child(["history", name]);
    const second = child(["history", name]);
    assert.deepEqual(first.loss, second.loss);
    assert.deepEqual(first.loss, here);
    assert.equal(first.backend, getBackend().name);
    // A process without the JIT, and so without WebAssembly, falls back to the reference
    // backend's plain loops: the same bits as the WebAssembly kernels.
    const jitless = child(["history", name], ["--jitless"]);
    assert.equal(jitless.backend, "reference");
    assert.deepEqual(jitless.loss, here);
  });
}

// --- 500 + 500 epochs through model files --------------------------------------------------------

for (const optimizer of ["sgd", "momentum", "adam"] as OptimizerName[]) {
  test(`fitting 500 epochs, saveNetwork, loadNetwork, 500 more equals 1000 in one go (${optimizer}, shuffled mini-batches)`, () => {
    const dir = mkdtempSync(join(tmpdir(), "scratchnet-resume-"));
    try {
      const c = resumeCase();
      const options = { ...c.options, optimizer, learningRate: optimizer === "adam" ? 0.01 : 0.05 };
      const once = c.make();
      const all = once.fit(c.X, c.y, { ...options, epochs: 1000 }).loss;

      const first = c.make();
      const a = first.fit(c.X, c.y, options).loss;
      saveNetwork(first, join(dir, "half.json"));
      const resumed = loadNetwork(join(dir, "half.json"));
      const b = resumed.fit(c.X, c.y, options).loss;

      assert.deepEqual(bits([...a, ...b]), bits(all));
      saveNetwork(resumed, join(dir, "resumed.json"));
      saveNetwork(once, join(dir, "once.json"));
      assert.equal(readFileSync(join(dir, "resumed.json"), "utf8"), readFileSync(join(dir, "once.json"), "utf8"));
      const state = once.toJSON().training!;
      assert.equal(state.epochs, 1000);
      if (optimizer === "adam") assert.equal(state.optimizer.t, 1000 * Math.ceil(c.X.rows / 10));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("500 epochs in one process, saved; 500 more in another after loading: equal to 1000 here (Adam)", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-resume-procs-"));
  try {
    const c = resumeCase();
    const once = c.make();
    const all = bits(once.fit(c.X, c.y, { ...c.options, epochs: 1000 }).loss);
    const a = child(["first-half", join(dir, "half.json")]).loss as string[];
    const b = child(["second-half", join(dir, "half.json"), join(dir, "full.json")]).loss as string[];
    assert.deepEqual([...a, ...b], all);
    assert.equal(readFileSync(join(dir, "full.json"), "utf8"), JSON.stringify(once.toJSON()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- the six CSV files ---------------------------------------------------------------------------

test("the six CSV files through readCsv: four fail naming file, line and column; BOM and CRLF read", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-csv6-"));
  try {
    writeBadCsvs(dir);
    const errors = expectedErrors((name) => join(dir, name));
    for (const f of BAD_CSVS) {
      const path = join(dir, f.name);
      if (f.rows) assert.deepEqual(tableToMatrix(readCsv(path)).toArray(), f.rows, f.name);
      else assert.throws(() => readCsv(path), { message: errors[f.name].readCsv });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the six CSV files through readDataFrame (danfo) and dataFrameToMatrix: the same clear errors, the same matrices", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-csv6-danfo-"));
  try {
    writeBadCsvs(dir);
    const errors = expectedErrors((name) => join(dir, name));
    for (const f of BAD_CSVS) {
      const path = join(dir, f.name);
      if (f.rows) {
        const df = await readDataFrame(dfd, path);
        assert.deepEqual(df.columns, ["x1", "x2", "label"], f.name);
        assert.deepEqual(dataFrameToMatrix(df).toArray(), f.rows, f.name);
      } else {
        await assert.rejects(async () => dataFrameToMatrix(await readDataFrame(dfd, path)), { message: errors[f.name].danfo });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the six CSV files through bare dfd.readCSV, as notebooks 00 and 03 read data: why readDataFrame exists", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-csv6-bare-"));
  try {
    writeBadCsvs(dir);
    const p = (name: string) => join(dir, name);
    // Missing values and text reach dataFrameToMatrix, which names the file, row, column and line.
    const missing = await dfd.readCSV(p("missing-value.csv"));
    assert.throws(() => dataFrameToMatrix(missing, undefined, { file: "missing-value.csv" }), {
      message: 'dataFrameToMatrix(missing-value.csv): column "x2" (column 2 of 3), row 1, line 3 of the file counting its header: null (a missing value)',
    });
    const text = await dfd.readCSV(p("text-in-number.csv"));
    assert.throws(() => dataFrameToMatrix(text, undefined, { file: "text-in-number.csv" }), {
      message: 'dataFrameToMatrix(text-in-number.csv): column "x2" (column 2 of 3), row 2, line 4 of the file counting its header: the text "high", not a number',
    });
    // danfo itself stops ragged and empty files, with messages that name neither the file nor the line.
    await assert.rejects(dfd.readCSV(p("ragged.csv")), { message: "CSV parsing errors: Too many fields: expected 3 fields but parsed 4" });
    await assert.rejects(dfd.readCSV(p("empty.csv")), { message: "No data found in CSV file" });
    for (const name of ["bom.csv", "crlf.csv"]) {
      const df = await dfd.readCSV(p(name));
      assert.deepEqual(df.columns, ["x1", "x2", "label"], `${name}: no byte-order mark left in the first name`);
      assert.deepEqual(dataFrameToMatrix(df).toArray(), BAD_CSVS.find((f) => f.name === name)!.rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- hand-edited training state: messages that name the field ----------------------------------

test("a model file whose training.optimizer or training.rng was deleted names that field", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-edit-"));
  try {
    const c = resumeCase();
    const net = c.make();
    net.fit(c.X, c.y, { ...c.options, epochs: 2 });
    const path = join(dir, "m.json");
    const edit = (change: (json: Record<string, Record<string, unknown>>) => void) => {
      const json = JSON.parse(JSON.stringify(net.toJSON()));
      change(json);
      writeFileSync(path, JSON.stringify(json));
    };
    edit((j) => delete j.training.optimizer);
    assert.throws(() => loadNetwork(path), /training\.optimizer/);
    edit((j) => delete j.training.rng);
    assert.throws(() => loadNetwork(path), /training\.rng/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("property count (for the README)", () => {
  assert.equal(properties, 2);
  console.log(`# properties: ${properties}, each on ${RUNS} random cases`);
});
