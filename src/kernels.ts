/**
 * Kernels: the in-place matrix operations of the training loop.
 *
 * Each writes into an `out` matrix the caller owns, so a training step
 * allocates nothing. `Matrix.matmul` in matrix.ts is the readable reference
 * the course shows; these compute the same numbers.
 */
import { Matrix, shapeOf } from "./matrix";

/**
 * out = op(a) @ op(b), where op(x) is x or its transpose.
 *
 * Shapes: op(a) is (n, k), op(b) is (k, m), out is (n, m). The three uses in
 * backprop are Z = X @ W, dW = X^T @ dZ (transA) and dX = dZ @ W^T (transB).
 */
export function matmulInto(a: Matrix, b: Matrix, out: Matrix, transA = false, transB = false): Matrix {
  const n = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const m = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new RangeError(
      `matmul: cannot multiply ${opShape(a, transA)} by ${opShape(b, transB)}: inner sizes ${k} and ${kb} differ`,
    );
  }
  if (out.rows !== n || out.cols !== m) {
    throw new RangeError(`matmul: the result is (${n}, ${m}) but the output buffer is ${shapeOf(out)}`);
  }
  const A = a.data, B = b.data, C = out.data;
  const ac = a.cols, bc = b.cols;
  C.fill(0);
  if (!transA && !transB) {
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < k; p++) {
        const aip = A[i * ac + p];
        for (let j = 0; j < m; j++) C[i * m + j] += aip * B[p * bc + j];
      }
    }
  } else if (transA && !transB) {
    // a is (k, n): walk its rows, each adding an outer product into C.
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < n; i++) {
        const api = A[p * ac + i];
        for (let j = 0; j < m; j++) C[i * m + j] += api * B[p * bc + j];
      }
    }
  } else if (!transA && transB) {
    // b is (m, k): each C[i][j] is a dot product of two rows.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * ac + p] * B[j * bc + p];
        C[i * m + j] = s;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * ac + i] * B[j * bc + p];
        C[i * m + j] = s;
      }
    }
  }
  return out;
}

/** z += b for every row of z: adds a (1, cols) bias row in place. */
export function addRowInPlace(z: Matrix, b: Matrix): Matrix {
  if (b.rows !== 1 || b.cols !== z.cols) {
    throw new RangeError(`bias: expected a (1, ${z.cols}) row for ${shapeOf(z)}, got ${shapeOf(b)}`);
  }
  const Z = z.data, B = b.data, cols = z.cols;
  for (let i = 0; i < z.rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) Z[o + j] += B[j];
  }
  return z;
}

/** out (1, cols) = the column sums of x (rows, cols): db from dZ. */
export function sumRowsInto(x: Matrix, out: Matrix): Matrix {
  if (out.rows !== 1 || out.cols !== x.cols) {
    throw new RangeError(`sum over rows: expected a (1, ${x.cols}) output, got ${shapeOf(out)}`);
  }
  const X = x.data, O = out.data, cols = x.cols;
  O.fill(0);
  for (let i = 0; i < x.rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) O[j] += X[o + j];
  }
  return out;
}

function opShape(x: Matrix, t: boolean): string {
  return t ? `${shapeOf(x)}^T` : shapeOf(x);
}
