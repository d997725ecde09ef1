/**
 * Optimizers: how a gradient becomes a step. Plain SGD, SGD with momentum, and Adam.
 * An optimizer updates the parameters in place and keeps its own per-parameter state,
 * which it can save and restore so that training can stop and resume exactly.
 */
import { sgdStepInPlace } from "../kernels";
import { Matrix } from "./matrix";
import { penaltySlope, Regularization } from "./regularization";

export const OPTIMIZER_NAMES = ["sgd", "momentum", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * An optimizer and its settings, as `fit`'s `optimizer` option takes them. The learning rate is
 * not one of them: it has one source, `fit`'s own `learningRate`.
 */
export interface OptimizerOptions {
  name: OptimizerName;
  /** Momentum's decay of the velocity (default 0.9). */
  momentum?: number;
  /** Adam's decay of the first and second moments (defaults 0.9 and 0.999). */
  beta1?: number;
  beta2?: number;
  /** Adam's guard against dividing by zero (default 1e-8). */
  epsilon?: number;
}

/** Every setting of an optimizer, the learning rate included (what it saves with its state). */
export interface OptimizerConfig extends OptimizerOptions {
  learningRate: number;
}

/** What an optimizer saves: its step count and one state buffer per parameter and slot. */
export interface OptimizerState {
  config: Required<OptimizerConfig>;
  t: number;
  /** slots[s][p] is slot s (velocity, or Adam's m then v) of parameter p, flattened. */
  slots: number[][][];
}

/** Fills in defaults and checks every number, naming the bad one. */
export function optimizerConfig(opt: OptimizerName | OptimizerOptions | undefined, learningRate: number): Required<OptimizerConfig> {
  const given: Partial<OptimizerOptions> = typeof opt === "string" || opt === undefined ? { name: opt ?? "sgd" } : opt;
  if (typeof given === "object" && given !== null && "learningRate" in given) {
    throw new RangeError(
      "optimizer: the learning rate is fit's option, not the optimizer's: " +
        `write fit(X, y, { learningRate: ${String((given as { learningRate: unknown }).learningRate)}, optimizer: { name: ${JSON.stringify(given.name)} } })`,
    );
  }
  const name = given.name;
  if (typeof name !== "string" || !(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`optimizer: unknown optimizer ${JSON.stringify(name)}; valid names are ${OPTIMIZER_NAMES.join(", ")}`);
  }
  const config: Required<OptimizerConfig> = {
    name: name as OptimizerName,
    learningRate,
    momentum: given.momentum ?? 0.9,
    beta1: given.beta1 ?? 0.9,
    beta2: given.beta2 ?? 0.999,
    epsilon: given.epsilon ?? 1e-8,
  };
  if (typeof config.learningRate !== "number" || !(config.learningRate > 0) || !Number.isFinite(config.learningRate)) {
    throw new RangeError(`learningRate must be a positive finite number, got ${String(config.learningRate)}`);
  }
  for (const key of ["momentum", "beta1", "beta2"] as const) {
    const v = config[key];
    if (typeof v !== "number" || !(v >= 0 && v < 1)) throw new RangeError(`optimizer: ${key} must be in [0, 1), got ${String(v)}`);
  }
  if (typeof config.epsilon !== "number" || !(config.epsilon > 0)) {
    throw new RangeError(`optimizer: epsilon must be a positive number, got ${String(config.epsilon)}`);
  }
  return config;
}

/**
 * Updates parameters from their gradients:
 *
 * - sgd:      p <- p - lr g
 * - momentum: v <- mu v - lr g;  p <- p + v
 * - adam:     m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
 *             p <- p - lr m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
 *
 * With a regularisation (regularization.ts), each penalised weight's gradient first becomes the
 * gradient of loss + rate R:  g <- g + rate dR/dw  (rate w for L2, rate sign(w) for L1); the
 * rule above then uses that g. (For Adam this is L2 in the gradient, not AdamW's decoupled decay.)
 * @example const opt = new Optimizer("sgd", 0.1, [W]); opt.step([W], [dW]);
 */
export class Optimizer {
  readonly config: Required<OptimizerConfig>;
  /** Steps taken so far (Adam's t). */
  t = 0;
  private readonly slots: Float64Array[][];
  /**
   * beta1^t and beta2^t for Adam's bias corrections, as running products (one multiplication a
   * step): every JavaScript engine gives the same bits for those, while Math.pow may differ in
   * the last bit between Node and a browser.
   */
  private beta1t = 1;
  private beta2t = 1;

  constructor(opt: OptimizerName | OptimizerOptions, learningRate: number, params: readonly Matrix[]) {
    this.config = optimizerConfig(opt, learningRate);
    const nSlots = this.config.name === "adam" ? 2 : this.config.name === "momentum" ? 1 : 0;
    this.slots = [];
    for (let s = 0; s < nSlots; s++) this.slots.push(params.map((p) => new Float64Array(p.size)));
  }

  /**
   * One update of every parameter in place; grads[i] has params[i]'s shape. With a
   * `regularization`, the parameters listed in `penalized` (fit passes the weights, not the
   * biases) have rate dR/dw added to their gradients first, in place.
   */
  step(params: readonly Matrix[], grads: readonly Matrix[], regularization: Regularization | null = null, penalized: readonly Matrix[] = params): void {
    const { name, learningRate: lr } = this.config;
    this.t++;
    if (regularization && regularization.rate > 0) {
      for (let k = 0; k < params.length; k++) {
        if (!penalized.includes(params[k])) continue;
        const p = params[k].data, g = grads[k].data;
        for (let i = 0; i < p.length; i++) g[i] += regularization.rate * penaltySlope(regularization.kind, p[i]); // g <- g + rate dR/dw
      }
    }
    if (name === "sgd") {
      for (let k = 0; k < params.length; k++) sgdStepInPlace(params[k], grads[k], lr); // p -= lr g
    } else if (name === "momentum") {
      const mu = this.config.momentum;
      for (let k = 0; k < params.length; k++) {
        const p = params[k].data, g = grads[k].data, v = this.slots[0][k];
        for (let i = 0; i < p.length; i++) {
          v[i] = mu * v[i] - lr * g[i];
          p[i] += v[i];
        }
      }
    } else {
      const { beta1: b1, beta2: b2, epsilon: eps } = this.config;
      this.beta1t *= b1;
      this.beta2t *= b2;
      const c1 = 1 - this.beta1t, c2 = 1 - this.beta2t; // 1 - beta^t
      for (let k = 0; k < params.length; k++) {
        const p = params[k].data, g = grads[k].data, m = this.slots[0][k], v = this.slots[1][k];
        for (let i = 0; i < p.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        }
      }
    }
  }

  /** A JSON-ready copy of the state. */
  getState(): OptimizerState {
    return { config: { ...this.config }, t: this.t, slots: this.slots.map((slot) => slot.map((a) => Array.from(a))) };
  }

  /** Restores a state saved by getState, checking that it fits these parameters. */
  setState(state: OptimizerState, where = "optimizer state"): void {
    if (!state || typeof state !== "object") throw new TypeError(`${where}: expected an object`);
    if (!Number.isInteger(state.t) || state.t < 0) throw new RangeError(`${where}: t must be a non-negative integer, got ${String(state.t)}`);
    if (!Array.isArray(state.slots) || state.slots.length !== this.slots.length) {
      throw new RangeError(`${where}: ${this.config.name} keeps ${this.slots.length} slot(s), the state has ${describeLength(state.slots)}`);
    }
    state.slots.forEach((slot, s) => {
      if (!Array.isArray(slot) || slot.length !== this.slots[s].length) {
        throw new RangeError(`${where}: slot ${s} must hold ${this.slots[s].length} parameters, has ${describeLength(slot)}`);
      }
      slot.forEach((values, k) => {
        const target = this.slots[s][k];
        if (!Array.isArray(values) || values.length !== target.length) {
          throw new RangeError(`${where}: slot ${s}, parameter ${k} must hold ${target.length} numbers, has ${describeLength(values)}`);
        }
        values.forEach((v, i) => {
          if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${where}: slot ${s}, parameter ${k}, entry ${i} is not a finite number`);
        });
      });
    });
    this.t = state.t;
    this.beta1t = this.beta2t = 1;
    for (let i = 0; i < state.t; i++) {
      this.beta1t *= this.config.beta1;
      this.beta2t *= this.config.beta2;
    }
    state.slots.forEach((slot, s) => slot.forEach((values, k) => this.slots[s][k].set(values)));
  }
}

function describeLength(x: unknown): string {
  return Array.isArray(x) ? String(x.length) : typeof x;
}
