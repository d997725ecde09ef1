/**
 * A dense (fully connected) layer: Z = X W + b, A = f(Z), and its backward pass beside it.
 *
 * The layer owns its parameters and one set of buffers per batch size, so training allocates
 * nothing per step. Its matrix products run through the kernels of kernels.ts, which a backend
 * implements (plain loops, or WebAssembly with the same numbers); this file is only the maths.
 */
import { Activation, getActivation } from "./activations";
import { activationBackward, activationForward, kernelMatrix, linearInto, matmulInto, sumRowsInto } from "../kernels";
import { Matrix } from "./matrix";

/** What the forward pass keeps for the backward pass, for batches of n rows. */
interface Buffers {
  Z: Matrix; // (n, nOut) pre-activation
  A: Matrix; // (n, nOut) activation
  dZ: Matrix; // (n, nOut) dL/dZ
  dX: Matrix; // (n, nIn) dL/dX, handed to the layer before
}

export class Layer {
  /** Weights, one column per neuron. W: (nIn, nOut) */
  readonly W: Matrix;
  /** Biases, or null for a layer without them (Loy's network). b: (1, nOut) */
  readonly b: Matrix | null;
  readonly activation: Activation;
  /** dL/dW from the last backward pass. dW: (nIn, nOut) */
  readonly dW: Matrix;
  /** dL/db from the last backward pass. db: (1, nOut) */
  readonly db: Matrix | null;

  private X: Matrix | null = null; // the last forward pass's input, (n, nIn)
  private last: Buffers | null = null; // the last forward pass's buffers
  private readonly buffersByRows = new Map<number, Buffers>();

  /** A layer with its own copies of W (nIn, nOut) and b (1, nOut), or no biases when b is null. */
  constructor(W: Matrix, b: Matrix | null, activation: string | Activation) {
    if (b && (b.rows !== 1 || b.cols !== W.cols)) {
      throw new RangeError(`Layer: b must be (1, ${W.cols}) for W ${W.shape}, got ${b.shape}`);
    }
    this.activation = getActivation(activation);
    this.W = kernelMatrix(W.rows, W.cols).copyFrom(W);
    this.b = b ? kernelMatrix(1, W.cols).copyFrom(b) : null;
    this.dW = kernelMatrix(W.rows, W.cols);
    this.db = b ? kernelMatrix(1, W.cols) : null;
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
   * Forward: Z = X W + b, then A = f(Z). Keeps X, Z and A for the backward pass.
   * X: (n, nIn) -> A: (n, nOut). A is the layer's own buffer, overwritten by the next forward
   * pass of the same batch size: copy it (`A.clone()`) to keep it.
   */
  forward(X: Matrix): Matrix {
    const buffers = this.buffers(X.rows);
    const { Z, A } = buffers;
    linearInto(X, this.W, this.b, Z); // Z = X W + b  (n, nOut), b added to every row
    activationForward(this.activation, Z, A); // A = f(Z)  (n, nOut)
    this.X = X;
    this.last = buffers;
    return A;
  }

  /**
   * Backward from dA = dL/dA (n, nOut), what the layer after (or the loss) hands back:
   *   dZ = dA * f'(Z)   (n, nOut), then as `backwardFromDZ`.
   * Returns dX = dL/dX (n, nIn), or null when `needDX` is false (the first layer's X is data).
   */
  backward(dA: Matrix, needDX = true): Matrix | null {
    const { Z, A, dZ } = this.lastPass();
    checkSameShape("dA", dA, "A", A);
    activationBackward(this.activation, Z, A, dA, dZ); // dZ = dA * f'(Z)  (n, nOut)
    return this.backwardFromDZ(dZ, needDX);
  }

  /**
   * Backward from dZ = dL/dZ (n, nOut), for an output layer whose dZ the loss gives directly
   * (sigmoid with binary cross-entropy, softmax with cross-entropy: see losses.ts):
   *   dW = X^T dZ              (nIn, nOut)
   *   db = dZ summed over rows  (1, nOut)
   *   dX = dZ W^T              (n, nIn), unless `needDX` is false
   */
  backwardFromDZ(dZ: Matrix, needDX = true): Matrix | null {
    const { Z, dX } = this.lastPass();
    checkSameShape("dZ", dZ, "Z", Z);
    matmulInto(this.X!, dZ, this.dW, true, false); // dW = X^T dZ   (nIn, nOut)
    if (this.db) sumRowsInto(dZ, this.db); // db = column sums of dZ   (1, nOut)
    if (!needDX) return null;
    return matmulInto(dZ, this.W, dX, false, true); // dX = dZ W^T   (n, nIn)
  }

  /** Z from the last forward pass, before the activation. Z: (n, nOut) */
  get preActivation(): Matrix {
    return this.lastPass().Z;
  }

  /** A from the last forward pass (the layer's own buffer). A: (n, nOut) */
  get output(): Matrix {
    return this.lastPass().A;
  }

  /** The layer's dZ buffer for the last forward pass's batch size, for a loss that writes dZ itself. */
  dZBuffer(): Matrix {
    return this.lastPass().dZ;
  }

  /** The buffers for batches of n rows, made the first time that size is seen. */
  private buffers(n: number): Buffers {
    let buffers = this.buffersByRows.get(n);
    if (!buffers) {
      const { nIn, nOut } = this;
      buffers = { Z: kernelMatrix(n, nOut), A: kernelMatrix(n, nOut), dZ: kernelMatrix(n, nOut), dX: kernelMatrix(n, nIn) };
      this.buffersByRows.set(n, buffers);
    }
    return buffers;
  }

  private lastPass(): Buffers {
    if (!this.last || !this.X) throw new Error("Layer: backward needs a forward pass first");
    return this.last;
  }
}

function checkSameShape(name: string, m: Matrix, cachedName: string, cached: Matrix): void {
  if (m.rows !== cached.rows || m.cols !== cached.cols) {
    throw new RangeError(`Layer: ${name} has shape ${m.shape} but the last forward pass gave ${cachedName} ${cached.shape}`);
  }
}
