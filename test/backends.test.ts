// The seam (src/kernels/seam.ts) and its two backends: every WebAssembly kernel against the reference
// loops, bit for bit, on random shapes and awkward values; whole networks trained on both backends;
// the WebAssembly backend's memory (arenas, copies of matrices from elsewhere); choosing a backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { cpSync, mkdtempSync, rmSync, unlinkSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  activationBackward, activationForward, addRowInPlace, Activation, digits, getBackend, kernelMatrix, linearInto, matmulInto,
  Matrix, Network, RandomState, reluActivation, setBackend, sigmoidActivation, softmaxActivation, sgdStepInPlace, sumRowsInto, circles, trainTestSplit,
  type BackendName, type LossName, type OptimizerName,
} from "../src/index";
import { addRowReference, linearReference, matmulReference, sgdStepReference, sumRowsReference } from "../src/kernels/reference";
import { assertSame, randomMatrix } from "./fixtures/kernel-inputs";

const ROOT = join(__dirname, "..");

/** Runs f with `name` as the backend, then puts back the one that was in use. */
function using<T>(name: BackendName, f: () => T): T {
  const before = getBackend().name as BackendName;
  setBackend(name);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}

/** The three places an operand can be: the wasm backend's memory, a plain Float64Array, or a view into a bigger one. */
function placed(m: Matrix, where: number): Matrix {
  if (where === 0) return kernelMatrix(m.rows, m.cols).copyFrom(m);
  if (where === 1) return m.clone();
  const big = new Float64Array(m.data.length + 3);
  big.set(m.data, 3);
  return new Matrix(m.rows, m.cols, big.subarray(3));
}

test("the WebAssembly backend is the default here, and says so", () => {
  assert.equal(getBackend().name, "wasm");
});

test("matmul: the WebAssembly kernel equals the reference loops bit for bit, in all four transpose forms", () => {
  const rng = new RandomState(1);
  // Shapes around the tile (4 x 4), the blocks (256 rows of op(B), 128 columns) and the
  // below-threshold products that stay in the loops; operands in and out of the backend's memory.
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 33];
  const shapes: [number, number, number][] = [[300, 2, 4], [300, 8, 1], [8, 300, 1], [4, 300, 8], [300, 1, 8], [32, 64, 128], [5, 257, 3], [6, 520, 130], [130, 9, 257]];
  for (let t = 0; t < 150; t++) shapes.push([sizes[rng.integer(9)], sizes[rng.integer(9)] * (1 + rng.integer(3)), sizes[rng.integer(9)]]);
  shapes.forEach(([n, k, m], s) => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = randomMatrix(rng, transA ? k : n, transA ? n : k, s % 3 === 0);
      const b = randomMatrix(rng, transB ? m : k, transB ? k : m, s % 3 === 1);
      const expected = matmulReference(a, b, new Matrix(n, m), transA, transB);
      const where = s % 3;
      const out = placed(Matrix.filled(n, m, -7), (where + 1) % 3);
      matmulInto(placed(a, where), placed(b, where), out, transA, transB);
      assertSame(out.data, expected.data, `(${n}, ${k}, ${m}) transA ${transA} transB ${transB}, operands ${where}`);
    }
  });
});

test("matmul and linear on operands with many zeros (the sparse product) equal the reference loops bit for bit", () => {
  // The WebAssembly product skips op(A)'s zero terms when at least 55% of them are zero and
  // op(B) has 16 columns or more: ReLU's outputs and gradients, the digits' blank pixels. Here:
  // zero fractions around that threshold, -0 among the zeros, infinities and NaN in op(B) (whose
  // slice must take every term: 0 * Infinity is NaN) and in op(A), partial 16-column slices,
  // several row groups (8192 listed entries each), and k past 2048 (the dense tiles again).
  const rng = new RandomState(12);
  const shapes: [number, number, number][] = [[32, 64, 128], [32, 128, 64], [64, 32, 128], [5, 64, 16], [7, 3, 17], [300, 100, 33], [40, 2100, 16], [1, 1, 31]];
  for (let t = 0; t < 40; t++) shapes.push([1 + rng.integer(70), 1 + rng.integer(90), 16 + rng.integer(50)]);
  const zeroFractions = [0, 0.2, 0.5, 0.56, 0.6, 0.9, 1];
  shapes.forEach(([n, k, m], s) => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = randomMatrix(rng, transA ? k : n, transA ? n : k, s % 4 === 3);
      const zeros = zeroFractions[(s + (transA ? 1 : 0) + (transB ? 2 : 0)) % zeroFractions.length];
      for (let i = 0; i < a.data.length; i++) if (rng.random() < zeros) a.data[i] = rng.random() < 0.5 ? 0 : -0;
      const b = randomMatrix(rng, transB ? m : k, transB ? k : m, s % 3 === 1);
      const what = `(${n}, ${k}, ${m}) transA ${transA} transB ${transB}, zeros ${zeros}`;
      const expected = matmulReference(a, b, new Matrix(n, m), transA, transB);
      const out = kernelMatrix(n, m);
      matmulInto(kernelMatrix(a.rows, a.cols).copyFrom(a), kernelMatrix(b.rows, b.cols).copyFrom(b), out, transA, transB);
      assertSame(out.data, expected.data, what);
      if (!transA && !transB) {
        const bias = randomMatrix(rng, 1, m, s % 5 === 2);
        const Z = kernelMatrix(n, m);
        linearInto(kernelMatrix(n, k).copyFrom(a), kernelMatrix(k, m).copyFrom(b), kernelMatrix(1, m).copyFrom(bias), Z);
        assertSame(Z.data, linearReference(a, b, bias, new Matrix(n, m)).data, `linear ${what}`);
      }
    }
  });
});

test("linear, addRow, sumRows and the SGD step equal the reference loops bit for bit", () => {
  const rng = new RandomState(2);
  for (let t = 0; t < 60; t++) {
    const n = 1 + rng.integer(70), k = 1 + rng.integer(40), m = 1 + rng.integer(40);
    const where = t % 3;
    const X = randomMatrix(rng, n, k, t % 4 === 0), W = randomMatrix(rng, k, m), b = randomMatrix(rng, 1, m, t % 5 === 0);
    const what = `(${n}, ${k}, ${m}), operands ${where}`;
    for (const bias of [b, null]) {
      const Z = placed(new Matrix(n, m), where);
      linearInto(placed(X, where), placed(W, where), bias && placed(bias, where), Z);
      assertSame(Z.data, linearReference(X, W, bias, new Matrix(n, m)).data, `linear ${what}, bias ${bias !== null}`);
    }
    const z = placed(X, where);
    addRowInPlace(z, placed(randomMatrix(rng, 1, k), where).copyFrom(b.cols === k ? b : Matrix.filled(1, k, 0.5)));
    assertSame(z.data, addRowReference(X.clone(), b.cols === k ? b : Matrix.filled(1, k, 0.5)).data, `addRow ${what}`);
    const sums = placed(new Matrix(1, k), where);
    sumRowsInto(placed(X, where), sums);
    assertSame(sums.data, sumRowsReference(X, new Matrix(1, k)).data, `sumRows ${what}`);
    const p = placed(W, where), g = randomMatrix(rng, k, m);
    sgdStepInPlace(p, placed(g, where), 0.37);
    const expected = W.clone();
    sgdStepReference(expected, g, 0.37);
    assertSame(p.data, expected.data, `sgd ${what}`);
  }
});

test("ReLU's forward and backward kernels equal activations.ts, NaN, -0 and infinities included", () => {
  const rng = new RandomState(3);
  for (const len of [1, 2, 63, 64, 65, 300, 2401]) {
    const Z = randomMatrix(rng, len, 1, true), dA = randomMatrix(rng, len, 1, true);
    Z.data[0] = -0;
    if (len > 3) [Z.data[1], Z.data[2], Z.data[3]] = [NaN, Infinity, -Infinity];
    const A = kernelMatrix(len, 1), dZ = kernelMatrix(len, 1);
    activationForward(reluActivation, kernelMatrix(len, 1).copyFrom(Z), A);
    assertSame(A.data, reluActivation.forward(Z, new Matrix(len, 1)).data, `relu forward, ${len} values`);
    activationBackward(reluActivation, kernelMatrix(len, 1).copyFrom(Z), A, kernelMatrix(len, 1).copyFrom(dA), dZ);
    assertSame(dZ.data, reluActivation.backward(Z, A, dA, new Matrix(len, 1)).data, `relu backward, ${len} values`);
  }
});

test("the sigmoid's kernels equal activations.ts bit for bit: its e^x is V8's Math.exp, also at fdlibm's branch points", () => {
  const rng = new RandomState(6);
  const ln2 = Math.LN2;
  const special = [0, -0, 1, -1, 0.5 * ln2, -0.5 * ln2, 1.5 * ln2, -1.5 * ln2, 2 ** -28, -(2 ** -28), 707.9, -707.9, 708, -708,
    709.78, -745.13, -745.14, 800, -800, Infinity, -Infinity, NaN, 1e-300, 5e-324];
  for (const len of [1, 2, 63, 64, 65, 300, 20001]) {
    const Z = new Matrix(len, 1);
    for (let i = 0; i < len; i++) {
      const kind = i % 4;
      Z.data[i] = kind === 0 ? (rng.random() - 0.5) * 1500 : kind === 1 ? (rng.random() - 0.5) * 4 : kind === 2 ? (rng.random() - 0.5) * 1e-7 : (rng.random() - 0.5) * 60;
    }
    special.forEach((v, i) => { if (i < len) Z.data[(i * 7919) % len] = v; });
    const A = activationForward(sigmoidActivation, kernelMatrix(len, 1).copyFrom(Z), kernelMatrix(len, 1));
    assertSame(A.data, sigmoidActivation.forward(Z, new Matrix(len, 1)).data, `sigmoid, ${len} values`);
    // Backward, from the output A: dA with NaN, -0 and infinities in it.
    const dA = randomMatrix(rng, len, 1, true), dZ = kernelMatrix(len, 1);
    if (len > 3) [dA.data[1], dA.data[2], dA.data[3]] = [NaN, -0, -Infinity];
    activationBackward(sigmoidActivation, kernelMatrix(len, 1).copyFrom(Z), A, kernelMatrix(len, 1).copyFrom(dA), dZ);
    assertSame(dZ.data, sigmoidActivation.backward(Z, A, dA, new Matrix(len, 1)).data, `sigmoid backward, ${len} values`);
  }
});

test("softmax's kernel equals activations.ts bit for bit, row by row: far-apart values, infinities and NaN included", () => {
  const rng = new RandomState(8);
  for (const [rows, cols] of [[64, 1], [32, 2], [22, 3], [32, 10], [7, 11], [5, 64], [300, 4]]) {
    const Z = new Matrix(rows, cols);
    for (let i = 0; i < Z.size; i++) Z.data[i] = (rng.random() - 0.5) * (i % 3 === 0 ? 2000 : 20);
    // Rows whose e^(z - max) takes the kernel's one-lane path, or gives NaN: far below the
    // maximum, an infinity, NaN, all -Infinity.
    const row = (r: number, values: number[]) => values.forEach((v, j) => { if (j < cols && r < rows) Z.data[r * cols + j] = v; });
    row(0, [0, -800, -708, 707.5, -1e-300]);
    row(1, [Infinity, 1, -Infinity]);
    row(2, [NaN, 3, 4]);
    row(3, Array(cols).fill(-Infinity));
    row(4, [-0, 0, -0]);
    const A = activationForward(softmaxActivation, kernelMatrix(rows, cols).copyFrom(Z), kernelMatrix(rows, cols));
    assertSame(A.data, softmaxActivation.forward(Z, new Matrix(rows, cols)).data, `softmax, (${rows}, ${cols})`);
  }
});

test("a user's own activation named like a built-in runs its own code, not a backend's kernel", () => {
  const doubled: Activation = {
    ...reluActivation,
    forward: (Z, out) => Z.map((z) => 2 * z).data.forEach((v, i) => (out.data[i] = v)) ?? out,
  };
  const Z = kernelMatrix(100, 2).copyFrom(Matrix.filled(100, 2, -1.5));
  const A = activationForward(doubled, Z, kernelMatrix(100, 2));
  assert.equal(A.data[0], -3);
});

/** Networks trained the same way on each backend: the loss histories and the weights, bit for bit. */
test("both backends train the same networks to the same bits: batch sizes 1, 32 and full; sgd, momentum and adam", () => {
  const ring = circles({ seed: 0 });
  const d = digits();
  const { XTrain, yTrain } = trainTestSplit(d.X.scale(1 / 16), d.y, { testFraction: 0.8, seed: 0 });
  const cases: { what: string; make: () => Network; X: Matrix; y: Matrix; loss: LossName; lr: number }[] = [
    { what: "circles [2,4,8,1] mse", make: () => new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 }), X: ring.X.scale(0.1), y: ring.y, loss: "mse", lr: 0.5 },
    { what: "circles [2,16,1] tanh bce", make: () => new Network({ sizes: [2, 16, 1], activations: ["tanh", "sigmoid"], init: "he", seed: 1 }), X: ring.X.scale(0.1), y: ring.y, loss: "binaryCrossEntropy", lr: 0.1 },
    { what: "digits [64,32,10] softmax", make: () => new Network({ sizes: [64, 32, 10], activations: ["leakyRelu", "softmax"], init: "he", seed: 2 }), X: XTrain, y: yTrain, loss: "crossEntropy", lr: 0.05 },
    { what: "Loy's biasless [3,4,1] sse", make: () => new Network({ sizes: [3, 4, 1], activations: ["sigmoid", "sigmoid"], bias: false, init: "uniform", seed: 0 }), X: Matrix.from([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]), y: Matrix.column([0, 1, 1, 0]), loss: "sse", lr: 0.5 },
  ];
  for (const c of cases) {
    for (const batchSize of [1, 32, c.X.rows]) {
      for (const optimizer of ["sgd", "momentum", "adam"] as OptimizerName[]) {
        const epochs = batchSize === 1 ? 2 : 5;
        const options = { epochs, learningRate: optimizer === "adam" ? c.lr / 10 : c.lr, loss: c.loss, optimizer, batchSize, shuffle: batchSize === 32, seed: 3 };
        const run = (name: BackendName) => using(name, () => {
          const net = c.make();
          const { loss } = net.fit(c.X, c.y, options);
          return { loss, weights: net.layers.flatMap((l) => [...l.W.data, ...(l.b?.data ?? [])]) };
        });
        const fast = run("wasm"), plain = run("reference");
        const what = `${c.what}, batch ${batchSize}, ${optimizer}`;
        assertSame(Float64Array.from(fast.loss), Float64Array.from(plain.loss), `${what}: loss history`);
        assertSame(Float64Array.from(fast.weights), Float64Array.from(plain.weights), `${what}: weights`);
      }
    }
  }
});

test("the WebAssembly backend's memory: full arenas, a matrix bigger than an arena, operands from two arenas", () => {
  const rng = new RandomState(4);
  const a = randomMatrix(rng, 64, 48), b = randomMatrix(rng, 48, 40);
  const expected = matmulReference(a, b, new Matrix(64, 40));
  const first = { a: kernelMatrix(64, 48).copyFrom(a), b: kernelMatrix(48, 40).copyFrom(b) };
  // 5 million values (40 MB) need an arena of their own; then more small ones fill the next.
  const big = kernelMatrix(1000, 5000);
  big.data[big.data.length - 1] = 1;
  const kept: Matrix[] = [];
  for (let i = 0; i < 60; i++) kept.push(kernelMatrix(256, 256));
  const second = { b: kernelMatrix(48, 40).copyFrom(b), out: kernelMatrix(64, 40) };
  assert.notEqual(first.a.data.buffer, second.b.data.buffer, "the test needs two arenas");
  matmulInto(first.a, second.b, second.out); // operands from two memories: run on copies
  assertSame(second.out.data, expected.data, "operands from two arenas");
  const out = kernelMatrix(64, 40);
  matmulInto(kernelMatrix(64, 48).copyFrom(a), kernelMatrix(48, 40).copyFrom(b), out);
  assertSame(out.data, expected.data, "in a fresh arena");
  assert.equal(first.a.data[0], a.data[0], "matrices of the old arenas keep their values");
  assert.equal(big.data[big.data.length - 1], 1);
});

test("a fit on the WebAssembly backend runs every kernel in place: no operand is copied in or out", () => {
  // A copy (an operand outside the layers' arena) gives the same numbers, only slower: this is
  // where a buffer made with `new Matrix` instead of `kernelMatrix` would show.
  const backend = getBackend() as unknown as { placeCopies: (...args: unknown[]) => unknown };
  const placeCopies = backend.placeCopies;
  let copies = 0;
  backend.placeCopies = function (...args: unknown[]) {
    copies++;
    return placeCopies.apply(this, args);
  };
  try {
    const ring = circles({ seed: 0 });
    const d = digits();
    const { XTrain, yTrain } = trainTestSplit(d.X.scale(1 / 16), d.y, { testFraction: 0.8, seed: 0 }); // 360 rows
    const cases: [string, () => Network, Matrix, Matrix, LossName][] = [
      ["[2,4,8,1] relu, sigmoid, mse", () => new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 }), ring.X.scale(0.1), ring.y, "mse"],
      ["[2,16,1] tanh, sigmoid, binary cross-entropy", () => new Network({ sizes: [2, 16, 1], activations: ["tanh", "sigmoid"], seed: 1 }), ring.X.scale(0.1), ring.y, "binaryCrossEntropy"],
      ["[64,128,10] relu, softmax, cross-entropy", () => new Network({ sizes: [64, 128, 10], activations: ["relu", "softmax"], seed: 2 }), XTrain, yTrain, "crossEntropy"],
    ];
    for (const [what, make, X, y, loss] of cases) {
      for (const batchSize of [32, X.rows]) {
        // A matrix as big as an arena starts a new one with 4 MB to spare, so that the network and
        // its buffers (under 2 MB here) are not split between two arenas (which would copy, rightly).
        kernelMatrix(4096, 1024);
        const net = make();
        copies = 0;
        net.fit(X, y, { epochs: 2, learningRate: 0.1, loss, batchSize, shuffle: true, seed: 0 });
        assert.equal(copies, 0, `${what}, batch ${batchSize}: ${copies} kernel calls ran on copies`);
      }
    }
  } finally {
    backend.placeCopies = placeCopies;
  }
});

test("setBackend switches the kernels, refuses unknown names, and explains what wasm-fma needs", () => {
  assert.equal(using("reference", () => getBackend().name), "reference");
  assert.equal(getBackend().name, "wasm");
  assert.throws(() => setBackend("gpu" as BackendName), { message: 'setBackend: unknown backend "gpu"; valid names are reference, wasm, wasm-fma' });
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) {
    assert.throws(() => setBackend("wasm-fma"), {
      message: 'setBackend("wasm-fma"): this runtime has no relaxed SIMD (on Node 20 and 21, start node with --experimental-wasm-relaxed-simd)',
    });
  }
  assert.equal(getBackend().name, "wasm", "a failed setBackend leaves the backend as it was");
});

test("wasm-fma (fused multiply-adds, opt-in) agrees with the reference to a few units in the last place", () => {
  const script = `
    const { setBackend, matmulInto, Matrix, RandomState, Network, circles } = require("./src/index");
    const { matmulReference } = require("./src/kernels/reference");
    const rng = new RandomState(5);
    let worst = 0, differ = 0;
    for (let t = 0; t < 40; t++) {
      const n = 1 + rng.integer(40), k = 1 + rng.integer(300), m = 1 + rng.integer(40);
      const a = rng.randn(n, k), b = rng.randn(k, m);
      const ref = matmulReference(a, b, new Matrix(n, m));
      const abs = matmulReference(a.map(Math.abs), b.map(Math.abs), new Matrix(n, m));
      setBackend("wasm-fma");
      const got = matmulInto(a, b, new Matrix(n, m));
      setBackend("wasm");
      for (let i = 0; i < ref.data.length; i++) {
        if (got.data[i] !== ref.data[i]) differ++;
        worst = Math.max(worst, Math.abs(got.data[i] - ref.data[i]) / (abs.data[i] * 2 ** -52));
      }
    }
    console.log(JSON.stringify({ worst, differ }));`;
  const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const { worst } = JSON.parse(r.stdout);
  // Each entry sums k terms, each step rounded once: within k units of |a| |b| in the last place.
  assert.ok(worst <= 300, `largest error ${worst} units of the sum of |terms| in the last place`);
});

test("the built library finds its kernels in dist/, and without them falls back to the reference loops", () => {
  const built = spawnSync(process.execPath, ["-e", 'console.log(require("./dist/index.js").getBackend().name)'], { cwd: ROOT, encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
  assert.equal(built.stdout.trim(), "wasm");
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-nowasm-"));
  try {
    cpSync(join(ROOT, "dist"), join(dir, "dist"), { recursive: true });
    for (const file of ["kernels.wasm", "kernels-fma.wasm"]) unlinkSync(join(dir, "dist", file));
    const script = 'const s = require("./dist/index.js"); console.log(s.getBackend().name); try { s.setBackend("wasm"); } catch (e) { console.log(e.message); }';
    const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), [
      "reference",
      'setBackend("wasm"): the compiled kernels (dist/kernels.wasm) are missing: run `npm run build`',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SCRATCHNET_BACKEND picks the first backend; a wrong name says what is valid", () => {
  const pick = (value: string, node: string[] = []) =>
    spawnSync(process.execPath, [...node, "--import", "tsx", "-e", 'console.log(require("./src/index").getBackend().name)'], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, SCRATCHNET_BACKEND: value },
    });
  assert.equal(pick("reference").stdout.trim(), "reference");
  assert.equal(pick("wasm-fma", ["--experimental-wasm-relaxed-simd"]).stdout.trim(), "wasm-fma");
  const wrong = pick("fast");
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /setBackend: unknown backend "fast"; valid names are reference, wasm, wasm-fma/);
});

test("an error thrown inside the built library points into src/ through its source maps (as the notebook kernel has them)", () => {
  const script = 'process.setSourceMapsEnabled(true); require("./dist/index.js").Matrix.from([[1], [1, 2]]);';
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /row 1 has 2 values but row 0 has 1/);
  assert.match(r.stderr, /src[\\/]core[\\/]matrix\.ts:\d+/);
  // Every kernel process, started from the snapshot or not, starts through kernel-main.cjs.
  const start = require("fs").readFileSync(join(ROOT, "jupyter", "kernels", "tslab", "kernel-main.cjs"), "utf8");
  assert.match(start, /^\s*process\.setSourceMapsEnabled\(true\);$/m, "the kernel turns source maps on");
});
