/**
 * Reference kernels: the in-place matrix operations as plain loops, the way the
 * course writes them. kernels.ts exports the same operations, sending big
 * products to a faster WebAssembly kernel; these stay as the readable
 * definition that the fast kernel is tested against (and must match bit for bit).
 */
import { Matrix, shapeOf } from "./matrix";

/**
 * Throws a RangeError unless op(a) @ op(b) can be written into `out`, where
 * op(x) is x or its transpose: the inner sizes must agree and `out` be (n, m).
 */
export function checkMatmulShapes(a: Matrix, b: Matrix, out: Matrix, transA: boolean, transB: boolean): void {
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
}

/**
 * out = op(a) @ op(b), where op(x) is x or its transpose: plain loops.
 *
 * Shapes: op(a) is (n, k), op(b) is (k, m), out is (n, m). The three uses in
 * backprop are Z = X @ W, dW = X^T @ dZ (transA) and dX = dZ @ W^T (transB).
 * Every out[i][j] sums a[i][p] * b[p][j] for p = 0, 1, ..., k-1 in that order.
 * @example matmulReference(X, W, Z) // Z = X @ W
 */
export function matmulReference(a: Matrix, b: Matrix, out: Matrix, transA = false, transB = false): Matrix {
  checkMatmulShapes(a, b, out, transA, transB);
  const n = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, m = transB ? b.rows : b.cols;
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
export function addRowReference(z: Matrix, b: Matrix): Matrix {
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
export function sumRowsReference(x: Matrix, out: Matrix): Matrix {
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
