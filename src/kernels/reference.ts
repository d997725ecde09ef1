/**
 * The reference backend: the seam's kernels (../kernels.ts) as plain loops, the way the course
 * writes them. It is the definition of every result: the WebAssembly backend is tested against
 * these functions and must match them bit for bit. Shapes are checked by the seam.
 */
import { Backend, registerBackend } from "./seam";
import { Matrix } from "../core/matrix";

/**
 * out = op(a) @ op(b), where op(x) is x or its transpose: plain loops.
 * Shapes: op(a) is (n, k), op(b) is (k, m), out is (n, m). Every out[i][j] sums
 * a[i][p] * b[p][j] for p = 0, 1, ..., k-1 in that order, starting from 0.
 * @example matmulReference(X, W, Z) // Z = X @ W
 */
export function matmulReference(a: Matrix, b: Matrix, out: Matrix, transA = false, transB = false): Matrix {
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

/** Z = X W + b: the product, then the bias row added to every row (b may be null: no biases). */
export function linearReference(X: Matrix, W: Matrix, b: Matrix | null, Z: Matrix): Matrix {
  matmulReference(X, W, Z);
  return b ? addRowReference(Z, b) : Z;
}

/** z += b for every row of z: adds a (1, cols) bias row in place. */
export function addRowReference(z: Matrix, b: Matrix): Matrix {
  const Z = z.data, B = b.data, cols = z.cols;
  for (let i = 0; i < z.rows; i++) {
    for (let j = 0; j < cols; j++) Z[i * cols + j] += B[j];
  }
  return z;
}

/** out (1, cols) = the column sums of x (rows, cols), rows added in order: db from dZ. */
export function sumRowsReference(x: Matrix, out: Matrix): Matrix {
  const X = x.data, O = out.data, cols = x.cols;
  O.fill(0);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < cols; j++) O[j] += X[i * cols + j];
  }
  return out;
}

/** The SGD step in place: p -= learningRate * g. */
export function sgdStepReference(p: Matrix, g: Matrix, learningRate: number): void {
  const P = p.data, G = g.data;
  for (let i = 0; i < P.length; i++) P[i] -= learningRate * G[i];
}

export const referenceBackend: Backend = {
  name: "reference",
  zeros: (rows, cols) => new Matrix(rows, cols),
  matmul: matmulReference,
  linear: linearReference,
  addRow: addRowReference,
  sumRows: sumRowsReference,
  sgdStep: sgdStepReference,
  // Every activation's forward and backward are activations.ts's own loops.
  activationForward: () => false,
  activationBackward: () => false,
};

registerBackend("reference", { load: () => referenceBackend, priority: 0 });
