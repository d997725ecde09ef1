// Matrix: construction at the edges, the operations the course needs, and the in-place kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addRowInPlace, matmulInto, Matrix, RandomState, sumRowsInto } from "../src/index";

test("nested arrays in and out", () => {
  const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
  assert.equal(m.rows, 2);
  assert.equal(m.cols, 3);
  assert.equal(m.shape, "(2, 3)");
  assert.deepEqual(m.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Matrix.column([1, 2]).toArray(), [[1], [2]]);
  assert.deepEqual(Matrix.row([1, 2]).toArray(), [[1, 2]]);
  assert.deepEqual(Matrix.from([]).shape, "(0, 0)");
  assert.deepEqual(m.rowAt(1), [4, 5, 6]);
  assert.deepEqual(m.columnAt(2), [3, 6]);
});

test("matmul, transpose, broadcasting a bias row, sums along an axis, map", () => {
  const A = Matrix.from([[1, 2], [3, 4], [5, 6]]);
  const B = Matrix.from([[1, 0, 2], [0, 1, 3]]);
  assert.deepEqual(A.matmul(B).toArray(), [[1, 2, 8], [3, 4, 18], [5, 6, 28]]);
  assert.deepEqual(A.T.toArray(), [[1, 3, 5], [2, 4, 6]]);
  assert.deepEqual(A.add(Matrix.row([10, 20])).toArray(), [[11, 22], [13, 24], [15, 26]]);
  assert.deepEqual(A.sub(Matrix.column([1, 2, 3])).toArray(), [[0, 1], [1, 2], [2, 3]]);
  assert.deepEqual(A.mul(A).toArray(), [[1, 4], [9, 16], [25, 36]]);
  assert.deepEqual(A.div(2).toArray(), [[0.5, 1], [1.5, 2], [2.5, 3]]);
  assert.equal(A.sum(), 21);
  assert.deepEqual(A.sum(0).toArray(), [[9, 12]]);
  assert.deepEqual(A.sum(1).toArray(), [[3], [7], [11]]);
  assert.deepEqual(A.mean(0).toArray(), [[3, 4]]);
  assert.equal(A.mean(), 3.5);
  assert.deepEqual(A.map((v, i, j) => v * 10 + i + j).toArray(), [[10, 21], [31, 42], [52, 63]]);
  assert.deepEqual(A.argmaxRows(), [1, 1, 1]);
  assert.deepEqual(A.pickRows([2, 0]).toArray(), [[5, 6], [1, 2]]);
  assert.equal(Matrix.identity(2).matmul(A.T).equals(A.T), true);
});

test("the in-place kernels agree with the readable operations, in all four transpose forms", () => {
  const rng = new RandomState(5);
  for (const [n, k, m] of [[1, 1, 1], [3, 5, 2], [7, 1, 4], [1, 6, 1], [9, 8, 7]]) {
    const a = rng.randn(n, k), b = rng.randn(k, m);
    const expected = a.matmul(b);
    assert.ok(matmulInto(a, b, new Matrix(n, m)).maxAbsDiff(expected) < 1e-12);
    assert.ok(matmulInto(a.T, b, new Matrix(n, m), true, false).maxAbsDiff(expected) < 1e-12);
    assert.ok(matmulInto(a, b.T, new Matrix(n, m), false, true).maxAbsDiff(expected) < 1e-12);
    assert.ok(matmulInto(a.T, b.T, new Matrix(n, m), true, true).maxAbsDiff(expected) < 1e-12);
    const bias = rng.randn(1, m);
    assert.ok(addRowInPlace(expected.clone(), bias).maxAbsDiff(expected.add(bias)) < 1e-15);
    assert.ok(sumRowsInto(expected, new Matrix(1, m)).maxAbsDiff(expected.sum(0)) < 1e-12);
  }
});
