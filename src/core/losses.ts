/**
 * Losses: how far the predictions yPred are from the targets y, and the
 * gradient dL/dyPred that starts backpropagation.
 *
 * Each loss is a (value, gradient) pair over matrices of shape (n, k). The
 * cross-entropies clip probabilities to [EPS, 1 - EPS] so that a prediction of
 * exactly 0 or 1 gives a large but finite loss, never Infinity or NaN.
 */
import type { Activation } from "./activations";
import { Matrix, shapeOf } from "./matrix";

export const LOSS_NAMES = ["mse", "sse", "binaryCrossEntropy", "crossEntropy"] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Probabilities are clipped to [EPS, 1 - EPS] inside the logarithms. */
export const EPS = 1e-12;

export interface Loss {
  readonly name: LossName;
  /** The formula, in LaTeX, for display. */
  readonly formula: string;
  /** L(yPred, y), a single number. */
  value(yPred: Matrix, y: Matrix): number;
  /** dL/dyPred, same shape as yPred, written into `out`. */
  gradient(yPred: Matrix, y: Matrix, out: Matrix): Matrix;
}

// Math.min and Math.max, not a nested conditional: in that form V8 did not inline clip into
// crossEntropy's loop, and boxing its result cost 16 bytes per row, every epoch.
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

/**
 * Mean squared error over all elements: L = (1 / nk) sum (y - yPred)^2.
 * Gradient: dL/dyPred = 2 (yPred - y) / nk.
 */
export const mse: Loss = {
  name: "mse",
  formula: "L = \\frac{1}{n}\\sum_{i=1}^{n} (y_i - \\hat y_i)^2",
  value: (yPred, y) => squaredErrors(yPred, y, "mse") / yPred.data.length,
  gradient(yPred, y, out) {
    const p = yPred.data, t = y.data, o = out.data, scale = 2 / p.length;
    for (let i = 0; i < p.length; i++) o[i] = scale * (p[i] - t[i]);
    return out;
  },
};

/**
 * Sum of squared errors (article 001): L = sum (y - yPred)^2.
 * Gradient: dL/dyPred = 2 (yPred - y).
 */
export const sse: Loss = {
  name: "sse",
  formula: "L = \\sum_{i=1}^{n} (y_i - \\hat y_i)^2",
  value: (yPred, y) => squaredErrors(yPred, y, "sse"),
  gradient(yPred, y, out) {
    const p = yPred.data, t = y.data, o = out.data;
    for (let i = 0; i < p.length; i++) o[i] = 2 * (p[i] - t[i]);
    return out;
  },
};

/**
 * Binary cross-entropy, mean over all elements, for sigmoid outputs and 0/1 targets:
 * L = -(1 / nk) sum [y log p + (1 - y) log(1 - p)].
 * Gradient: dL/dp = (p - y) / (p (1 - p) nk), with p clipped.
 */
export const binaryCrossEntropy: Loss = {
  name: "binaryCrossEntropy",
  formula: "L = -\\frac{1}{n}\\sum_{i=1}^{n} \\left[y_i \\log \\hat y_i + (1 - y_i) \\log(1 - \\hat y_i)\\right]",
  value: (yPred, y) => binaryCrossEntropySum(yPred, y) / yPred.data.length,
  gradient(yPred, y, out) {
    const p = yPred.data, t = y.data, o = out.data, n = p.length;
    for (let i = 0; i < n; i++) {
      const q = clip(p[i]);
      o[i] = (q - t[i]) / (q * (1 - q) * n);
    }
    return out;
  },
};

/**
 * Categorical cross-entropy for softmax outputs, mean over the n rows:
 * L = -(1 / n) sum_i sum_j y_ij log p_ij.
 * y is one-hot (n, k), or integer class labels (n, 1).
 * Gradient: dL/dp_ij = -y_ij / (p_ij n), with p clipped.
 */
export const crossEntropy: Loss = {
  name: "crossEntropy",
  formula: "L = -\\frac{1}{n}\\sum_{i=1}^{n}\\sum_{j=1}^{k} y_{ij} \\log \\hat y_{ij}",
  value: (yPred, y) => crossEntropySum(yPred, y) / yPred.rows,
  gradient(yPred, y, out) {
    const labels = y.cols === 1 && yPred.cols > 1;
    const p = yPred.data, o = out.data, k = yPred.cols, n = yPred.rows;
    if (labels) {
      o.fill(0);
      for (let i = 0; i < n; i++) {
        const j = i * k + (y.data[i] | 0);
        o[j] = -1 / (clip(p[j]) * n);
      }
    } else {
      for (let i = 0; i < p.length; i++) o[i] = y.data[i] === 0 ? 0 : -y.data[i] / (clip(p[i]) * n);
    }
    return out;
  },
};

/** sum (y - yPred)^2, in order: mse's and sse's sum. */
function squaredErrors(yPred: Matrix, y: Matrix, name: string): number {
  checkSameShape(yPred, y, name);
  const p = yPred.data, t = y.data;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (t[i] - p[i]) ** 2;
  return s;
}

/** -sum [y log p + (1 - y) log(1 - p)], in order, p clipped. */
function binaryCrossEntropySum(yPred: Matrix, y: Matrix): number {
  checkSameShape(yPred, y, "binaryCrossEntropy");
  const p = yPred.data, t = y.data;
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = clip(p[i]);
    s -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
  }
  return s;
}

/** -sum_i sum_j y_ij log p_ij, in order, p clipped; y one-hot or integer labels. */
function crossEntropySum(yPred: Matrix, y: Matrix): number {
  const labels = checkCrossEntropyTargets(yPred, y);
  const p = yPred.data, k = yPred.cols, n = yPred.rows;
  let s = 0;
  if (labels) {
    // `| 0`: a label read from a Float64Array is a double, and a double index costs V8 a boxed key.
    for (let i = 0; i < n; i++) s -= Math.log(clip(p[i * k + (y.data[i] | 0)]));
  } else {
    for (let i = 0; i < p.length; i++) if (y.data[i] !== 0) s -= y.data[i] * Math.log(clip(p[i]));
  }
  return s;
}

/**
 * dL/dZ for an output layer whose activation's derivative cancels against the loss's, written
 * into dZ (n, k); null for every other pair, which goes through loss.gradient and then the
 * activation's backward pass.
 * - sigmoid with binaryCrossEntropy: dL/dp = (p - y) / (p (1 - p) N) and sigmoid' = p (1 - p),
 *   so dZ = (A - y) / N, with N = n k, the number of outputs averaged over;
 * - softmax with crossEntropy: the Jacobian product of softmax's backward collapses to
 *   dZ = (A - y) / n, with y one-hot (or integer labels, read as one-hot), n the rows.
 * Exact, and stable where p is near 0 or 1 (nothing is divided by p).
 * @example fusedOutputGradient(binaryCrossEntropy, sigmoidActivation, A, y, dZ)
 */
export function fusedOutputGradient(loss: Loss, activation: Activation, A: Matrix, y: Matrix, dZ: Matrix): Matrix | null {
  const sigmoidBce = activation.name === "sigmoid" && loss.name === "binaryCrossEntropy";
  const softmaxCe = activation.name === "softmax" && loss.name === "crossEntropy";
  if (!sigmoidBce && !softmaxCe) return null;
  const a = A.data, d = dZ.data, t = y.data;
  if (softmaxCe && y.cols === 1 && A.cols > 1) {
    const n = A.rows, k = A.cols;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) d[i * k + j] = (a[i * k + j] - (j === t[i] ? 1 : 0)) / n;
    }
    return dZ;
  }
  const N = sigmoidBce ? a.length : A.rows;
  for (let i = 0; i < a.length; i++) d[i] = (a[i] - t[i]) / N;
  return dZ;
}

/** Every loss by name. */
export const losses: Readonly<Record<LossName, Loss>> = { mse, sse, binaryCrossEntropy, crossEntropy };

/**
 * Looks a loss up by name; an unknown name lists the valid ones.
 * @example getLoss("mse").value(Matrix.from([[0]]), Matrix.from([[1]])) // 1
 */
export function getLoss(name: string | Loss, where = "loss"): Loss {
  if (typeof name === "object" && name !== null && typeof name.value === "function") return name;
  if (typeof name === "string" && Object.prototype.hasOwnProperty.call(losses, name)) return losses[name as LossName];
  throw new RangeError(`${where}: unknown loss ${JSON.stringify(name)}; valid names are ${LOSS_NAMES.join(", ")}`);
}

/**
 * The first article's MSE on plain arrays: mean((yTrue - yPred)^2).
 * @example mseLoss([1, 0, 0, 1], [0, 0, 0, 0]) // 0.5
 */
export function mseLoss(yTrue: readonly number[], yPred: readonly number[]): number {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`mseLoss: yTrue has ${yTrue.length} values but yPred has ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new RangeError("mseLoss: the arrays are empty");
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return s / yTrue.length;
}

/**
 * Checks y against yPred for `loss`: the same shape, or for crossEntropy (n, 1)
 * integer labels in [0, k). Throws an error naming the shapes or the bad row.
 */
export function checkTargets(loss: Loss, yPred: Matrix, y: Matrix): void {
  if (loss.name === "crossEntropy") checkCrossEntropyTargets(yPred, y);
  else checkSameShape(yPred, y, loss.name);
}

function checkSameShape(yPred: Matrix, y: Matrix, name: string): void {
  if (yPred.rows !== y.rows || yPred.cols !== y.cols) {
    throw new RangeError(`${name}: predictions ${shapeOf(yPred)} and targets ${shapeOf(y)} must have the same shape`);
  }
}

/** True when y holds integer labels rather than one-hot rows. */
function checkCrossEntropyTargets(yPred: Matrix, y: Matrix): boolean {
  if (y.rows !== yPred.rows) {
    throw new RangeError(`crossEntropy: predictions ${shapeOf(yPred)} and targets ${shapeOf(y)} have different row counts`);
  }
  if (y.cols === yPred.cols) return false;
  if (y.cols !== 1) {
    throw new RangeError(
      `crossEntropy: targets ${shapeOf(y)} must be one-hot (${y.rows}, ${yPred.cols}) or integer labels (${y.rows}, 1)`,
    );
  }
  const k = yPred.cols;
  for (let i = 0; i < y.rows; i++) {
    const label = y.data[i];
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new RangeError(`crossEntropy: the label in row ${i} is ${label}; labels must be integers from 0 to ${k - 1}`);
    }
  }
  return true;
}
