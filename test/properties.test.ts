// Property-based tests (fast-check): Matrix operations, every layer and every loss against slow,
// obviously-correct nested-array references, on random shapes including 1x1, 1xN, Nx1 and empty.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ACTIVATION_NAMES, activations, addRowInPlace, Layer, LEAKY_RELU_SLOPE, LOSS_NAMES, losses, matmulInto, Matrix, sumRowsInto,
} from "../src/index";

type Grid = number[][];
const RUNS = 150;
/** Counts the properties this file checks, for the README's report. */
let properties = 0;

// --- arbitraries --------------------------------------------------------------------------

const value = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
const dim = (min = 0) => fc.integer({ min, max: 7 });

/** A rows x cols grid of values. */
const grid = (rows: number, cols: number) => fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

const toMatrix = (g: Grid, cols: number) => (g.length === 0 ? new Matrix(0, cols) : Matrix.from(g));

// --- slow references, written from the definitions ---------------------------------------------

const refMatmul = (a: Grid, b: Grid, n: number, k: number, m: number): Grid =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i][p] * b[p][j];
    return s;
  }));
const refTranspose = (a: Grid, rows: number, cols: number): Grid => Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => a[i][j]));

function refActivate(name: string, z: number[]): number[] {
  switch (name) {
    case "sigmoid": return z.map((v) => 1 / (1 + Math.exp(-v)));
    case "relu": return z.map((v) => Math.max(0, v));
    case "tanh": return z.map(Math.tanh);
    case "leakyRelu": return z.map((v) => (v > 0 ? v : LEAKY_RELU_SLOPE * v));
    case "linear": return z.slice();
    case "softmax": {
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    }
  }
  throw new Error(name);
}

/** The Jacobian dA/dZ of one row, element [i][j] = d a_i / d z_j, from the definitions. */
function refJacobian(name: string, z: number[]): Grid {
  const a = refActivate(name, z);
  return z.map((zi, i) => z.map((_, j) => {
    if (name === "softmax") return a[i] * ((i === j ? 1 : 0) - a[j]);
    if (i !== j) return 0;
    switch (name) {
      case "sigmoid": return a[i] * (1 - a[i]);
      case "relu": return zi > 0 ? 1 : 0;
      case "tanh": return 1 - a[i] * a[i];
      case "leakyRelu": return zi > 0 ? 1 : LEAKY_RELU_SLOPE;
      default: return 1;
    }
  }));
}

function refLoss(name: string, p: Grid, y: Grid): { value: number; grad: Grid } {
  const n = p.length, k = p[0].length, N = n * k;
  const clip = (v: number) => Math.min(Math.max(v, 1e-12), 1 - 1e-12);
  let value = 0;
  const grad = p.map((row, i) => row.map((pi, j) => {
    const t = y[i][j];
    switch (name) {
      case "mse": value += (t - pi) ** 2 / N; return (2 * (pi - t)) / N;
      case "sse": value += (t - pi) ** 2; return 2 * (pi - t);
      case "binaryCrossEntropy": {
        const q = clip(pi);
        value -= (t * Math.log(q) + (1 - t) * Math.log(1 - q)) / N;
        return (q - t) / (q * (1 - q) * N);
      }
      default: {
        const q = clip(pi);
        value -= (t * Math.log(q)) / n;
        return -t / (q * n);
      }
    }
  }));
  return { value, grad };
}

function assertNear(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]));
    assert.ok(ok, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function property<T>(name: string, arb: fc.Arbitrary<T>, check: (v: T) => void): void {
  test(name, () => {
    properties++;
    fc.assert(fc.property(arb, (v) => { check(v); }), { numRuns: RUNS, seed: 20261121 });
  });
}

// --- Matrix ------------------------------------------------------------------------------------

const matmulCase = fc.tuple(dim(), dim(), dim()).chain(([n, k, m]) => fc.tuple(fc.constant([n, k, m]), grid(n, k), grid(k, m)));

property("matmul equals the triple sum, for any shapes including empty ones", matmulCase, ([[n, k, m], a, b]) => {
  const expected = refMatmul(a, b, n, k, m).flat();
  const A = toMatrix(a, k), B = toMatrix(b, m);
  assertNear(A.matmul(B).data, expected, 1e-12, "matmul");
  assertNear(matmulInto(A, B, new Matrix(n, m)).data, expected, 1e-12, "matmulInto");
  assertNear(matmulInto(A.T, B, new Matrix(n, m), true).data, expected, 1e-12, "matmulInto(A^T)");
  assertNear(matmulInto(A, B.T, new Matrix(n, m), false, true).data, expected, 1e-12, "matmulInto(B^T)");
});

const matrixCase = fc.tuple(dim(), dim()).chain(([r, c]) => fc.tuple(fc.constant([r, c]), grid(r, c), grid(1, c), grid(r, 1), grid(r, c)));

property("transpose, broadcasting, element-wise ops and sums match their definitions", matrixCase, ([[r, c], a, row, col, b]) => {
  const A = toMatrix(a, c), R = Matrix.from(row), C = toMatrix(col, 1), B = toMatrix(b, c);
  assertNear(A.T.data, refTranspose(a, r, c).flat(), 0, "transpose");
  assert.equal(A.T.T.equals(A), true);
  assertNear(A.add(R).data, a.flatMap((x) => x.map((v, j) => v + row[0][j])), 0, "add row");
  assertNear(A.sub(C).data, a.flatMap((x, i) => x.map((v) => v - col[i][0])), 0, "sub column");
  assertNear(A.mul(B).data, a.flatMap((x, i) => x.map((v, j) => v * b[i][j])), 0, "mul");
  assertNear(A.scale(3).data, a.flat().map((v) => 3 * v), 0, "scale");
  assertNear(A.sum(0).data, Array.from({ length: c }, (_, j) => a.reduce((s, x) => s + x[j], 0)), 1e-12, "sum(0)");
  assertNear(A.sum(1).data, a.map((x) => x.reduce((s, v) => s + v, 0)), 1e-12, "sum(1)");
  assertNear(sumRowsInto(A, new Matrix(1, c)).data, Array.from(A.sum(0).data), 1e-12, "sumRowsInto");
  assertNear(addRowInPlace(A.clone(), R).data, Array.from(A.add(R).data), 0, "addRowInPlace");
  assert.deepEqual(Matrix.from(A.toArray().length ? A.toArray() : []).toArray(), A.toArray());
});

// --- layers ------------------------------------------------------------------------------------

const layerCase = fc.tuple(fc.constantFrom(...ACTIVATION_NAMES), dim(), dim(1), dim(1), fc.boolean()).chain(([act, n, nIn, nOut, bias]) =>
  fc.tuple(fc.constant({ act, n, nIn, nOut, bias }), grid(n, nIn), grid(nIn, nOut), grid(1, nOut), grid(n, nOut)));

property("every layer's forward and backward match the definitions (Z = XW + b, chain rule via the Jacobian)", layerCase, ([s, x, w, b, dA]) => {
  const { act, n, nIn, nOut, bias } = s;
  const layer = new Layer(Matrix.from(w), bias ? Matrix.from(b) : null, act);
  const X = toMatrix(x, nIn);
  const z = refMatmul(x, w, n, nIn, nOut).map((row) => row.map((v, j) => v + (bias ? b[0][j] : 0)));
  const a = z.map((row) => refActivate(act, row));
  assertNear(layer.forward(X).data, a.flat(), 1e-12, `${act} forward`);
  // dZ_i = sum_j dA_j * d a_j / d z_i, row by row; then dW = X^T dZ, db = column sums, dX = dZ W^T.
  const dZ = z.map((row, r) => {
    const J = refJacobian(act, row);
    return row.map((_, i) => J.reduce((sum, Jj, j) => sum + dA[r][j] * Jj[i], 0));
  });
  const dX = layer.backward(toMatrix(dA, nOut))!;
  assertNear(layer.dW.data, refMatmul(refTranspose(x, n, nIn), dZ, nIn, n, nOut).flat(), 1e-10, `${act} dW`);
  if (bias) assertNear(layer.db!.data, Array.from({ length: nOut }, (_, j) => dZ.reduce((sum, row) => sum + row[j], 0)), 1e-10, `${act} db`);
  assertNear(dX.data, refMatmul(dZ, refTranspose(w, nIn, nOut), n, nOut, nIn).flat(), 1e-10, `${act} dX`);
});

// --- losses ------------------------------------------------------------------------------------

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const lossCase = fc.tuple(fc.constantFrom(...LOSS_NAMES), dim(1), dim(1)).chain(([loss, n, k]) =>
  fc.tuple(
    fc.constant({ loss, n, k }),
    fc.array(fc.array(loss === "mse" || loss === "sse" ? value : probability, { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
    fc.array(fc.array(loss === "mse" || loss === "sse" ? value : fc.constantFrom(0, 1), { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
  ));

property("every loss's value and gradient match the definitions, finite even at probabilities 0 and 1", lossCase, ([s, p, y]) => {
  const loss = losses[s.loss];
  const ref = refLoss(s.loss, p, y);
  const P = Matrix.from(p), Y = Matrix.from(y);
  const v = loss.value(P, Y);
  assert.ok(Number.isFinite(v));
  assertNear([v], [ref.value], 1e-10, `${s.loss} value`);
  const g = loss.gradient(P, Y, new Matrix(s.n, s.k));
  for (const gi of g.data) assert.ok(Number.isFinite(gi), `${s.loss} gradient ${gi}`);
  assertNear(g.data, ref.grad.flat(), 1e-9, `${s.loss} gradient`);
});

const labelCase = fc.tuple(dim(1), fc.integer({ min: 2, max: 6 })).chain(([n, k]) =>
  fc.tuple(fc.constant([n, k]), grid(n, k), fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n })));

property("cross-entropy with integer labels equals cross-entropy with one-hot rows", labelCase, ([[n, k], z, labels]) => {
  const P = activations.softmax.forward(Matrix.from(z), new Matrix(n, k));
  const oneHot = new Matrix(n, k).map((_, i, j) => (labels[i] === j ? 1 : 0));
  const L = Matrix.column(labels);
  assert.equal(losses.crossEntropy.value(P, L), losses.crossEntropy.value(P, oneHot));
  assert.deepEqual(losses.crossEntropy.gradient(P, L, new Matrix(n, k)).data, losses.crossEntropy.gradient(P, oneHot, new Matrix(n, k)).data);
});

const extremeCase = fc.tuple(dim(1), dim(1)).chain(([n, k]) =>
  fc.tuple(fc.constant([n, k]), fc.array(fc.array(fc.constantFrom(-1000, -50, 0, 50, 1000), { minLength: k, maxLength: k }), { minLength: n, maxLength: n })));

property("sigmoid, softmax and their cross-entropies stay finite at logits of +-1000", extremeCase, ([[n, k], z]) => {
  const Z = Matrix.from(z);
  for (const [act, loss] of [["sigmoid", "binaryCrossEntropy"], ["softmax", "crossEntropy"]] as const) {
    const A = activations[act].forward(Z, new Matrix(n, k));
    const y = new Matrix(n, k).map((_, i, j) => (act === "softmax" ? (j === i % k ? 1 : 0) : (i + j) % 2));
    for (const v of [...A.data, losses[loss].value(A, y), ...losses[loss].gradient(A, y, new Matrix(n, k)).data]) {
      assert.ok(Number.isFinite(v), `${act}/${loss}: ${v}`);
    }
    const dZ = activations[act].backward(Z, A, Matrix.filled(n, k, 1), new Matrix(n, k));
    for (const v of dZ.data) assert.ok(Number.isFinite(v));
  }
});

test("property count (for the README)", () => {
  assert.equal(properties, 6);
  console.log(`# properties: ${properties}, each on ${RUNS} random cases`);
});
