/**
 * A dense layer's buffers for one batch size, kept inside a WebAssembly memory, with the
 * forward and backward passes of dense-module.ts running on them.
 *
 * A memory is sized once, when its workspaces are made, and never grown, so the Matrix views
 * they hand out (Z, A, dZ, dX) stay valid for good: the layer and the network read and write
 * them like any other Matrix. The workspaces of a network's layers share one memory
 * (`DenseWorkspace.chain`), so that a layer reads its input X (the layer before's A) and its dA
 * (the layer after's dX) where they are; what comes from elsewhere (the data, W, b) is copied in.
 * Not re-entrant, like the rest of the library: one pass at a time per workspace.
 *
 * Everything runs on the calling thread. Sharing the big products with a second thread was tried
 * and measured here (a worker on a shared memory, each product split into halves that write
 * nothing in common, so bit for bit the same): one 32x64 @ 64x128 product went from 64-84 us to
 * 38-47 us, but the digits MLP of bench (c) gained only 5-10% (median 640 ms against 678 ms over
 * twelve interleaved runs each), and one run in about forty took 2.7 s instead of 0.7 s (a thread
 * spins while the other is descheduled). Each step's W, X and dZ have to move between the two
 * cores' caches, and the shared memory makes every copy in or out 1.6-2x slower. Not worth a
 * thread that every notebook would carry.
 */
import { Matrix } from "../matrix";
import { ACT, buildDenseModule, MSE_SIGMOID_OUTPUT } from "./dense-module";
import { multiplyAdd } from "./fma";

/** The module's exports that this file calls; the others (gemm, sigmoid, ...) run inside these. */
interface DenseExports {
  memory: WebAssembly.Memory;
  forward(x: number, ldx: number, w: number, b: number, z: number, a: number, n: number, nIn: number, nOut: number, act: number, panel: number): number;
  backward(
    act: number, dA: number, z: number, a: number, dZ: number, x: number, w: number, wT: number, dW: number, db: number,
    dX: number, n: number, nIn: number, nOut: number, needDX: number, panel: number,
  ): void;
  sgd(p: number, g: number, len: number, lr: number): void;
}

// The module, built with fused multiply-adds or without, as multiplyAdd() decides once per process (fma.ts).
let compiled: WebAssembly.Module | null | undefined; // undefined: not tried; null: no wasm SIMD here

function compiledModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly !== "object") return null;
    const bytes = buildDenseModule(multiplyAdd() === "fused");
    if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
  } catch {
    // no WebAssembly SIMD: layers keep their plain buffers and loops
  }
  return compiled;
}

/** True when this runtime can run the dense module (WebAssembly with SIMD). */
export function wasmDenseAvailable(): boolean {
  return compiledModule() !== null;
}

/** The activations the module applies itself; the others run as plain loops on the views. */
export type WasmActivation = "relu" | "leakyRelu" | "sigmoid" | "linear" | "softmax" | null;

export class DenseWorkspace {
  /** Pre-activation. Z: (n, nOut) */
  readonly Z: Matrix;
  /** Activation. A: (n, nOut) */
  readonly A: Matrix;
  /** dL/dZ. dZ: (n, nOut) */
  readonly dZ: Matrix;
  /** dL/dX, for the layer before. dX: (n, nIn) */
  readonly dX: Matrix;

  private readonly wasm: DenseExports;
  /** The memory's buffer, fixed for good: the views of every workspace in it share it. */
  private readonly buffer: ArrayBuffer;
  // Byte offsets of every buffer in the memory, and the views of the inputs copied in.
  private readonly at: Record<"X" | "W" | "WT" | "b" | "Z" | "A" | "dZ" | "dX" | "dW" | "db" | "panel", number>;
  /** This workspace's bytes in the memory: [start, end). */
  private readonly start: number;
  private readonly end: number;
  private readonly X: Float64Array; // (n, nIn), when X comes from outside the memory
  private readonly W: Float64Array; // (nIn, nOut)
  private readonly b: Float64Array; // (nOut)
  private readonly dW: Float64Array; // (nIn, nOut)
  private readonly db: Float64Array; // (nOut)
  /** Where the last forward pass read X: its copy at `at.X`, or another workspace's buffer. */
  private xAt = 0;
  /**
   * Which values of W and b this memory holds, as its layer names them (Layer's stamps, while
   * Network.fit trains with plain SGD); null when that is not known. A pass given the stamp this
   * memory holds skips copying W and b in (`mustCopyParams`); a layer whose step ran here sets
   * the stamp it gives the stepped values.
   */
  paramsStamp: number | null = null;

  /** A workspace for batches of n rows, or null when WebAssembly SIMD is missing. */
  static create(n: number, nIn: number, nOut: number): DenseWorkspace | null {
    return DenseWorkspace.chain(n, [[nIn, nOut]])?.[0] ?? null;
  }

  /**
   * Workspaces for several layers, each [nIn, nOut], for batches of n rows, in one memory;
   * or null when WebAssembly SIMD is missing.
   */
  static chain(n: number, shapes: [number, number][]): DenseWorkspace[] | null {
    const mod = compiledModule();
    if (!mod) return null;
    let end = 0;
    const layouts = shapes.map(([nIn, nOut]) => {
      const layout = DenseWorkspace.layout(n, nIn, nOut, end);
      end = layout.end;
      return layout;
    });
    const wasm = new WebAssembly.Instance(mod, {}).exports as unknown as DenseExports;
    const memory = wasm.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    // Views are made only now, after the only grow: they stay attached to the buffer for good.
    return shapes.map(([nIn, nOut], i) => new DenseWorkspace(wasm, layouts[i], n, nIn, nOut));
  }

  /** The buffers of one workspace, from byte `start`, each 16-byte aligned (a whole f64x2). */
  private static layout(n: number, nIn: number, nOut: number, start: number) {
    const sizes = {
      X: n * nIn, W: nIn * nOut, WT: nIn * nOut, b: nOut, Z: n * nOut, A: n * nOut,
      dZ: n * nOut, dX: n * nIn, dW: nIn * nOut, db: nOut,
      panel: 4 * Math.max(nIn, nOut), // gemm's scratch: 4 rows of X (k = nIn) or of dZ (k = nOut)
    };
    let end = start;
    const at = {} as Record<keyof typeof sizes, number>;
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      at[key] = end;
      end += Math.ceil(sizes[key] / 2) * 16;
    }
    return { sizes, at, start, end };
  }

  private constructor(
    wasm: DenseExports, layout: ReturnType<typeof DenseWorkspace.layout>,
    readonly n: number, readonly nIn: number, readonly nOut: number,
  ) {
    const { sizes, at } = layout;
    this.wasm = wasm;
    this.buffer = wasm.memory.buffer;
    this.at = at;
    this.start = layout.start;
    this.end = layout.end;
    const view = (key: keyof typeof sizes) => new Float64Array(this.buffer, at[key], sizes[key]);
    this.X = view("X");
    this.W = view("W");
    this.b = view("b");
    this.dW = view("dW");
    this.db = view("db");
    this.Z = new Matrix(n, nOut, view("Z"));
    this.A = new Matrix(n, nOut, view("A"));
    this.dZ = new Matrix(n, nOut, view("dZ"));
    this.dX = new Matrix(n, nIn, view("dX"));
  }

  /**
   * The byte offset of m's values when they lie in this memory, outside this workspace's own
   * buffers (another layer's A or dX), so the passes can read them in place; else null.
   */
  private inPlace(m: Matrix): number | null {
    const d = m.data;
    if (d.buffer !== this.buffer) return null;
    return d.byteOffset + d.byteLength <= this.start || d.byteOffset >= this.end ? d.byteOffset : null;
  }

  /**
   * Z = X @ W + b, and A = f(Z) when f is one the module applies (`act`); returns whether A
   * was filled, else the caller fills it from Z. X: (n, nIn), W: (nIn, nOut), b: (1, nOut) or null.
   * One call into the module (`forward`), which matters for small layers, where a call costs more
   * than the arithmetic. The backward pass reads X again: where it is when X is another
   * workspace's buffer in this memory (as the plain loops read the layer's X), else the copy
   * taken here (the cache). W and b are copied in unless this memory holds the values that
   * `stamp` names (`paramsStamp`); with no stamp (null), always.
   */
  forward(X: Matrix, W: Matrix, b: Matrix | null, act: WasmActivation, stamp: number | null = null): boolean {
    const { at } = this;
    const shared = this.inPlace(X);
    if (shared === null) this.X.set(X.data);
    const x = (this.xAt = shared ?? at.X);
    if (this.mustCopyParams(stamp)) {
      this.W.set(W.data);
      if (b) this.b.set(b.data);
    }
    const code = act === null ? ACT.none : ACT[act];
    const missed = this.wasm.forward(x, this.nIn * 8, at.W, b ? at.b : 0, at.Z, at.A, this.n, this.nIn, this.nOut, code, at.panel);
    // The module leaves out e^x beyond |x| = 708 and NaN (fdlibm's rare branches): then the caller redoes A.
    return act !== null && missed === 0;
  }

  /**
   * The backward pass, in one call into the module (`backward`):
   *   dZ = dA * f'(Z)   (for the module's activations; with dA null, dZ is already in this.dZ)
   *   dW = X^T @ dZ   (nIn, nOut) and db = the column sums of dZ   (1, nOut), into the caller's matrices
   *   dX = dZ @ W^T   (n, nIn), into this.dX, when `needDX`
   *   W -= lr dW, b -= lr db   when given a `learningRate` (plain SGD's step, after dX; b is the layer's biases)
   * dA (n, nOut) is read where it is when it is another workspace's buffer in this memory (the
   * layer after's dX), else copied into dZ and multiplied there, in place. X is read as `forward`
   * says; W (and b, for the step) is copied in again as `forward` says, by `stamp`. Returns false,
   * doing nothing, for a dA through an activation the module does not know, or through softmax
   * (its forward only is in the module): the caller computes dZ, then calls this with dA null.
   */
  backward(
    dA: Matrix | null, act: WasmActivation, W: Matrix, dW: Matrix, db: Matrix | null, needDX: boolean,
    learningRate: number | null = null, b: Matrix | null = null, stamp: number | null = null,
  ): boolean {
    // softmax's backward, a Jacobian product per row, is not in the module: the caller's to do.
    // (With cross-entropy it is fused into dZ, and that comes here with dA null.)
    if (dA !== null && (act === null || act === "softmax")) return false;
    const { at } = this;
    let code: number = ACT.none;
    let from = at.dZ;
    if (dA !== null) {
      const shared = act === "linear" ? null : this.inPlace(dA);
      if (shared === null) this.dZ.data.set(dA.data);
      else from = shared;
      code = act === "linear" ? ACT.none : ACT[act as Exclude<WasmActivation, null>];
    }
    this.backwardFrom(code, from, W, dW, db, needDX, learningRate, b, stamp);
    return true;
  }

  /**
   * The backward pass of a sigmoid output layer under mse, from the targets y (n, nOut):
   * dZ = (2 / N) (A - y) * A (1 - A), N = n * nOut (mse's gradient, then sigmoid's backward),
   * then dW, db and dX as `backward` computes them. y is copied into dZ and turned into dZ there.
   */
  backwardMseSigmoid(
    y: Matrix, W: Matrix, dW: Matrix, db: Matrix | null, needDX: boolean, learningRate: number | null = null, b: Matrix | null = null,
    stamp: number | null = null,
  ): void {
    this.dZ.data.set(y.data);
    this.backwardFrom(MSE_SIGMOID_OUTPUT, this.at.dZ, W, dW, db, needDX, learningRate, b, stamp);
  }

  /**
   * The module's backward from dA (or y) at byte `from`, for `code`; dW and db copied out.
   * With a learning rate, then W -= lr dW and b -= lr db on the copies in this memory (dX has
   * used the old W by then), copied back into W and b: a training step's update without
   * copying the gradients back in.
   */
  private backwardFrom(
    code: number, from: number, W: Matrix, dW: Matrix, db: Matrix | null, needDX: boolean, learningRate: number | null, b: Matrix | null,
    stamp: number | null,
  ): void {
    const { at, nIn, nOut } = this;
    // W is read for dX and stepped for the step; without either, this memory's W is left as it is.
    const copy = (needDX || learningRate !== null) && this.mustCopyParams(stamp);
    if (copy) this.W.set(W.data);
    this.wasm.backward(
      code, from, at.Z, at.A, at.dZ, this.xAt, at.W, at.WT, at.dW, db ? at.db : 0, at.dX,
      this.n, nIn, nOut, needDX ? 1 : 0, at.panel,
    );
    dW.data.set(this.dW);
    if (db) db.data.set(this.db);
    if (learningRate === null) return;
    this.wasm.sgd(at.W, at.dW, nIn * nOut, learningRate);
    W.data.set(this.W);
    if (b && db) {
      if (copy) this.b.set(b.data);
      this.wasm.sgd(at.b, at.db, nOut, learningRate);
      b.data.set(this.b);
    }
  }

  /**
   * Whether a pass must copy in W and b, whose values `stamp` names: unless this memory holds
   * them already. It answers and records together, since after the pass the memory holds them.
   */
  private mustCopyParams(stamp: number | null): boolean {
    const held = stamp !== null && stamp === this.paramsStamp;
    this.paramsStamp = stamp;
    return !held;
  }
}

/** The memory `sgdStep` copies parameters into: one instance, grown as needed. */
let scratch: { wasm: DenseExports; f64: Float64Array; views: Map<number, Float64Array> } | null = null;

/**
 * p -= lr * g in WebAssembly, for a parameter matrix and its gradient (copied in, p copied back):
 * a training step's update, bit for bit the plain loop's, without allocating. False (nothing
 * done) without wasm SIMD.
 */
export function sgdStep(p: Float64Array, g: Float64Array, lr: number): boolean {
  const mod = compiledModule();
  if (!mod) return false;
  if (!scratch) {
    const wasm = new WebAssembly.Instance(mod, {}).exports as unknown as DenseExports;
    scratch = { wasm, f64: new Float64Array(wasm.memory.buffer), views: new Map() };
  }
  const gAt = Math.ceil(p.length / 2) * 2; // in f64s, 16-byte aligned
  const memory = scratch.wasm.memory;
  const bytes = (gAt + g.length) * 8;
  if (bytes > memory.buffer.byteLength) {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    scratch.f64 = new Float64Array(memory.buffer);
    scratch.views.clear(); // they saw the buffer before it grew
  }
  // The updated p, as a view made once per length: a training loop updates the same few shapes.
  let updated = scratch.views.get(p.length);
  if (!updated) scratch.views.set(p.length, (updated = scratch.f64.subarray(0, p.length)));
  scratch.f64.set(p, 0);
  scratch.f64.set(g, gAt);
  scratch.wasm.sgd(0, gAt * 8, p.length, lr);
  p.set(updated);
  return true;
}
