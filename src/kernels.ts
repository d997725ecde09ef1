/**
 * Kernels: the in-place matrix operations of the training loop.
 *
 * Each writes into an `out` matrix the caller owns, so a training step
 * allocates nothing. The readable versions are the plain loops in
 * kernels-reference.ts; `matmulInto` sends products big enough to pay for it to
 * the WebAssembly SIMD kernel in wasm/gemm.ts, which computes the very same
 * numbers (same order of additions, bit for bit) many times faster. The bias
 * kernels are memory-bound single passes, where the plain loops are the fast path.
 */
import { addRowReference, checkMatmulShapes, matmulReference, sumRowsReference } from "./kernels-reference";
import { Matrix } from "./matrix";
import { matmulWasm, wasmGemmAvailable } from "./wasm/gemm";

/**
 * Products with fewer multiply-adds than this stay in the plain loops: a wasm
 * call costs ~0.1-0.3 us of copying and setup, which is what the loops need
 * for ~100 multiply-adds (measured crossover on a grid of shapes 1..300 per side,
 * all three transpose cases: between 64 and 128, fuzzy, with little at stake).
 */
export const WASM_MIN_MULTIPLY_ADDS = 128;

/**
 * Which kernel `matmulInto` uses for op(a) (n, k) @ op(b) (k, m): "wasm" for
 * all but tiny products and one or two lone dot products (n * m <= 2, which the
 * loops run at full speed while a 4-row tile would compute mostly padding),
 * when the runtime has WebAssembly SIMD.
 */
export function matmulKernelFor(n: number, k: number, m: number): "wasm" | "reference" {
  if (n * k * m < WASM_MIN_MULTIPLY_ADDS || n * m <= 2) return "reference";
  return wasmGemmAvailable() ? "wasm" : "reference";
}

/**
 * out = op(a) @ op(b), where op(x) is x or its transpose.
 *
 * Shapes: op(a) is (n, k), op(b) is (k, m), out is (n, m). The three uses in
 * backprop are Z = X @ W, dW = X^T @ dZ (transA) and dX = dZ @ W^T (transB).
 * Same result as `matmulReference`, bit for bit. `out` must not share memory with `a` or `b`.
 * @example matmulInto(X, W, Z); // Z = X @ W
 * matmulInto(X, dZ, dW, true); // dW = X^T @ dZ
 */
export function matmulInto(a: Matrix, b: Matrix, out: Matrix, transA = false, transB = false): Matrix {
  const n = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, m = transB ? b.rows : b.cols;
  // The reference checks the shapes itself (small products must not pay for two checks).
  if (matmulKernelFor(n, k, m) === "reference") return matmulReference(a, b, out, transA, transB);
  checkMatmulShapes(a, b, out, transA, transB);
  matmulWasm(a.data, a.cols, transA, b.data, b.cols, transB, out.data, n, k, m);
  return out;
}

/**
 * z += b for every row of z: adds a (1, cols) bias row in place.
 * @example addRowInPlace(Z, b); // Z: (batch, nOut), b: (1, nOut)
 */
export function addRowInPlace(z: Matrix, b: Matrix): Matrix {
  return addRowReference(z, b);
}

/**
 * out (1, cols) = the column sums of x (rows, cols): db from dZ.
 * @example sumRowsInto(dZ, db); // dZ: (batch, nOut), db: (1, nOut)
 */
export function sumRowsInto(x: Matrix, out: Matrix): Matrix {
  return sumRowsReference(x, out);
}
