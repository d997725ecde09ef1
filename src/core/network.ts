/**
 * Network: article 002's list of layers, generalised. Feedforward, exact gradients by
 * backpropagation, training by mini-batch gradient descent, and a JSON round trip.
 */
import { ACTIVATION_NAMES, ActivationName, getActivation } from "./activations";
import { InitName, INIT_NAMES, initialParams } from "./init";
import { Batches, Rows } from "./batches";
import { kernelMatrix } from "../kernels";
import { Layer } from "./layer";
import { checkTargets, fusedOutputGradient, getLoss, Loss, LossName } from "./losses";
import { Matrix } from "./matrix";
import { Optimizer, OptimizerName, OptimizerOptions, OptimizerState, optimizerConfig } from "./optimizers";
import { checkRegularization, Regularization } from "./regularization";
import { RandomState, RandomStateJSON } from "../numerics/random";
import { StallWatch } from "./diagnose";

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
  optimizer?: OptimizerName | OptimizerOptions;
  /** Rows per update (default: all rows, full-batch gradient descent; 1 is per-sample SGD). */
  batchSize?: number;
  /** Shuffle the rows before every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** Weight decay: minimise loss + rate R(W) over every W, R = ½Σw² ("l2") or Σ|w| ("l1"); the losses returned leave R out. */
  regularization?: Regularization | null;
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
   * Each epoch walks the rows in batches of `batchSize` (shuffled first when asked); for each
   * batch: forward, backward, one optimizer step. Then it measures the loss over all rows. A
   * later call with the same options continues where this one stopped (optimizer state and
   * shuffling stream included). If the loss becomes NaN or Infinity, training stops with an
   * error naming the epoch, and the network keeps its parameters from before that epoch.
   * @example net.fit(X, y, { epochs: 1000, learningRate: 0.1, loss: "mse" }).loss.at(-1)
   */
  fit(X: MatrixLike, y: TargetsLike, options: FitOptions): FitResult {
    const x = this.checkInputs(X, "fit");
    const o = checkFitOptions(options, x.rows);
    const lossFn = this.checkLoss(o.loss);
    const t = this.checkTargets(y, x.rows, lossFn, "fit");
    const state = this.trainingState(o); // the optimizer (holding learningRate) and the shuffling stream
    const params = this.layers.flatMap((l) => l.params);
    const grads = this.layers.flatMap((l) => l.grads);
    const weights = this.layers.map((l) => l.W); // what a regularisation penalises
    const before = params.map((p) => p.clone()); // the parameters at the start of the epoch
    const batches = new Batches(x, t, o.batchSize);
    const history: number[] = [];
    const stall = new StallWatch(this.layers, o.learningRate); // says once why, if the loss stops moving
    let measured: Rows | null = null; // rows whose forward pass the layers hold, with the current weights

    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let k = 0; k < params.length; k++) before[k].copyFrom(params[k]);
      if (o.shuffle) batches.shuffle(state.rng);
      for (let i = 0; i < batches.count; i++) {
        const batch = batches.get(i);
        if (batch !== measured) this.forward(batch.X); // one batch of all rows: the loss's pass is this one
        this.backward(batch.y, lossFn);
        state.optimizer.step(params, grads, o.regularization, weights);
        measured = null;
      }
      const loss = lossFn.value(this.forward(batches.all.X), batches.all.y); // all rows, after the steps
      measured = batches.all;
      state.epochs++;
      if (!Number.isFinite(loss)) {
        for (let k = 0; k < params.length; k++) params[k].copyFrom(before[k]);
        this.training = null;
        throw new Error(
          `fit: the loss became ${loss} at epoch ${epoch} (learning rate ${o.learningRate}); training stopped ` +
            `and the network keeps its parameters from before that epoch. Try a lower learning rate, such as ${o.learningRate / 10}.`,
        );
      }
      history.push(loss);
      stall.epoch(loss);
      if (o.onEpoch) {
        measured = null; // onEpoch may change the weights, or run the layers on other rows
        if (o.onEpoch(epoch, loss) === false) break;
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

  // --- the two passes -------------------------------------------------------------

  /** Feedforward through every layer; returns the last layer's own output buffer. */
  private forward(X: Matrix): Matrix {
    let A = X;
    for (const layer of this.layers) A = layer.forward(A);
    return A;
  }

  /**
   * Backpropagation, from the loss at the output back to every layer's dW and db. An output
   * activation whose derivative cancels against the loss's starts from dZ (losses.ts); any
   * other starts from dA = dL/dA.
   */
  private backward(y: Matrix, loss: Loss): void {
    const out = this.layers[this.layers.length - 1];
    const needDX = this.layers.length > 1;
    const dZ = fusedOutputGradient(loss, out.activation, out.output, y, out.dZBuffer());
    let dA = dZ ? out.backwardFromDZ(dZ, needDX) : out.backward(loss.gradient(out.output, y, this.dABuffer(out)), needDX);
    for (let l = this.layers.length - 2; l >= 0; l--) dA = this.layers[l].backward(dA!, l > 0);
  }

  /** dL/dA buffers for the output layer, one per batch size, in the kernels' memory beside the layer's. */
  private readonly dABuffers = new Map<number, Matrix>();
  private dABuffer(out: Layer): Matrix {
    const rows = out.output.rows;
    let dA = this.dABuffers.get(rows);
    if (!dA) this.dABuffers.set(rows, (dA = kernelMatrix(rows, out.nOut)));
    return dA;
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
      this.training = { key, epochs: 0, optimizer: new Optimizer(o.optimizer, o.learningRate, params), rng: new RandomState(o.seed) };
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
      const { learningRate, ...options } = saved.optimizer.config;
      optimizer = new Optimizer(options, learningRate, params);
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
    regularization: checkRegularization(options.regularization),
    onEpoch: options.onEpoch,
  };
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
