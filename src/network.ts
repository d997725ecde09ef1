/**
 * Network: article 002's list of layers, generalised. Feedforward, exact gradients by
 * backpropagation, training by mini-batch gradient descent, and a JSON round trip.
 */
import { Activation, ACTIVATION_NAMES, ActivationName, activations, getActivation, sigmoidActivation } from "./activations";
import { InitName, INIT_NAMES, initialParams } from "./init";
import { Layer } from "./layer";
import { checkTargets, getLoss, Loss, LossName, mse } from "./losses";
import { Matrix } from "./matrix";
import { Optimizer, OptimizerConfig, OptimizerName, OptimizerState, optimizerConfig } from "./optimizers";
import { RandomState, RandomStateJSON } from "./random";
import { multiplyAdd } from "./wasm/fma";

export interface NetworkConfig {
  /** Neurons per layer, inputs first: [2, 4, 8, 1] is 2 inputs, hidden layers of 4 and 8, 1 output. */
  sizes: number[];
  /** One activation per layer after the inputs: sizes.length - 1 names. */
  activations: (ActivationName | string)[];
  /** Seed of the RandomState that draws the starting weights (default 0). */
  seed?: number;
  /** How the starting weights are drawn: one name, or one per layer (default "xavier"). */
  init?: InitName | InitName[];
  /** Whether the layers have biases (default true; article 001 has none). */
  bias?: boolean;
}

export interface FitOptions {
  epochs: number;
  learningRate: number;
  /** Default "mse". */
  loss?: LossName | Loss;
  /** Default "sgd". */
  optimizer?: OptimizerName | OptimizerConfig;
  /** Rows per update (default: all rows, full-batch gradient descent; 1 is per-sample SGD). */
  batchSize?: number;
  /** Shuffle the rows before every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /**
   * Called after every epoch with its index (from 0) and the loss; return false to stop. It may
   * change W and b or run the network on other data (a test set): the next epoch starts from
   * the parameters it leaves.
   */
  onEpoch?: (epoch: number, loss: number) => boolean | void;
}

export interface FitResult {
  /** The loss over the whole training set after each epoch's updates. */
  loss: number[];
}

export interface LayerGradients {
  dW: Matrix; // (nIn, nOut)
  db: Matrix | null; // (1, nOut)
}

export interface LayerJSON {
  weights: number[][];
  biases: number[] | null;
  activation: string;
}

/** Where training stopped, so that a later fit (or a loaded copy) resumes exactly. */
export interface TrainingStateJSON {
  key: string;
  epochs: number;
  optimizer: OptimizerState;
  rng: RandomStateJSON;
}

export interface NetworkJSON {
  layers: LayerJSON[];
  training?: TrainingStateJSON;
}

interface TrainingState {
  key: string;
  epochs: number;
  optimizer: Optimizer;
  rng: RandomState;
}

/** Inputs may come as a Matrix, as nested arrays, or (for targets) as a flat array of labels. */
export type MatrixLike = Matrix | number[][];
export type TargetsLike = Matrix | number[][] | number[];

export class Network {
  readonly layers: Layer[];
  private training: TrainingState | null = null;

  /**
   * A new network with random starting weights.
   * @example const net = new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 });
   */
  constructor(config: NetworkConfig);
  constructor(layers: Layer[]);
  constructor(arg: NetworkConfig | Layer[]) {
    this.layers = Array.isArray(arg) ? arg : buildLayers(arg);
    if (this.layers.length === 0) throw new RangeError("Network: needs at least one layer");
    for (let l = 1; l < this.layers.length; l++) {
      if (this.layers[l].nIn !== this.layers[l - 1].nOut) {
        throw new RangeError(
          `Network: layer ${l} takes ${this.layers[l].nIn} inputs but layer ${l - 1} gives ${this.layers[l - 1].nOut}`,
        );
      }
    }
  }

  /** Neurons per layer, inputs first. */
  get sizes(): number[] {
    return [this.layers[0].nIn, ...this.layers.map((l) => l.nOut)];
  }

  /**
   * Feedforward: the network's output for every row of X.
   * X: (n, nIn) -> (n, nOut), a new matrix.
   */
  predict(X: MatrixLike): Matrix {
    const x = this.checkInputs(X, "predict");
    return this.forward(x).clone();
  }

  /**
   * The exact gradient of the loss over the batch (X, y) with respect to every
   * parameter, by backpropagation: one { dW, db } per layer, shaped like W and b.
   */
  gradients(X: MatrixLike, y: TargetsLike, loss: LossName | Loss = "mse"): LayerGradients[] {
    const x = this.checkInputs(X, "gradients");
    const lossFn = this.checkLoss(loss);
    const t = this.checkTargets(y, x.rows, lossFn, "gradients");
    this.forward(x);
    this.backward(t, lossFn);
    return this.layers.map((l) => ({ dW: l.dW.clone(), db: l.db ? l.db.clone() : null }));
  }

  /** The loss of the network's predictions on (X, y). */
  evaluate(X: MatrixLike, y: TargetsLike, loss: LossName | Loss = "mse"): number {
    const x = this.checkInputs(X, "evaluate");
    const lossFn = this.checkLoss(loss);
    const t = this.checkTargets(y, x.rows, lossFn, "evaluate");
    return lossFn.value(this.forward(x), t);
  }

  /**
   * Trains by gradient descent and returns the loss after every epoch.
   *
   * Each epoch walks the rows in batches of `batchSize` (shuffled first when asked); for
   * each batch: forward, backward, one optimizer step. A later call with the same
   * options continues where this one stopped (optimizer state and shuffling stream included).
   * If the loss becomes NaN or Infinity, training stops with an error naming the epoch,
   * and the network keeps its parameters from the last finite epoch.
   * @example net.fit(X, y, { epochs: 1000, learningRate: 0.1, loss: "mse" }).loss.at(-1)
   */
  fit(X: MatrixLike, y: TargetsLike, options: FitOptions): FitResult {
    const x = this.checkInputs(X, "fit");
    const o = checkFitOptions(options, x.rows);
    const lossFn = this.checkLoss(o.loss);
    const t = this.checkTargets(y, x.rows, lossFn, "fit");
    const state = this.trainingState(o);
    const params = this.layers.flatMap((l) => l.params);
    const grads = this.layers.flatMap((l) => l.grads);
    const snapshot = params.map((p) => p.clone());

    const n = x.rows;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const fullBatch = o.batchSize >= n && !o.shuffle;
    const batches = new Map<number, Rows>(); // shuffled batches' buffers, by row count
    const history: number[] = [];
    let outputIsCurrent = false; // the last forward was on all of x with the current parameters
    // Unshuffled, every batch is a run of rows: a view of it, made once, instead of a copy each step.
    const runs = fullBatch || o.shuffle ? null : rowViews(x, t, o.batchSize);
    const chunks = fullBatch ? null : this.lossChunks(x, t, lossFn, o.batchSize, runs);
    // A full-batch epoch reuses the forward pass that measured the last loss, unless onEpoch has
    // changed W or b since (checked against this copy) or run the layers on other rows.
    const beforeOnEpoch = fullBatch && o.onEpoch ? params.map((p) => p.clone()) : null;
    // Plain SGD's step is the layers' own, each right after its backward pass: in WebAssembly its
    // W and dW are still in the module's memory then. The same numbers as optimizer.step.
    const { name: optimizer, learningRate } = state.optimizer.config;
    const sgdRate = optimizer === "sgd" ? learningRate : undefined;

    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let k = 0; k < params.length; k++) snapshot[k].data.set(params[k].data);
      if (o.shuffle) {
        // Shuffle the identity every epoch (not last epoch's order), so a resumed fit continues exactly.
        for (let i = 0; i < n; i++) order[i] = i;
        state.rng.shuffle(order);
      }
      // From here to the loss, only the layers' own steps change W and b: no pass need copy them in again.
      if (sgdRate !== undefined) this.trustOwnSteps(true);
      let loss: number;
      try {
        for (let start = 0; start < n; start += o.batchSize) {
          if (fullBatch) {
            if (!outputIsCurrent) this.forward(x);
            this.backward(t, lossFn, sgdRate);
          } else {
            const batch = runs ? runs[start / o.batchSize] : copyBatch(x, t, order, start, Math.min(o.batchSize, n - start), batches);
            this.forward(batch.X);
            this.backward(batch.y, lossFn, sgdRate);
          }
          if (sgdRate === undefined) state.optimizer.step(params, grads);
          else state.optimizer.countStep();
        }
        if (chunks) {
          // The loss over every row, a chunk at a time in the buffers training just used (warm in cache),
          // summed in row order: the same number, bit for bit, as one forward pass over all of x.
          loss = 0;
          for (const c of chunks) loss = lossFn.sum!(this.forward(c.X), c.y, loss);
          loss /= lossFn.divisor!(n, t.cols);
        } else {
          loss = lossFn.value(this.forward(x), t);
          outputIsCurrent = true;
        }
      } finally {
        // From here on, the snapshot's restore, onEpoch or the caller may change W and b.
        if (sgdRate !== undefined) this.trustOwnSteps(false);
      }
      state.epochs++;
      if (!Number.isFinite(loss)) {
        for (let k = 0; k < params.length; k++) params[k].data.set(snapshot[k].data);
        this.training = null;
        throw new Error(
          `fit: the loss became ${loss} at epoch ${epoch} (learning rate ${o.learningRate}); training stopped ` +
            `and the network keeps its parameters from before that epoch. Try a lower learning rate, such as ${o.learningRate / 10}.`,
        );
      }
      history.push(loss);
      if (o.onEpoch) {
        let passes = 0;
        if (beforeOnEpoch) {
          for (let k = 0; k < params.length; k++) beforeOnEpoch[k].data.set(params[k].data);
          passes = this.forwardPasses();
        }
        const go = o.onEpoch(epoch, loss);
        if (beforeOnEpoch && (this.forwardPasses() !== passes || !allEqual(params, beforeOnEpoch))) outputIsCurrent = false;
        if (go === false) break;
      }
    }
    return { loss: history };
  }

  /** Forgets the optimizer state and shuffling stream, so the next fit starts afresh. */
  resetTraining(): void {
    this.training = null;
  }

  /** The network as plain JSON: weights (nIn x nOut), biases and activation per layer, plus any training state. */
  toJSON(): NetworkJSON {
    const json: NetworkJSON = {
      layers: this.layers.map((l) => ({
        weights: l.W.toArray(),
        biases: l.b ? l.b.toFlatArray() : null,
        activation: l.activation.name,
      })),
    };
    if (this.training) {
      json.training = {
        key: this.training.key,
        epochs: this.training.epochs,
        optimizer: this.training.optimizer.getState(),
        rng: this.training.rng.getState(),
      };
    }
    return json;
  }

  /**
   * Builds a network from JSON (from toJSON, or written by hand), checking every field;
   * an error names the layer and the field that is wrong.
   * @example Network.fromJSON({ layers: [{ weights: [[0], [1]], biases: [0], activation: "sigmoid" }] })
   */
  static fromJSON(json: unknown): Network {
    if (typeof json === "string") {
      try {
        json = JSON.parse(json);
      } catch (e) {
        throw new SyntaxError(`Network.fromJSON: the text is not valid JSON (${(e as Error).message})`);
      }
    }
    if (!isObject(json) || !Array.isArray(json.layers)) {
      throw new TypeError('Network.fromJSON: expected an object with a "layers" array');
    }
    if (json.layers.length === 0) throw new RangeError('Network.fromJSON: "layers" is empty');
    const layers = json.layers.map((layer: unknown, i: number) => layerFromJSON(layer, i));
    const net = new Network(layers);
    if (json.training !== undefined) net.restoreTraining(json.training);
    return net;
  }

  /**
   * Views of (x, t) in chunks of rows, for measuring the loss after each mini-batch epoch a
   * chunk at a time; null when it must be one pass: the loss cannot sum in parts (a user's own
   * Loss without `sum`), a layer's activation is a user's own, which might mix rows, or a chunk
   * would round differently from the one pass (a layer fused in one, plain in the other). Chunks
   * are batchSize rows, so they reuse the training buffers (and are the training batches' `runs`
   * when those are views), but no fewer than LOSS_CHUNK_MIN_ROWS (below that, each forward pass
   * costs more in calls than in arithmetic).
   */
  private lossChunks(x: Matrix, t: Matrix, loss: Loss, batchSize: number, runs: Rows[] | null): Rows[] | null {
    if (!loss.sum || !loss.divisor) return null;
    if (!this.layers.every((l) => ROW_WISE_ACTIVATIONS.has(l.activation))) return null;
    const rows = Math.max(batchSize, LOSS_CHUNK_MIN_ROWS);
    if (rows >= x.rows) return null;
    // Fused multiply-adds round differently from the plain loops: then every chunk, down to the
    // last and smallest, must take the path that one pass over all rows takes.
    const smallest = x.rows % rows || rows;
    if (multiplyAdd() === "fused" && this.layers.some((l) => l.wantsWasm(smallest) !== l.wantsWasm(x.rows))) return null;
    return runs && rows === batchSize ? runs : rowViews(x, t, rows);
  }

  /** The layers' forward passes, all counted (Layer.forwardPasses). */
  private forwardPasses(): number {
    let passes = 0;
    for (const l of this.layers) passes += l.forwardPasses;
    return passes;
  }

  /** Layer.trustOwnSteps for every layer. */
  private trustOwnSteps(on: boolean): void {
    for (const l of this.layers) l.trustOwnSteps(on);
  }

  // --- the two passes -------------------------------------------------------------

  /** Batch sizes whose workspaces the layers already have, shared (Layer.shareWorkspaces). */
  private readonly sharedBatchSizes = new Set<number>();

  /** Feedforward through every layer; returns the last layer's own output buffer. */
  private forward(X: Matrix): Matrix {
    if (!this.sharedBatchSizes.has(X.rows)) {
      Layer.shareWorkspaces(this.layers, X.rows);
      this.sharedBatchSizes.add(X.rows);
    }
    let A = X;
    for (let l = 0; l < this.layers.length; l++) A = this.layers[l].forward(A);
    return A;
  }

  /**
   * Backpropagation from the loss at the output to every layer's dW and db; with a
   * learningRate, each layer then takes plain SGD's step itself (Layer.backward).
   */
  private backward(y: Matrix, loss: Loss, learningRate?: number): void {
    const last = this.layers[this.layers.length - 1];
    const act = last.activation.name;
    let dA: Matrix | null;
    if ((act === "sigmoid" && loss.name === "binaryCrossEntropy") || (act === "softmax" && loss.name === "crossEntropy")) {
      // The output layer's f'(Z) cancels against dL/dA: dZ = (A - y) / N, exact and stable.
      fusedOutputGradient(last, y, loss);
      dA = last.backwardFromDZ(this.layers.length > 1, learningRate);
    } else if (last.activation === sigmoidActivation && loss === mse) {
      // Article 002's pair: no cancellation, but both steps in one pass, in the order the two
      // separate passes take (mse.gradient, then sigmoid's backward), so the same numbers.
      dA = last.backwardMseSigmoid(y, this.layers.length > 1, learningRate);
    } else {
      const buffers = this.lossGradientBuffer(last);
      loss.gradient(last.output, y, buffers);
      dA = last.backward(buffers, this.layers.length > 1, learningRate);
    }
    for (let l = this.layers.length - 2; l >= 0; l--) dA = this.layers[l].backward(dA!, l > 0, learningRate);
  }

  private dABuffers = new Map<number, Matrix>();
  private lossGradientBuffer(last: Layer): Matrix {
    const rows = last.dZBuffer().rows;
    let buf = this.dABuffers.get(rows);
    if (!buf) this.dABuffers.set(rows, (buf = new Matrix(rows, last.nOut)));
    return buf;
  }

  // --- checks ---------------------------------------------------------------------

  private checkInputs(X: MatrixLike, where: string): Matrix {
    const x = toMatrix(X, `${where}: X`);
    const nIn = this.layers[0].nIn;
    if (x.cols !== nIn) throw new RangeError(`${where}: X has shape ${x.shape} but the network takes ${nIn} inputs (columns)`);
    if (x.rows === 0) throw new RangeError(`${where}: X has no rows`);
    assertFinite(x, `${where}: X`);
    return x;
  }

  private checkLoss(loss: LossName | Loss): Loss {
    const lossFn = getLoss(loss);
    const out = this.layers[this.layers.length - 1].activation.name;
    if ((lossFn.name === "binaryCrossEntropy" || lossFn.name === "crossEntropy") && out !== "sigmoid" && out !== "softmax") {
      throw new RangeError(
        `${lossFn.name} needs probabilities: the last layer's activation is ${out}; use sigmoid (or softmax for several classes)`,
      );
    }
    return lossFn;
  }

  private checkTargets(y: TargetsLike, rows: number, loss: Loss, where: string): Matrix {
    const t = toMatrix(y, `${where}: y`);
    if (t.rows !== rows) throw new RangeError(`${where}: X has ${rows} rows but y has ${t.rows}; they must match`);
    assertFinite(t, `${where}: y`);
    const nOut = this.layers[this.layers.length - 1].nOut;
    checkTargets(loss, new Matrix(rows, nOut), t);
    return t;
  }

  private trainingState(o: Required<Omit<FitOptions, "onEpoch">>): TrainingState {
    const config = optimizerConfig(o.optimizer, o.learningRate);
    const key = JSON.stringify({ loss: o.loss, optimizer: config, batchSize: o.batchSize, shuffle: o.shuffle, seed: o.seed });
    if (!this.training || this.training.key !== key) {
      const params = this.layers.flatMap((l) => l.params);
      this.training = { key, epochs: 0, optimizer: new Optimizer(config, o.learningRate, params), rng: new RandomState(o.seed) };
    }
    return this.training;
  }

  private restoreTraining(state: unknown): void {
    const where = "Network.fromJSON: training";
    if (!isObject(state) || typeof state.key !== "string" || !Number.isInteger(state.epochs)) {
      throw new TypeError(`${where} must be an object with "key", "epochs", "optimizer" and "rng"`);
    }
    const saved = state as unknown as TrainingStateJSON;
    if ((saved.epochs as number) < 0) throw new RangeError(`${where}.epochs must be a non-negative integer, got ${saved.epochs}`);
    if (!isObject(saved.optimizer) || !isObject(saved.optimizer.config)) {
      throw new TypeError(`${where}.optimizer is missing or not an object with a "config"`);
    }
    if (!isObject(saved.rng)) throw new TypeError(`${where}.rng is missing or not an object`);
    const params = this.layers.flatMap((l) => l.params);
    let optimizer: Optimizer;
    let rng: RandomState;
    try {
      optimizer = new Optimizer(saved.optimizer.config, saved.optimizer.config.learningRate, params);
      optimizer.setState(saved.optimizer, `${where}.optimizer`);
    } catch (e) {
      throw prefixed(e, `${where}.optimizer`);
    }
    try {
      rng = RandomState.fromState(saved.rng);
    } catch (e) {
      throw prefixed(e, `${where}.rng`);
    }
    this.training = { key: saved.key, epochs: saved.epochs, optimizer, rng };
  }
}

// --- helpers ------------------------------------------------------------------------

function buildLayers(config: NetworkConfig): Layer[] {
  if (!isObject(config)) throw new TypeError("Network: expected a config { sizes, activations }");
  const { sizes, activations } = config;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new RangeError(`Network: sizes must list at least two layer sizes (inputs and outputs), got ${JSON.stringify(sizes)}`);
  }
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1) throw new RangeError(`Network: sizes[${i}] must be a positive integer, got ${JSON.stringify(s)}`);
  });
  if (!Array.isArray(activations) || activations.length !== sizes.length - 1) {
    throw new RangeError(
      `Network: ${sizes.length} sizes need ${sizes.length - 1} activations (one per layer after the inputs), ` +
        `got ${Array.isArray(activations) ? activations.length : typeof activations}`,
    );
  }
  const init = config.init ?? "xavier";
  const inits: InitName[] = Array.isArray(init) ? init : sizes.slice(1).map(() => init);
  if (inits.length !== sizes.length - 1) {
    throw new RangeError(`Network: init lists ${inits.length} initialisers but there are ${sizes.length - 1} layers`);
  }
  const rng = new RandomState(config.seed ?? 0);
  const bias = config.bias ?? true;
  return activations.map((name, l) => {
    const act = getActivation(name, `Network: activation of layer ${l}`);
    if (!(INIT_NAMES as readonly string[]).includes(inits[l])) {
      throw new RangeError(`Network: layer ${l} has unknown init ${JSON.stringify(inits[l])}; valid names are ${INIT_NAMES.join(", ")}`);
    }
    const { W, b } = initialParams(inits[l], sizes[l], sizes[l + 1], bias, rng);
    return new Layer(W, b, act);
  });
}

/** The built-in activations: each maps a row of Z to the same row of A, whatever the other rows. */
const ROW_WISE_ACTIVATIONS: ReadonlySet<Activation> = new Set(Object.values(activations));

/** The fewest rows per chunk when fit measures the loss in chunks (Network.lossChunks). */
const LOSS_CHUNK_MIN_ROWS = 32;

function checkFitOptions(options: FitOptions, rows: number): Required<Omit<FitOptions, "onEpoch">> & Pick<FitOptions, "onEpoch"> {
  if (!isObject(options)) throw new TypeError("fit: options { epochs, learningRate, ... } are required");
  const { epochs, learningRate } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a non-negative integer, got ${String(epochs)}`);
  if (typeof learningRate !== "number" || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(`fit: learningRate must be a positive number, got ${String(learningRate)}`);
  }
  const batchSize = options.batchSize ?? rows;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`fit: batchSize must be a positive integer, got ${String(batchSize)}`);
  if (options.onEpoch !== undefined && typeof options.onEpoch !== "function") throw new TypeError("fit: onEpoch must be a function");
  return {
    epochs,
    learningRate,
    loss: options.loss ?? "mse",
    optimizer: options.optimizer ?? "sgd",
    batchSize: Math.min(batchSize, rows),
    shuffle: options.shuffle ?? false,
    seed: options.seed ?? 0,
    onEpoch: options.onEpoch,
  };
}

/** dZ of the output layer for sigmoid + binary cross-entropy or softmax + cross-entropy: (A - y) / N. */
function fusedOutputGradient(last: Layer, y: Matrix, loss: Loss): void {
  const dZ = last.dZBuffer();
  const A = last.output;
  const a = A.data, d = dZ.data, t = y.data;
  if (loss.name === "crossEntropy" && y.cols === 1 && A.cols > 1) {
    const n = A.rows, k = A.cols;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) d[i * k + j] = (a[i * k + j] - (j === t[i] ? 1 : 0)) / n;
    }
  } else {
    // binaryCrossEntropy averages over all n*k elements; crossEntropy over the n rows.
    const N = loss.name === "binaryCrossEntropy" ? a.length : A.rows;
    for (let i = 0; i < a.length; i++) d[i] = (a[i] - t[i]) / N;
  }
}

/** Whether each matrix in a equals (Matrix.equals) the one at its place in b. */
function allEqual(a: Matrix[], b: Matrix[]): boolean {
  for (let k = 0; k < a.length; k++) if (!a[k].equals(b[k])) return false;
  return true;
}

/** Some rows of the inputs and of the targets, row for row. */
interface Rows {
  X: Matrix;
  y: Matrix;
}

/** Views of (x, t) in runs of `rows` rows (the last may be shorter), sharing their data. */
function rowViews(x: Matrix, t: Matrix, rows: number): Rows[] {
  const views: Rows[] = [];
  for (let start = 0; start < x.rows; start += rows) {
    const end = Math.min(start + rows, x.rows);
    views.push({
      X: new Matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols)),
      y: new Matrix(end - start, t.cols, t.data.subarray(start * t.cols, end * t.cols)),
    });
  }
  return views;
}

/** The rows order[start .. start + rows) of (x, t), copied into the buffers `batches` keeps for that many rows. */
function copyBatch(x: Matrix, t: Matrix, order: Int32Array, start: number, rows: number, batches: Map<number, Rows>): Rows {
  let batch = batches.get(rows);
  if (!batch) batches.set(rows, (batch = { X: new Matrix(rows, x.cols), y: new Matrix(rows, t.cols) }));
  copyRows(x, order, start, batch.X);
  copyRows(t, order, start, batch.y);
  return batch;
}

function copyRows(src: Matrix, order: Int32Array, start: number, dst: Matrix): void {
  const c = src.cols, s = src.data, d = dst.data;
  for (let r = 0; r < dst.rows; r++) {
    const from = order[start + r] * c;
    for (let j = 0; j < c; j++) d[r * c + j] = s[from + j];
  }
}

function layerFromJSON(layer: unknown, i: number): Layer {
  const where = `Network.fromJSON: layer ${i}`;
  if (!isObject(layer)) throw new TypeError(`${where} must be an object with weights, biases and activation`);
  const { weights, biases, activation } = layer;
  if (!Array.isArray(weights) || weights.length === 0) throw new TypeError(`${where}: "weights" must be a non-empty array of rows (nIn x nOut)`);
  const W = toMatrix(weights as number[][], `${where}: "weights"`);
  if (W.cols === 0) throw new RangeError(`${where}: "weights" rows are empty`);
  assertFinite(W, `${where}: "weights"`);
  let b: Matrix | null = null;
  if (biases !== null && biases !== undefined) {
    if (!Array.isArray(biases)) throw new TypeError(`${where}: "biases" must be an array of ${W.cols} numbers or null`);
    if (biases.length !== W.cols) {
      throw new RangeError(`${where}: "biases" has ${biases.length} values but "weights" has ${W.cols} columns (neurons)`);
    }
    b = toMatrix([biases as number[]], `${where}: "biases"`);
    assertFinite(b, `${where}: "biases"`);
  }
  if (typeof activation !== "string" || !(ACTIVATION_NAMES as readonly string[]).includes(activation)) {
    throw new RangeError(`${where}: unknown activation ${JSON.stringify(activation)}; valid names are ${ACTIVATION_NAMES.join(", ")}`);
  }
  return new Layer(W, b, activation);
}

/** A Matrix from nested arrays, or a column from a flat array; a Matrix is used as it is. */
export function toMatrix(x: TargetsLike, what: string): Matrix {
  if (x instanceof Matrix) return x;
  if (!Array.isArray(x)) throw new TypeError(`${what} must be a Matrix or an array, got ${x === null ? "null" : typeof x}`);
  if (x.length > 0 && !Array.isArray(x[0])) return Matrix.column(x as number[]);
  return Matrix.from(x as number[][], what);
}

/** Throws naming the row and column of the first NaN or Infinity. */
export function assertFinite(m: Matrix, what: string): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new RangeError(`${what} has ${d[i]} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}; data must be finite numbers`);
    }
  }
}

/** The error with `where` in front of its message, unless it already names it. */
function prefixed(e: unknown, where: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (!err.message.includes(where)) err.message = `${where}: ${err.message}`;
  return err;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
