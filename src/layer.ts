/**
 * A dense (fully connected) layer: Z = X @ W + b, A = f(Z), with its backward pass beside it.
 * The layer owns its buffers, one set per batch size, so training allocates nothing per step.
 * Batches big enough to pay for it keep those buffers in WebAssembly memory and run both
 * passes there (wasm/dense.ts): the same sums in the same order as the plain loops, bit for bit
 * the same results, unless `multiplyAdd()` is "fused" (wasm/fma.ts): then each multiply-add
 * is rounded once, and the results agree with the plain loops' to a few units in the last place.
 */
import { Activation, getActivation, leakyReluActivation, linearActivation, reluActivation, sigmoidActivation, softmaxActivation } from "./activations";
import { addRowInPlace, matmulInto, sumRowsInto } from "./kernels";
import { checkMatmulShapes } from "./kernels-reference";
import { Matrix } from "./matrix";
import { sgdUpdate } from "./optimizers";
import { DenseWorkspace, WasmActivation } from "./wasm/dense";

/** The per-batch-size buffers that forward fills and backward reads. */
interface Workspace {
  Z: Matrix; // (n, nOut) pre-activation
  A: Matrix; // (n, nOut) activation
  dZ: Matrix; // (n, nOut) dL/dZ
  dX: Matrix; // (n, nIn) dL/dX, handed to the layer before
  /** The WebAssembly workspace that owns the four buffers above, or null for plain ones. */
  wasm: DenseWorkspace | null;
}

/** A layer's buffers as the WebAssembly workspace holds them. */
function wasmWorkspace(wasm: DenseWorkspace): Workspace {
  return { Z: wasm.Z, A: wasm.A, dZ: wasm.dZ, dX: wasm.dX, wasm };
}

/**
 * Batches whose product X @ W has fewer multiply-adds than this keep plain buffers and loops:
 * below it, calling into WebAssembly and copying X in costs more than it saves.
 */
export const WASM_DENSE_MIN_MULTIPLY_ADDS = 256;

export class Layer {
  /** Weights, one column per neuron. W: (nIn, nOut) */
  readonly W: Matrix;
  /** Biases, or null for a layer without them (article 001). b: (1, nOut) */
  readonly b: Matrix | null;
  readonly activation: Activation;
  /** The activation as the wasm passes name it, when they can apply it themselves. */
  private readonly wasmActivation: WasmActivation;
  /** dL/dW from the last backward pass. dW: (nIn, nOut) */
  readonly dW: Matrix;
  /** dL/db from the last backward pass. db: (1, nOut) */
  readonly db: Matrix | null;

  private readonly workspaces = new Map<number, Workspace>();
  private X: Matrix | null = null; // the last forward input, (n, nIn)
  private ws: Workspace | null = null; // the last forward's buffers
  private passes = 0;
  /**
   * Names the current values of W and b while only this layer's own steps may change them
   * (`trustOwnSteps`): each step gives a new name, and a WebAssembly workspace that holds the
   * values so named skips copying them in. null otherwise: every pass copies them in.
   */
  private paramsStamp: number | null = null;

  constructor(W: Matrix, b: Matrix | null, activation: string | Activation) {
    if (b && (b.rows !== 1 || b.cols !== W.cols)) {
      throw new RangeError(`Layer: b must be (1, ${W.cols}) for W ${W.shape}, got ${b.shape}`);
    }
    this.W = W;
    this.b = b;
    this.activation = getActivation(activation);
    // By identity, not by name: a user's own Activation object always runs its own code.
    const a = this.activation;
    this.wasmActivation =
      a === reluActivation ? "relu"
      : a === leakyReluActivation ? "leakyRelu"
      : a === sigmoidActivation ? "sigmoid"
      : a === linearActivation ? "linear"
      : a === softmaxActivation ? "softmax"
      : null;
    this.dW = new Matrix(W.rows, W.cols);
    this.db = b ? new Matrix(1, W.cols) : null;
  }

  get nIn(): number {
    return this.W.rows;
  }

  get nOut(): number {
    return this.W.cols;
  }

  /** The trainable parameters, in a fixed order: W, then b. */
  get params(): Matrix[] {
    return this.b ? [this.W, this.b] : [this.W];
  }

  /** Their gradients, in the same order. */
  get grads(): Matrix[] {
    return this.db ? [this.dW, this.db] : [this.dW];
  }

  /**
   * Forward: Z = X @ W + b, A = f(Z).
   * X: (n, nIn) -> A: (n, nOut). The returned A is the layer's own buffer, overwritten by
   * the next forward pass of the same batch size; copy it (`A.clone()`) to keep it.
   */
  forward(X: Matrix): Matrix {
    const ws = this.workspace(X.rows);
    if (ws.wasm) {
      checkMatmulShapes(X, this.W, ws.Z, false, false);
      if (!ws.wasm.forward(X, this.W, this.b, this.wasmActivation, this.paramsStamp)) this.activation.forward(ws.Z, ws.A);
    } else {
      matmulInto(X, this.W, ws.Z);
      if (this.b) addRowInPlace(ws.Z, this.b);
      this.activation.forward(ws.Z, ws.A);
    }
    this.X = X;
    this.ws = ws;
    this.passes++;
    return ws.A;
  }

  /**
   * How many forward passes this layer has run. Each pass overwrites the buffers the last one
   * returned (output, preActivation) for its batch size: a caller that keeps them can tell from
   * this count whether they are still what it left there.
   */
  get forwardPasses(): number {
    return this.passes;
  }

  /**
   * Backward from dA = dL/dA (n, nOut): dZ = dA * f'(Z), then the parameter gradients.
   * Returns dX = dL/dX (n, nIn) for the layer before, or null when `needDX` is false.
   * With a `learningRate`, the layer then takes plain SGD's step itself, W -= lr dW and
   * b -= lr db (dX is computed with the old W), as Network.fit has it do: in WebAssembly,
   * W and dW are still in its memory then.
   */
  backward(dA: Matrix, needDX = true, learningRate?: number): Matrix | null {
    const ws = this.lastWorkspace();
    const rate = checkedRate(learningRate);
    if (ws.wasm && ws.wasm.backward(dA, this.wasmActivation, this.W, this.dW, this.db, needDX, rate, this.b, this.paramsStamp)) {
      return this.stepped(ws, rate, needDX);
    }
    this.activation.backward(ws.Z, ws.A, dA, ws.dZ);
    return this.backwardFrom(ws, needDX, rate);
  }

  /**
   * Backward when dZ is already known and written into `dZBuffer()` (the output layer's
   * fused sigmoid + binary cross-entropy and softmax + cross-entropy gradients):
   *   dW = X^T @ dZ   (nIn, nOut)
   *   db = sum of dZ over the rows   (1, nOut)
   *   dX = dZ @ W^T   (n, nIn)
   * (In WebAssembly, X is read where it is when another layer's workspace holds it, as here;
   * an X from elsewhere, such as the data, is the copy the forward pass took, its cache.)
   * With a `learningRate`, then plain SGD's step, as `backward` says.
   */
  backwardFromDZ(needDX = true, learningRate?: number): Matrix | null {
    const ws = this.lastWorkspace();
    return this.backwardFrom(ws, needDX, checkedRate(learningRate));
  }

  /** backwardFromDZ on the workspace `ws`, with a learning rate already checked (null: no step). */
  private backwardFrom(ws: Workspace, needDX: boolean, rate: number | null): Matrix | null {
    if (ws.wasm) {
      ws.wasm.backward(null, null, this.W, this.dW, this.db, needDX, rate, this.b, this.paramsStamp);
      return this.stepped(ws, rate, needDX);
    }
    matmulInto(this.X!, ws.dZ, this.dW, true, false);
    if (this.db) sumRowsInto(ws.dZ, this.db);
    if (needDX) matmulInto(ws.dZ, this.W, ws.dX, false, true);
    if (rate !== null) {
      sgdUpdate(this.W.data, this.dW.data, rate);
      if (this.b && this.db) sgdUpdate(this.b.data, this.db.data, rate);
    }
    return this.stepped(ws, rate, needDX);
  }

  /**
   * For Network.fit, around a stretch of training in which nothing but this layer's own steps
   * (backward passes with a learning rate) changes W and b: a WebAssembly workspace then copies
   * them in only when its copy is out of date, not on every pass. `false` ends the stretch,
   * before anything else may change them again.
   */
  trustOwnSteps(on: boolean): void {
    this.paramsStamp = on ? nextParamsStamp++ : null;
  }

  /**
   * After a backward pass in `ws` that took a step (rate not null), W and b have new values:
   * they get a new stamp, held by ws's memory if the step was taken there. Returns dX or null.
   */
  private stepped(ws: Workspace, rate: number | null, needDX: boolean): Matrix | null {
    if (rate !== null && this.paramsStamp !== null) {
      this.paramsStamp = nextParamsStamp++;
      if (ws.wasm) ws.wasm.paramsStamp = this.paramsStamp;
    }
    return needDX ? ws.dX : null;
  }

  /**
   * Backward for a sigmoid output layer under mse (article 002's pair), from the targets
   * y (n, nOut): dZ = (2 / N) (A - y) * A (1 - A) with N = n * nOut, which is mse's gradient and
   * then sigmoid's backward fused into one pass, with the same numbers as the two passes;
   * then as backwardFromDZ. Returns dX (n, nIn), or null when `needDX` is false.
   * With a `learningRate`, then plain SGD's step, as `backward` says.
   */
  backwardMseSigmoid(y: Matrix, needDX = true, learningRate?: number): Matrix | null {
    const ws = this.lastWorkspace();
    const rate = checkedRate(learningRate);
    if (this.activation !== sigmoidActivation) throw new Error(`Layer: backwardMseSigmoid needs a sigmoid layer, this one is ${this.activation.name}`);
    if (y.rows !== ws.A.rows || y.cols !== ws.A.cols) {
      throw new RangeError(`Layer: backwardMseSigmoid: y has shape ${y.shape} but the last forward pass gave ${ws.A.shape}`);
    }
    if (ws.wasm) {
      ws.wasm.backwardMseSigmoid(y, this.W, this.dW, this.db, needDX, rate, this.b, this.paramsStamp);
      return this.stepped(ws, rate, needDX);
    }
    const a = ws.A.data, d = ws.dZ.data, t = y.data;
    const scale = 2 / a.length; // as mse.gradient
    for (let i = 0; i < a.length; i++) {
      const g = scale * (a[i] - t[i]);
      d[i] = g * a[i] * (1 - a[i]); // as sigmoid's backward
    }
    return this.backwardFrom(ws, needDX, rate);
  }

  /** Z from the last forward pass, before the activation. Z: (n, nOut) */
  get preActivation(): Matrix {
    return this.lastWorkspace().Z;
  }

  /** A from the last forward pass (the layer's own buffer). A: (n, nOut) */
  get output(): Matrix {
    return this.lastWorkspace().A;
  }

  /** The dZ buffer of the last forward pass, for a caller that computes dZ itself. */
  dZBuffer(): Matrix {
    return this.lastWorkspace().dZ;
  }

  /**
   * Gives these layers (a network's, in order) their buffers for batches of n rows at once, the
   * WebAssembly ones in one memory: then each layer reads its input and its dA where the layers
   * next to it wrote them, instead of copying them in. Layers that have them already keep theirs.
   */
  static shareWorkspaces(layers: readonly Layer[], n: number): void {
    const wanted = layers.filter((l) => !l.workspaces.has(n) && l.wantsWasm(n));
    const shared = wanted.length > 1 ? DenseWorkspace.chain(n, wanted.map((l) => [l.nIn, l.nOut])) : null;
    shared?.forEach((wasm, i) => wanted[i].workspaces.set(n, wasmWorkspace(wasm)));
  }

  /**
   * Whether batches of n rows run in WebAssembly (where the runtime has it) rather than in the
   * plain loops. With fused multiply-adds (wasm/fma.ts) the two round differently.
   */
  wantsWasm(n: number): boolean {
    return n * this.nIn * this.nOut >= WASM_DENSE_MIN_MULTIPLY_ADDS;
  }

  private workspace(n: number): Workspace {
    let ws = this.workspaces.get(n);
    if (!ws) {
      const { nIn, nOut } = this;
      const wasm = this.wantsWasm(n) ? DenseWorkspace.create(n, nIn, nOut) : null;
      ws = wasm
        ? wasmWorkspace(wasm)
        : { Z: new Matrix(n, nOut), A: new Matrix(n, nOut), dZ: new Matrix(n, nOut), dX: new Matrix(n, nIn), wasm };
      this.workspaces.set(n, ws);
    }
    return ws;
  }

  private lastWorkspace(): Workspace {
    if (!this.ws || !this.X) throw new Error("Layer: backward needs a forward pass first");
    return this.ws;
  }
}

/** The next name for a layer's W and b values (Layer.trustOwnSteps), unique across layers and fits. */
let nextParamsStamp = 1;

/** A backward pass's learning rate: null without one, the rate if it is a positive finite number, else a RangeError. */
function checkedRate(learningRate: number | undefined): number | null {
  if (learningRate === undefined) return null;
  if (typeof learningRate !== "number" || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(`Layer: the learning rate of a backward pass's step must be a positive number, got ${String(learningRate)}`);
  }
  return learningRate;
}
