// The dense layer's WebAssembly passes and SGD update (src/wasm/dense.ts, added for `npm run bench`'s
// targets) against the readable reference: every number bit for bit, on random shapes, with the values
// where kernels go wrong (NaN, +-0, +-Infinity, saturating inputs), for every activation they apply.
// This file runs the "separate" build (multiply, then add: SCRATCHNET_FMA=0, set below before any
// layer runs); test/fma.test.ts checks the "fused" one against the same reference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import * as ts from "typescript";
import {
  activations, Layer, Matrix, mse, Network, Optimizer, RandomState, reluActivation, sigmoidActivation,
} from "../src/index";
import { WASM_SGD_MIN_VALUES } from "../src/optimizers";
import { addRowReference, matmulReference, sumRowsReference } from "../src/kernels-reference";
import { WASM_DENSE_MIN_MULTIPLY_ADDS } from "../src/layer";
import { DenseWorkspace, sgdStep, wasmDenseAvailable } from "../src/wasm/dense";
import { buildDenseModule } from "../src/wasm/dense-module";
import { assertSame, randomMatrix } from "./fixtures/kernel-inputs";

process.env.SCRATCHNET_FMA = "0"; // read when the first layer runs (wasm/fma.ts), after the imports

/** What the plain loops give for one layer: forward, then backward from dA. */
function reference(X: Matrix, W: Matrix, b: Matrix, act: (typeof activations)[keyof typeof activations], dA: Matrix) {
  const n = X.rows, nOut = W.cols;
  const Z = addRowReference(matmulReference(X, W, new Matrix(n, nOut)), b);
  const A = act.forward(Z, new Matrix(n, nOut));
  const dZ = act.backward(Z, A, dA, new Matrix(n, nOut));
  return {
    Z, A, dZ,
    dW: matmulReference(X, dZ, new Matrix(W.rows, nOut), true, false),
    db: sumRowsReference(dZ, new Matrix(1, nOut)),
    dX: matmulReference(dZ, W, new Matrix(n, W.rows), false, true),
  };
}

test("the dense wasm module runs here (WebAssembly SIMD)", () => {
  assert.equal(wasmDenseAvailable(), true);
});

for (const name of ["relu", "leakyRelu", "sigmoid", "linear", "tanh", "softmax"] as const) {
  test(`a layer's wasm passes equal the reference loops bit for bit: ${name}, random shapes`, () => {
    const rng = new RandomState(7);
    for (let trial = 0; trial < 60; trial++) {
      const nIn = 1 + rng.integer(20), nOut = 1 + rng.integer(name === "softmax" ? 12 : 20);
      const n = Math.max(1 + rng.integer(40), Math.ceil(WASM_DENSE_MIN_MULTIPLY_ADDS / (nIn * nOut)));
      const specials = trial % 3 === 0;
      const X = randomMatrix(rng, n, nIn, specials), W = randomMatrix(rng, nIn, nOut), b = randomMatrix(rng, 1, nOut);
      const dA = randomMatrix(rng, n, nOut, specials);
      const layer = new Layer(W, b, name);
      const ref = reference(X, W, b, activations[name], dA);
      const where = `${name} (${n}x${nIn}) @ (${nIn}x${nOut}), trial ${trial}`;
      assertSame(layer.forward(X).data, ref.A.data, `${where}: A`);
      assertSame(layer.preActivation.data, ref.Z.data, `${where}: Z`);
      const dX = layer.backward(dA, true)!;
      assertSame(layer.dZBuffer().data, ref.dZ.data, `${where}: dZ`);
      assertSame(layer.dW.data, ref.dW.data, `${where}: dW`);
      assertSame(layer.db!.data, ref.db.data, `${where}: db`);
      assertSame(dX.data, ref.dX.data, `${where}: dX`);
    }
  });
}

test("every remainder of the tiles (rows, columns, a lone column, k = 1) equals the reference, below the layer's threshold too", () => {
  // DenseWorkspace directly, so that the smallest shapes reach the wasm kernels as well.
  const rng = new RandomState(5);
  for (const name of ["relu", "leakyRelu", "sigmoid", "linear"] as const) {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 33]) {
      for (const [nIn, nOut] of [[1, 1], [1, 8], [2, 4], [3, 1], [8, 1], [5, 3], [4, 6], [7, 9]]) {
        const X = randomMatrix(rng, n, nIn, true), W = randomMatrix(rng, nIn, nOut), b = randomMatrix(rng, 1, nOut);
        const dA = randomMatrix(rng, n, nOut, true);
        const ref = reference(X, W, b, activations[name], dA);
        const ws = DenseWorkspace.create(n, nIn, nOut)!;
        const where = `${name} (${n}x${nIn}) @ (${nIn}x${nOut})`;
        if (!ws.forward(X, W, b, name)) activations[name].forward(ws.Z, ws.A);
        assertSame(ws.Z.data, ref.Z.data, `${where}: Z`);
        assertSame(ws.A.data, ref.A.data, `${where}: A`);
        const dW = new Matrix(nIn, nOut), db = new Matrix(1, nOut);
        assert.equal(ws.backward(dA, name, W, dW, db, true), true);
        assertSame(ws.dZ.data, ref.dZ.data, `${where}: dZ`);
        assertSame(dW.data, ref.dW.data, `${where}: dW`);
        assertSame(db.data, ref.db.data, `${where}: db`);
        assertSame(ws.dX.data, ref.dX.data, `${where}: dX`);
        // From a dZ already in place (the fused output gradients), without db or dX.
        const dW2 = new Matrix(nIn, nOut);
        ws.dX.data.fill(7);
        assert.equal(ws.backward(null, null, W, dW2, null, false), true);
        assertSame(dW2.data, ref.dW.data, `${where}: dW from dZ`);
        assert.ok(ws.dX.data.every((v) => v === 7), `${where}: dX left alone when not needed`);
        if (name === "sigmoid") {
          // Article 002's output pair, fused: mse's gradient, then sigmoid's backward.
          const y = randomMatrix(rng, n, nOut, true);
          const dZ = activations.sigmoid.backward(ref.Z, ref.A, mse.gradient(ref.A, y, new Matrix(n, nOut)), new Matrix(n, nOut));
          const dW3 = new Matrix(nIn, nOut), db3 = new Matrix(1, nOut);
          ws.backwardMseSigmoid(y, W, dW3, db3, true);
          assertSame(ws.dZ.data, dZ.data, `${where}: mse + sigmoid dZ`);
          assertSame(dW3.data, matmulReference(X, dZ, new Matrix(nIn, nOut), true, false).data, `${where}: mse + sigmoid dW`);
          assertSame(db3.data, sumRowsReference(dZ, new Matrix(1, nOut)).data, `${where}: mse + sigmoid db`);
          assertSame(ws.dX.data, matmulReference(dZ, W, new Matrix(n, nIn), false, true).data, `${where}: mse + sigmoid dX`);
        }
      }
    }
  }
});

test("the module's transpose moves every bit, for every small shape and odd edges (NaN payloads too)", () => {
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(buildDenseModule()), {}).exports as unknown as {
    memory: WebAssembly.Memory;
    transpose(x: number, n: number, m: number, out: number): void;
  };
  wasm.memory.grow(8); // 9 pages: x, then out at 40,000 values, up to 8,192 each
  const bits = new BigUint64Array(wasm.memory.buffer);
  const rng = new RandomState(11);
  const shapes: [number, number][] = [];
  for (let n = 1; n <= 9; n++) for (let m = 1; m <= 9; m++) shapes.push([n, m]);
  shapes.push([128, 64], [64, 10], [10, 64], [33, 17], [1, 101], [101, 1]);
  const out = 40000; // in values: out's place, after x's
  for (const [n, m] of shapes) {
    bits.fill(0xdeadn);
    // Random 64-bit patterns: every kind of double, NaNs with payloads among them.
    for (let i = 0; i < n * m; i++) bits[i] = (BigInt(rng.integer(2 ** 32)) << 32n) | BigInt(rng.integer(2 ** 32));
    wasm.transpose(0, n, m, out * 8);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        if (bits[out + j * n + i] !== bits[i * m + j]) assert.fail(`(${n}x${m}): out[${j}][${i}] is not x[${i}][${j}]`);
      }
    }
    assert.equal(bits[out + n * m], 0xdeadn, `(${n}x${m}): wrote past the end of out`);
    assert.equal(bits[out - 1], 0xdeadn, `(${n}x${m}): wrote before out`);
  }
});

test("compiled to CommonJS by tsc, as `npm run build` does, the dense module still loads and agrees", () => {
  // tsx (esbuild) and tsc emit different CommonJS (kernels.test.ts tells of a kernel once hidden only in dist/).
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-dense-"));
  try {
    const src = join(__dirname, "..", "src");
    for (const file of ["matrix", "activations", "wasm/emit", "wasm/fma", "wasm/dense-module", "wasm/dense"]) {
      const { outputText } = ts.transpileModule(readFileSync(join(src, `${file}.ts`), "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
      });
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, `${file}.js`), outputText);
    }
    const built = require(join(dir, "wasm", "dense.js")) as typeof import("../src/wasm/dense");
    assert.equal(built.wasmDenseAvailable(), true);
    const rng = new RandomState(2);
    const X = randomMatrix(rng, 9, 5), W = randomMatrix(rng, 5, 3), b = randomMatrix(rng, 1, 3);
    const ws = built.DenseWorkspace.create(9, 5, 3)!;
    ws.forward(X, W, b, "relu");
    assertSame(ws.A.data, reference(X, W, b, activations.relu, new Matrix(9, 3)).A.data, "A from the tsc build");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("layers sharing one memory read each other's buffers in place, and a layer fed its own buffers copies them", () => {
  const rng = new RandomState(4);
  const n = 40;
  const l1 = new Layer(randomMatrix(rng, 6, 6), randomMatrix(rng, 1, 6), "relu");
  const l2 = new Layer(randomMatrix(rng, 6, 3), randomMatrix(rng, 1, 3), "leakyRelu");
  Layer.shareWorkspaces([l1, l2], n);
  const X = randomMatrix(rng, n, 6, true), dOut = randomMatrix(rng, n, 3);
  const r1 = reference(X, l1.W, l1.b!, activations.relu, new Matrix(n, 6));
  const A1 = l1.forward(X);
  const r2 = reference(A1.clone(), l2.W, l2.b!, activations.leakyRelu, dOut);
  assertSame(l2.forward(A1).data, r2.A.data, "l2 reads l1's A in place");
  const dA1 = l2.backward(dOut)!;
  assertSame(dA1.data, r2.dX.data, "l2's dX");
  assertSame(l2.dW.data, r2.dW.data, "l2's dW, from l1's A read in place");
  const back = reference(X, l1.W, l1.b!, activations.relu, dA1.clone());
  l1.backward(dA1);
  assertSame(l1.dZBuffer().data, back.dZ.data, "l1 reads l2's dX in place");
  assertSame(l1.dW.data, back.dW.data, "l1's dW");
  // Fed its own output (6 -> 6), the layer must not overwrite its input while it reads it.
  const own = l1.output.clone();
  const again = reference(own, l1.W, l1.b!, activations.relu, new Matrix(n, 6));
  assertSame(l1.forward(l1.output).data, again.A.data, "l1 fed its own A");
  assert.notEqual(r1.A, A1);
});

test("the wasm sigmoid's e^x is V8's Math.exp bit for bit, also where fdlibm branches", () => {
  const n = 4099; // odd, so the lone last value is covered too
  const ws = DenseWorkspace.create(n, 1, 1)!;
  const X = new Matrix(n, 1), W = Matrix.from([[1]]), b = Matrix.from([[0]]);
  const rng = new RandomState(3);
  const bits = new DataView(new ArrayBuffer(8));
  const generators: (() => number)[] = [
    () => rng.uniform(-40, 40) as number,
    () => rng.uniform(-800, 800) as number,
    () => rng.uniform(-1e-7, 1e-7) as number,
    () => {
      bits.setUint32(0, rng.integer(0x7ff80000));
      bits.setUint32(4, rng.integer(2 ** 32));
      return (rng.random() < 0.5 ? 1 : -1) * bits.getFloat64(0);
    },
  ];
  // Where fdlibm's branches change: 0.5 ln2, 1.5 ln2, 2^-28, e^1 (V8 special-cases it), 708 and beyond.
  const edges = [0, -0, 1, -1, 0.34657359027997264, 0.3465735902799727, 1.0397207708399179, 1.039720770839918, 2 ** -28, -(2 ** -28),
    707.9999999, -707.9999999, 708, -708, 709.78, -745.2, NaN, Infinity, -Infinity];
  for (const gen of generators) {
    for (let i = 0; i < n; i++) X.data[i] = i < edges.length ? edges[i] : gen();
    const done = ws.forward(X, W, b, "sigmoid");
    const expected = sigmoidActivation.forward(ws.Z, new Matrix(n, 1));
    const leftOut = ws.Z.data.filter((z) => !(Math.abs(z) < 708)).length;
    assert.equal(done, leftOut === 0, "forward reports whether it left any value out");
    for (let i = 0; i < n; i++) {
      if (!(Math.abs(ws.Z.data[i]) < 708)) continue; // left for the caller, checked through the layer above
      if (!Object.is(ws.A.data[i], expected.data[i])) assert.fail(`sigmoid(${ws.Z.data[i]}): got ${ws.A.data[i]}, expected ${expected.data[i]}`);
    }
  }
});

test("the wasm softmax is the plain loop's bit for bit, row by row, and leaves a matrix with an e^x beyond its range to the caller", () => {
  const rng = new RandomState(13);
  const E = [0, -0, 0.34657359027997264, 0.3465735902799727, 1.0397207708399179, 1.039720770839918, 2 ** -28, 707.9999999, 708, 745.2];
  for (let cols = 1; cols <= 13; cols++) {
    const n = 37; // rows: as many as the tiles and remainders of the product before it need
    const ws = DenseWorkspace.create(n, cols, cols)!;
    const W = new Matrix(cols, cols); // the identity: Z = X exactly (each entry 0 + x + 0 * ...; +0 for -0 aside)
    for (let j = 0; j < cols; j++) W.data[j * cols + j] = 1;
    for (const spread of [1, 30, 300, 800]) {
      const X = rng.uniform(-spread, spread, n, cols) as Matrix;
      // Some rows get values that sit on fdlibm's branch points once the row's max is taken off.
      for (let i = 0; i < n; i += 3) for (let j = 0; j < cols; j++) X.data[i * cols + j] = -E[rng.integer(E.length)];
      const done = ws.forward(X, W, null, "softmax");
      const expected = activations.softmax.forward(ws.Z, new Matrix(n, cols));
      let leftOut = false;
      for (let i = 0; i < n; i++) {
        const row = ws.Z.data.subarray(i * cols, (i + 1) * cols);
        const max = row.reduce((m, z) => (z > m ? z : m), -Infinity);
        if (row.some((z) => !(Math.abs(z - max) < 708))) {
          leftOut = true;
          continue; // the caller redoes the matrix: checked through the layer in the tests above
        }
        for (let j = 0; j < cols; j++) {
          const k = i * cols + j;
          if (!Object.is(ws.A.data[k], expected.data[k])) assert.fail(`softmax, ${cols} columns, row ${i}: a[${j}] is ${ws.A.data[k]}, expected ${expected.data[k]}`);
        }
      }
      assert.equal(done, !leftOut, `${cols} columns, spread ${spread}: forward reports whether it left any e^x out`);
    }
  }
  // Rows with NaN, -Infinity only, +Infinity, a spread past 708: the module leaves them out, and the layer
  // (over the WebAssembly threshold) gives the plain loop's result for its Z.
  const rows = [[NaN, 1, 2], [-Infinity, -Infinity, -Infinity], [Infinity, 0, 1], [800, 0, 1], [3, 2, 1]];
  const big = new Matrix(500, 3);
  for (let i = 0; i < big.data.length; i++) big.data[i] = rows[Math.floor(i / 3) % rows.length][i % 3];
  assert.ok(500 * 3 * 3 >= WASM_DENSE_MIN_MULTIPLY_ADDS, "the layer takes the WebAssembly path");
  const layer = new Layer(Matrix.from([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), null, "softmax");
  const A = layer.forward(big);
  assertSame(A.data, activations.softmax.forward(layer.preActivation, new Matrix(500, 3)).data, "softmax of NaN and infinite rows");
});

test("SGD's WebAssembly update equals the plain loop bit for bit, on big and odd-sized parameters", () => {
  const rng = new RandomState(9);
  for (const size of [1, 3, WASM_SGD_MIN_VALUES - 1, WASM_SGD_MIN_VALUES, 1001, 8192]) {
    const p = randomMatrix(rng, 1, size, true), g = randomMatrix(rng, 1, size, true);
    const expected = Float64Array.from(p.data);
    for (let i = 0; i < size; i++) expected[i] -= 0.37 * g.data[i];
    assert.equal(sgdStep(p.data, g.data, 0.37), true);
    assertSame(p.data, expected, `sgdStep, ${size} values`);
  }
  // Through the optimizer, a matrix above the threshold and a bias below it.
  const W = randomMatrix(rng, 40, 30), b = randomMatrix(rng, 1, 30), dW = randomMatrix(rng, 40, 30), db = randomMatrix(rng, 1, 30);
  const W0 = Float64Array.from(W.data), b0 = Float64Array.from(b.data);
  new Optimizer("sgd", 0.05, [W, b]).step([W, b], [dW, db]);
  assertSame(W.data, W0.map((w, i) => w - 0.05 * dW.data[i]), "optimizer W");
  assertSame(b.data, b0.map((v, i) => v - 0.05 * db.data[i]), "optimizer b");
});

test("a custom activation object named like a built-in runs its own code, not the wasm one", () => {
  const double = (Z: Matrix, out: Matrix) => {
    for (let i = 0; i < Z.data.length; i++) out.data[i] = 2 * Z.data[i];
    return out;
  };
  const custom = { ...reluActivation, forward: double };
  const X = Matrix.filled(100, 4, -1), W = Matrix.filled(4, 4, 0.5), b = new Matrix(1, 4);
  const out = new Layer(W, b, custom).forward(X);
  assert.deepEqual(out.toFlatArray().slice(0, 4), [-4, -4, -4, -4]); // ReLU would give 0
  assert.notEqual(custom, reluActivation);
});

test("training through wasm workspaces gives the same network as through plain ones", () => {
  // Batches of 2 rows stay below the wasm threshold; 64 go above it. Same seed, same data, same
  // updates: per-sample-sized and full batches must both reproduce the reference arithmetic, so
  // compare a full-batch run against the layer-by-layer reference loop written out here.
  const rng = new RandomState(11);
  const X = rng.uniform(-2, 2, 64, 3) as Matrix;
  const y = Matrix.column(Array.from({ length: 64 }, (_, i) => (X.get(i, 0) * X.get(i, 1) > 0 ? 1 : 0)));
  const net = new Network({ sizes: [3, 8, 5, 1], activations: ["relu", "leakyRelu", "sigmoid"], init: "he", seed: 1 });
  const start = net.toJSON();
  const loss = net.fit(X, y, { epochs: 30, learningRate: 0.3, loss: "mse" }).loss;

  const layers = start.layers.map((l) => ({ W: Matrix.from(l.weights), b: Matrix.from([l.biases!]), act: activations[l.activation as "relu"] }));
  const refLoss: number[] = [];
  for (let epoch = 0; epoch < 30; epoch++) {
    const cache: { X: Matrix; Z: Matrix; A: Matrix }[] = [];
    let A = X;
    for (const l of layers) {
      const Z = addRowReference(matmulReference(A, l.W, new Matrix(A.rows, l.W.cols)), l.b);
      cache.push({ X: A, Z, A: (A = l.act.forward(Z, new Matrix(Z.rows, Z.cols))) });
    }
    const scale = 2 / A.data.length; // as mse.gradient computes it
    let dA = A.map((a, i) => scale * (a - y.data[i]));
    const grads: { dW: Matrix; db: Matrix }[] = [];
    for (let l = layers.length - 1; l >= 0; l--) {
      const { X: Xl, Z, A: Al } = cache[l];
      const dZ = layers[l].act.backward(Z, Al, dA, new Matrix(Z.rows, Z.cols));
      grads[l] = { dW: matmulReference(Xl, dZ, new Matrix(Xl.cols, Z.cols), true, false), db: sumRowsReference(dZ, new Matrix(1, Z.cols)) };
      dA = matmulReference(dZ, layers[l].W, new Matrix(Z.rows, Xl.cols), false, true);
    }
    layers.forEach((l, i) => {
      for (let j = 0; j < l.W.data.length; j++) l.W.data[j] -= 0.3 * grads[i].dW.data[j];
      for (let j = 0; j < l.b.data.length; j++) l.b.data[j] -= 0.3 * grads[i].db.data[j];
    });
    let out = X;
    for (const l of layers) out = l.act.forward(addRowReference(matmulReference(out, l.W, new Matrix(out.rows, l.W.cols)), l.b), new Matrix(out.rows, l.W.cols));
    let s = 0;
    for (let i = 0; i < out.data.length; i++) s += (y.data[i] - out.data[i]) ** 2;
    refLoss.push(s / out.data.length);
  }
  assert.deepEqual(loss, refLoss);
  net.layers.forEach((l, i) => assertSame(l.W.data, layers[i].W.data, `layer ${i} W`));
});

test("a layer's backward with a learning rate takes plain SGD's step: the same bits as backward, then W -= lr dW, b -= lr db", () => {
  const rng = new RandomState(12);
  const lr = 0.37;
  // (n, nIn, nOut): wasm-sized, plain-sized (below WASM_DENSE_MIN_MULTIPLY_ADDS), and one output unit.
  for (const [n, nIn, nOut] of [[32, 64, 10], [3, 2, 4], [40, 7, 1], [9, 13, 6]]) {
    for (const bias of [true, false]) {
      for (const entry of ["backward", "backwardFromDZ", "backwardMseSigmoid"] as const) {
        const where = `(${n}, ${nIn}, ${nOut}), ${bias ? "with" : "without"} biases, ${entry}`;
        const W = randomMatrix(rng, nIn, nOut), b = bias ? randomMatrix(rng, 1, nOut) : null;
        const X = randomMatrix(rng, n, nIn), dA = randomMatrix(rng, n, nOut), y = rng.rand(n, nOut) as Matrix;
        const act = entry === "backwardMseSigmoid" ? "sigmoid" : "relu";
        const run = (learningRate?: number) => {
          const layer = new Layer(W.clone(), b ? b.clone() : null, act);
          layer.forward(X);
          if (entry === "backwardFromDZ") layer.dZBuffer().data.set(dA.data);
          const dX = entry === "backward" ? layer.backward(dA, true, learningRate)
            : entry === "backwardFromDZ" ? layer.backwardFromDZ(true, learningRate)
            : layer.backwardMseSigmoid(y, true, learningRate);
          return { layer, dX: dX!.clone() };
        };
        const plain = run(), stepped = run(lr);
        assertSame(stepped.dX.data, plain.dX.data, `${where}: dX, with the old W`);
        assertSame(stepped.layer.dW.data, plain.layer.dW.data, `${where}: dW`);
        const expected = plain.layer.W.clone();
        new Optimizer("sgd", lr, [expected]).step([expected], [plain.layer.dW]);
        assertSame(stepped.layer.W.data, expected.data, `${where}: W after the step`);
        if (bias) assertSame(stepped.layer.b!.data, b!.data.map((v, j) => v - lr * plain.layer.db!.data[j]), `${where}: b after the step`);
      }
    }
  }
});

test("the step is taken from W as it is at the backward pass, also when it changed after the forward pass", () => {
  const rng = new RandomState(13);
  const layer = new Layer(randomMatrix(rng, 64, 128), randomMatrix(rng, 1, 128), "relu"); // a wasm-sized layer
  const X = randomMatrix(rng, 32, 64), dA = randomMatrix(rng, 32, 128);
  layer.forward(X);
  layer.W.data[5] += 1; // after forward, before backward: the step must start from this W
  layer.b!.data[3] -= 2;
  const W = layer.W.clone(), b = layer.b!.clone();
  layer.backward(dA, false, 0.5);
  assertSame(layer.W.data, W.data.map((v, i) => v - 0.5 * layer.dW.data[i]), "W");
  assertSame(layer.b!.data, b.data.map((v, j) => v - 0.5 * layer.db!.data[j]), "b");
});
