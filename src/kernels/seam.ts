/**
 * The seam between the readable core and the fast kernels: the few matrix operations that
 * training spends its time in, each writing into a buffer the caller owns (so a training step
 * allocates nothing). Layer, Network and Optimizer call these functions and nothing below them.
 *
 * Behind the seam sit backends that implement the same `Backend` interface, as TensorFlow.js's
 * cpu and wasm backends register the same kernels:
 * - "reference" (backends/reference.ts): plain loops, the way the course writes them;
 * - "wasm" (backends/wasm.ts): the same sums in WebAssembly SIMD (backends/assembly/kernels.ts),
 *   bit for bit the reference's results, many times faster on big products.
 * "wasm" is the default where the runtime has WebAssembly SIMD and the built kernels are found;
 * `setBackend("reference")` switches, `getBackend().name` tells which is in use.
 */
import { Activation, ActivationName, activations } from "../core/activations";
import { Matrix, shapeOf } from "../core/matrix";
import { referenceBackend } from "./reference";
import { loadWasmBackend } from "./wasm";

/** What a backend implements. Shapes are checked before a backend is called. */
export interface Backend {
  readonly name: string;
  /** A (rows, cols) matrix of zeros, in the memory this backend's kernels read fastest. */
  zeros(rows: number, cols: number): Matrix;
  /** out = op(a) @ op(b), where op(x) is x or its transpose: (n, k) @ (k, m) -> (n, m). */
  matmul(a: Matrix, b: Matrix, out: Matrix, transA: boolean, transB: boolean): Matrix;
  /** Z = X W + b, a dense layer's product and bias: X (n, k), W (k, m), b (1, m) or null, Z (n, m). */
  linear(X: Matrix, W: Matrix, b: Matrix | null, Z: Matrix): Matrix;
  /** z += b for every row of z: z (n, m), b (1, m). */
  addRow(z: Matrix, b: Matrix): Matrix;
  /** out (1, m) = the column sums of x (n, m). */
  sumRows(x: Matrix, out: Matrix): Matrix;
  /** The SGD step in place: p -= learningRate * g. */
  sgdStep(p: Matrix, g: Matrix, learningRate: number): void;
  /**
   * A = f(Z) with this backend's own kernel for the built-in activation `name`, returning
   * true; false when it has none (then activations.ts computes it).
   */
  activationForward(name: ActivationName, Z: Matrix, A: Matrix): boolean;
  /** dZ = dA * f'(Z) likewise: true when this backend's own kernel computed it. */
  activationBackward(name: ActivationName, Z: Matrix, A: Matrix, dA: Matrix, dZ: Matrix): boolean;
}

/**
 * How a backend is made: `load(true)` returns it or throws an error saying why it cannot run
 * here; `load(false)` returns null instead of throwing. The default backend is the one of highest
 * `priority` that loads.
 */
export interface BackendFactory {
  load(explain: boolean): Backend | null;
  priority: number;
}

const registry = new Map<string, BackendFactory>();

/** Makes a backend available to `setBackend(name)`; each backend's own file calls this once. */
export function registerBackend(name: string, factory: BackendFactory): void {
  registry.set(name, factory);
}

/** The names `setBackend` accepts, in the order they were registered. */
export function backendNames(): string[] {
  return [...registry.keys()];
}

/** A backend's name: "reference", "wasm" and "wasm-fma" are the ones this library registers. */
export type BackendName = string;

let current: Backend | null = null;

/**
 * The backend in use. The first call picks the one named by the environment variable
 * SCRATCHNET_BACKEND if it is set, else the registered backend of highest priority that loads.
 */
export function getBackend(): Backend {
  if (current === null) {
    const chosen = globalThis.process?.env?.SCRATCHNET_BACKEND;
    if (chosen) return setBackend(chosen);
    const byPriority = [...registry.values()].sort((a, b) => b.priority - a.priority);
    for (const factory of byPriority) {
      current = factory.load(false);
      if (current) break;
    }
    if (current === null) throw new Error("scratchnet: no kernel backend is registered (import the library from its index)");
  }
  return current;
}

/**
 * Chooses the kernels for everything that runs from now on:
 * - "reference": the plain loops;
 * - "wasm": WebAssembly SIMD, the reference's numbers bit for bit;
 * - "wasm-fma": WebAssembly with fused multiply-adds (one rounding per step of a sum instead of
 *   two): results agree with the reference to a few units in the last place, not bit for bit.
 *   Opt-in, and on Node 20 and 21 only with `node --experimental-wasm-relaxed-simd`.
 * Matrices made under one backend stay valid under another.
 * @example setBackend("reference"); getBackend().name // "reference"
 */
export function setBackend(name: BackendName): Backend {
  const factory = registry.get(name);
  if (!factory) {
    throw new RangeError(`setBackend: unknown backend ${JSON.stringify(name)}; valid names are ${backendNames().join(", ")}`);
  }
  return (current = factory.load(true)!);
}

/**
 * out = op(a) @ op(b), where op(x) is x or its transpose.
 * Shapes: op(a) is (n, k), op(b) is (k, m), out is (n, m). Backprop's three products are
 * Z = X @ W, dW = X^T @ dZ (transA) and dX = dZ @ W^T (transB). Every out[i][j] is
 * 0 + a[i][0] b[0][j] + a[i][1] b[1][j] + ..., in that order, on every backend but "wasm-fma".
 * `out` must not share memory with `a` or `b`.
 * @example matmulInto(X, W, Z); // Z = X @ W
 * matmulInto(X, dZ, dW, true); // dW = X^T @ dZ
 */
export function matmulInto(a: Matrix, b: Matrix, out: Matrix, transA = false, transB = false): Matrix {
  checkMatmulShapes(a, b, out, transA, transB);
  return getBackend().matmul(a, b, out, transA, transB);
}

/**
 * Z = X W + b: a dense layer's weighted sums, X (n, nIn) times W (nIn, nOut), plus the bias
 * row b (1, nOut) on every row (none when b is null). Every Z[i][j] is the sum of X[i][p] W[p][j]
 * in order p = 0, 1, ..., then plus b[j], as matmulInto then addRowInPlace compute it.
 * @example linearInto(X, W, b, Z); // Z: (n, nOut)
 */
export function linearInto(X: Matrix, W: Matrix, b: Matrix | null, Z: Matrix): Matrix {
  checkMatmulShapes(X, W, Z, false, false);
  if (b && (b.rows !== 1 || b.cols !== Z.cols)) {
    throw new RangeError(`bias: expected a (1, ${Z.cols}) row for ${shapeOf(Z)}, got ${shapeOf(b)}`);
  }
  return getBackend().linear(X, W, b, Z);
}

/**
 * z += b for every row of z: adds a (1, cols) bias row in place.
 * @example addRowInPlace(Z, b); // Z: (batch, nOut), b: (1, nOut)
 */
export function addRowInPlace(z: Matrix, b: Matrix): Matrix {
  if (b.rows !== 1 || b.cols !== z.cols) {
    throw new RangeError(`bias: expected a (1, ${z.cols}) row for ${shapeOf(z)}, got ${shapeOf(b)}`);
  }
  return getBackend().addRow(z, b);
}

/**
 * out (1, cols) = the column sums of x (rows, cols): db from dZ.
 * @example sumRowsInto(dZ, db); // dZ: (batch, nOut), db: (1, nOut)
 */
export function sumRowsInto(x: Matrix, out: Matrix): Matrix {
  if (out.rows !== 1 || out.cols !== x.cols) {
    throw new RangeError(`sum over rows: expected a (1, ${x.cols}) output, got ${shapeOf(out)}`);
  }
  return getBackend().sumRows(x, out);
}

/**
 * Plain SGD's step in place: p -= learningRate * g (p and g of the same shape).
 * @example sgdStepInPlace(W, dW, 0.1);
 */
export function sgdStepInPlace(p: Matrix, g: Matrix, learningRate: number): void {
  if (p.rows !== g.rows || p.cols !== g.cols) {
    throw new RangeError(`sgd step: the parameter is ${shapeOf(p)} but its gradient is ${shapeOf(g)}`);
  }
  getBackend().sgdStep(p, g, learningRate);
}

/**
 * A = f(Z), written into A (same shape as Z): the backend's kernel for a built-in activation
 * where it has one (the same numbers), else f's own forward from activations.ts.
 * @example activationForward(reluActivation, Z, A);
 */
export function activationForward(f: Activation, Z: Matrix, A: Matrix): Matrix {
  if (!(isBuiltIn(f) && getBackend().activationForward(f.name, Z, A))) f.forward(Z, A);
  return A;
}

/**
 * dZ = dA * f'(Z), written into dZ: as activationForward, the backend's kernel or activations.ts.
 * @example activationBackward(reluActivation, Z, A, dA, dZ);
 */
export function activationBackward(f: Activation, Z: Matrix, A: Matrix, dA: Matrix, dZ: Matrix): Matrix {
  if (!(isBuiltIn(f) && getBackend().activationBackward(f.name, Z, A, dA, dZ))) f.backward(Z, A, dA, dZ);
  return dZ;
}

/** A library activation, not a user's own object (which may share a name but must run its own code). */
function isBuiltIn(f: Activation): boolean {
  return Object.prototype.hasOwnProperty.call(activations, f.name) && activations[f.name] === f;
}

/**
 * A (rows, cols) matrix of zeros for a buffer that the kernels will read and write: the layers'
 * parameters, outputs and gradients. Use it like any Matrix.
 */
export function kernelMatrix(rows: number, cols: number): Matrix {
  return getBackend().zeros(rows, cols);
}

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
    throw new RangeError(`matmul: cannot multiply ${opShape(a, transA)} by ${opShape(b, transB)}: inner sizes ${k} and ${kb} differ`);
  }
  if (out.rows !== n || out.cols !== m) {
    throw new RangeError(`matmul: the result is (${n}, ${m}) but the output buffer is ${shapeOf(out)}`);
  }
}

function opShape(x: Matrix, t: boolean): string {
  return t ? `${shapeOf(x)}^T` : shapeOf(x);
}
