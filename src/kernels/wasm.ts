/**
 * The WebAssembly backend: the seam's kernels (../kernels.ts) run by assembly/kernels.ts, the
 * same sums as the reference loops (./reference.ts), bit for bit, in f64x2 SIMD.
 *
 * Memory. A WebAssembly function reads only its own instance's memory, so this backend keeps
 * the matrices it hands out (`zeros`: the layers' parameters, outputs and gradients) in arenas:
 * memories of a fixed size, each with its own instance of the kernels, never grown, so that every
 * view into them stays valid. A kernel whose matrices all lie in one arena runs there, in place.
 * Any other call (a Matrix of the user's, or matrices from two arenas) copies its operands into
 * a scratch memory, runs there and copies the result back: slower, same numbers. An arena is
 * freed by the garbage collector once none of its matrices can be reached.
 */
import type { ActivationName } from "../core/activations";
import { Backend, registerBackend } from "./seam";
import { Matrix } from "../core/matrix";
import { addRowReference, linearReference, matmulReference, sgdStepReference, sumRowsReference } from "./reference";
import { kernelBytes } from "./wasm-bytes";

/**
 * Below these sizes the plain loops are faster than a call into WebAssembly, so this backend
 * runs them instead (the same numbers either way): products of fewer multiply-adds, or one or
 * two lone dot products (n * m <= 2), and elementwise kernels over fewer values.
 */
export const WASM_MIN_MULTIPLY_ADDS = 128;
export const WASM_MIN_VALUES = 64;

/** What assembly/kernels.ts exports. Pointers are byte offsets into the instance's memory. */
interface Kernels {
  GEMM_WORK_BYTES: WebAssembly.Global;
  gemm(
    a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, n: number, k: number, m: number,
    bias: number, work: number,
  ): void;
  addRow(z: number, n: number, m: number, b: number): void;
  sumRows(x: number, n: number, m: number, out: number): void;
  sgd(p: number, g: number, len: number, lr: number): void;
  relu(z: number, a: number, len: number): void;
  reluBackward(z: number, dA: number, dZ: number, len: number): void;
  sigmoid(z: number, a: number, len: number): void;
  sigmoidBackward(a: number, dA: number, dZ: number, len: number): void;
  softmax(z: number, a: number, n: number, m: number): void;
}

const PAGE = 65536;
/** The size of a new arena, unless one matrix needs more. */
const ARENA_BYTES = 32 * 1024 * 1024;

/** A memory with its own instance of the kernels, and where its free space starts. */
class Arena {
  readonly memory: WebAssembly.Memory;
  readonly kernels: Kernels;
  /** gemm's scratch, at the start of the memory. */
  readonly work = 0;
  top: number;

  constructor(module: WebAssembly.Module, bytes: number) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    // Math.exp, for the few values (|x| >= 708, NaN) whose e^x the sigmoid kernel leaves to it.
    const imports = { env: { memory: this.memory, exp: Math.exp, abort: () => { throw new Error("wasm kernels: abort"); } } };
    this.kernels = new WebAssembly.Instance(module, imports).exports as unknown as Kernels;
    this.top = align(this.kernels.GEMM_WORK_BYTES.value as number);
  }

  /**
   * `bytes` of the memory past what is in use (16-byte aligned), or null when it is full. The
   * product's tiles may read 8 bytes past an operand (values they then drop), so 16 more stay free.
   */
  take(bytes: number): number | null {
    if (this.top + bytes + 16 > this.memory.buffer.byteLength) return null;
    const at = this.top;
    this.top = align(at + bytes);
    return at;
  }
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

class WasmBackend implements Backend {
  /** Where each arena's matrices live: their buffer leads to the instance that can read them. */
  private readonly arenas = new WeakMap<ArrayBufferLike, Arena>();
  /** The arena that `zeros` allocates from. */
  private arena: Arena | null = null;
  /** The memory that calls on matrices from elsewhere copy into; grown as needed (it hands out no views). */
  private scratch: Arena | null = null;

  constructor(readonly name: string, private readonly module: WebAssembly.Module) {}

  zeros(rows: number, cols: number): Matrix {
    const bytes = rows * cols * 8;
    let at = this.arena?.take(bytes) ?? null;
    if (at === null) {
      this.arena = new Arena(this.module, Math.max(ARENA_BYTES, align(bytes) + ARENA_BYTES / 8));
      this.arenas.set(this.arena.memory.buffer, this.arena);
      at = this.arena.take(bytes)!;
    }
    return new Matrix(rows, cols, new Float64Array(this.arena!.memory.buffer, at, rows * cols));
  }

  matmul(a: Matrix, b: Matrix, out: Matrix, transA: boolean, transB: boolean): Matrix {
    const n = out.rows, m = out.cols, k = transA ? a.rows : a.cols;
    if (n * k * m < WASM_MIN_MULTIPLY_ADDS || n * m <= 2) return matmulReference(a, b, out, transA, transB);
    // Byte strides of op(a) along a row (i) and a column (p), and of op(b) along p and along j.
    const aRow = transA ? 8 : a.cols * 8, aCol = transA ? a.cols * 8 : 8;
    const bRow = transB ? 8 : b.cols * 8, bCol = transB ? b.cols * 8 : 8;
    const p = this.place(a, b, out);
    p.kernels.gemm(p.at[0], aRow, aCol, p.at[1], bRow, bCol, p.at[2], n, k, m, 0, p.work);
    this.finish(p, out, 2);
    return out;
  }

  linear(X: Matrix, W: Matrix, b: Matrix | null, Z: Matrix): Matrix {
    const n = X.rows, k = X.cols, m = W.cols;
    if (n * k * m < WASM_MIN_MULTIPLY_ADDS || n * m <= 2) return linearReference(X, W, b, Z);
    if (b === null) return this.matmul(X, W, Z, false, false);
    // The bias is added in the product's registers, after its sums: the reference's order.
    const p = this.place(X, W, Z, b);
    p.kernels.gemm(p.at[0], k * 8, 8, p.at[1], m * 8, 8, p.at[2], n, k, m, p.at[3], p.work);
    this.finish(p, Z, 2);
    return Z;
  }

  addRow(z: Matrix, b: Matrix): Matrix {
    if (z.size < WASM_MIN_VALUES) return addRowReference(z, b);
    const p = this.place(z, b);
    p.kernels.addRow(p.at[0], z.rows, z.cols, p.at[1]);
    this.finish(p, z, 0);
    return z;
  }

  sumRows(x: Matrix, out: Matrix): Matrix {
    if (x.size < WASM_MIN_VALUES) return sumRowsReference(x, out);
    const p = this.place(x, out);
    p.kernels.sumRows(p.at[0], x.rows, x.cols, p.at[1]);
    this.finish(p, out, 1);
    return out;
  }

  sgdStep(param: Matrix, g: Matrix, learningRate: number): void {
    if (param.size < WASM_MIN_VALUES) return sgdStepReference(param, g, learningRate);
    const p = this.place(param, g);
    p.kernels.sgd(p.at[0], p.at[1], param.size, learningRate);
    this.finish(p, param, 0);
  }

  /**
   * ReLU's and the sigmoid's forward and backward, and softmax's forward, have kernels here: the
   * plain loops spend most of their time on ReLU's branch, which random signs make unpredictable,
   * and on one call of Math.exp per value; and in a new process, before V8 has compiled them,
   * JavaScript's loops run in its interpreter, where WebAssembly is compiled from the first call.
   * The kernels' e^x is fdlibm's, as V8's Math.exp computes it, two values at a time: the same
   * bits. The other activations, and softmax's backward, are activations.ts's.
   */
  activationForward(name: ActivationName, Z: Matrix, A: Matrix): boolean {
    if ((name !== "relu" && name !== "sigmoid" && name !== "softmax") || Z.size < WASM_MIN_VALUES) return false;
    const p = this.place(Z, A);
    if (name === "relu") p.kernels.relu(p.at[0], p.at[1], Z.size);
    else if (name === "sigmoid") p.kernels.sigmoid(p.at[0], p.at[1], Z.size);
    else p.kernels.softmax(p.at[0], p.at[1], Z.rows, Z.cols);
    this.finish(p, A, 1);
    return true;
  }

  activationBackward(name: ActivationName, Z: Matrix, A: Matrix, dA: Matrix, dZ: Matrix): boolean {
    if ((name !== "relu" && name !== "sigmoid") || Z.size < WASM_MIN_VALUES) return false;
    // ReLU's derivative is read from Z, the sigmoid's from its output A.
    const p = this.place(name === "relu" ? Z : A, dA, dZ);
    if (name === "relu") p.kernels.reluBackward(p.at[0], p.at[1], p.at[2], Z.size);
    else p.kernels.sigmoidBackward(p.at[0], p.at[1], p.at[2], Z.size);
    this.finish(p, dZ, 2);
    return true;
  }

  /** One object, reused by every call, so that a training step allocates nothing here. */
  private readonly placement: Placement = { kernels: null!, work: 0, at: [0, 0, 0, 0], copied: null };

  /**
   * Where a kernel runs on x, y, z and w: in place when they all lie in one arena, else on
   * copies of them in the scratch memory (and `finish` copies the result back).
   */
  private place(x: Matrix, y: Matrix, z: Matrix | null = null, w: Matrix | null = null): Placement {
    const p = this.placement;
    const buffer = x.data.buffer;
    const together = y.data.buffer === buffer && (z === null || z.data.buffer === buffer) && (w === null || w.data.buffer === buffer);
    const arena = together ? this.arenas.get(buffer) : undefined;
    if (arena) {
      p.kernels = arena.kernels;
      p.work = arena.work;
      p.copied = null;
      p.at[0] = x.data.byteOffset;
      p.at[1] = y.data.byteOffset;
      p.at[2] = z === null ? 0 : z.data.byteOffset;
      p.at[3] = w === null ? 0 : w.data.byteOffset;
      return p;
    }
    return this.placeCopies(x, y, z, w);
  }

  /** `place` for operands not all in one arena: copies of them in the scratch memory. */
  private placeCopies(x: Matrix, y: Matrix, z: Matrix | null, w: Matrix | null): Placement {
    // (Apart from `place`: its closures would make every call of `place` allocate their context.)
    const p = this.placement;
    const operands = [x, y, z, w].filter((m): m is Matrix => m !== null);
    const s = this.scratchFor(operands.reduce((sum, m) => sum + align(m.data.byteLength), 16));
    let at = s.top;
    operands.forEach((m, i) => {
      new Float64Array(s.memory.buffer, at, m.size).set(m.data);
      p.at[i] = at;
      at = align(at + m.data.byteLength);
    });
    p.kernels = s.kernels;
    p.work = s.work;
    p.copied = s;
    return p;
  }

  /** After a kernel ran on copies: copies its result, operand number `index`, back into `written`. */
  private finish(p: Placement, written: Matrix, index: number): void {
    if (p.copied) written.data.set(new Float64Array(p.copied.memory.buffer, p.at[index], written.size));
  }

  /** The scratch memory, grown to hold `bytes` past its work area. */
  private scratchFor(bytes: number): Arena {
    if (!this.scratch) this.scratch = new Arena(this.module, bytes + ARENA_BYTES / 8);
    const s = this.scratch;
    const missing = s.top + bytes - s.memory.buffer.byteLength;
    if (missing > 0) s.memory.grow(Math.ceil(missing / PAGE));
    return s;
  }
}

/** Where one kernel call runs: an instance's kernels, its scratch, and each operand's byte offset. */
interface Placement {
  kernels: Kernels;
  work: number;
  at: [number, number, number, number];
  /** The scratch arena when the operands were copied there; null when the call runs in place. */
  copied: Arena | null;
}

const loaded = new Map<boolean, WasmBackend | null>();

/**
 * The WebAssembly backend, built with fused multiply-adds or without; null when this runtime
 * cannot run it (no WebAssembly SIMD, kernels not built), or with `explain`, an error saying why.
 */
export function loadWasmBackend(options: { fused: boolean; explain?: boolean }): Backend | null {
  const { fused, explain = false } = options;
  const name = fused ? "wasm-fma" : "wasm";
  if (loaded.has(fused) && (loaded.get(fused) || !explain)) return loaded.get(fused)!;
  let reason: string;
  const bytes = kernelBytes(fused);
  if (bytes === null) {
    reason = `the compiled kernels (dist/${fused ? "kernels-fma" : "kernels"}.wasm) are missing: run \`npm run build\``;
  } else if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) {
    reason = fused
      ? "this runtime has no relaxed SIMD (on Node 20 and 21, start node with --experimental-wasm-relaxed-simd)"
      : "this runtime has no WebAssembly SIMD";
  } else {
    const backend = new WasmBackend(name, new WebAssembly.Module(bytes));
    loaded.set(fused, backend);
    return backend;
  }
  loaded.set(fused, null);
  if (explain) throw new Error(`setBackend("${name}"): ${reason}`);
  return null;
}

// "wasm" is preferred to the reference wherever it loads; "wasm-fma" only when asked for.
registerBackend("wasm", { load: (explain) => loadWasmBackend({ fused: false, explain }), priority: 1 });
registerBackend("wasm-fma", { load: (explain) => loadWasmBackend({ fused: true, explain }), priority: -1 });
