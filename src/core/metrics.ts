/**
 * Metrics: how often a classifier is right (accuracy, error rate) and how it is wrong (confusion matrix).
 * Losses, which training differentiates, live in losses.ts; these are only for reporting.
 */
import { Matrix } from "./matrix";

/**
 * Class predictions from network outputs, as a plain array of integer labels.
 * A (n, 1) output holds probabilities of class 1: above `threshold` is 1, else 0
 * (so exactly 0.5 is 0, as NumPy's `round` gives). A (n, k) output, k >= 2, gives
 * the index of each row's largest value.
 * @example toLabels(Matrix.from([[0.9], [0.2]])) // [1, 0]
 * toLabels(Matrix.from([[0.1, 0.7, 0.2]]))       // [1]
 */
export function toLabels(yPred: Matrix, threshold = 0.5): number[] {
  checkMatrix(yPred, "toLabels", "yPred");
  for (let i = 0; i < yPred.data.length; i++) {
    if (Number.isNaN(yPred.data[i])) {
      const r = Math.floor(i / yPred.cols), c = i % yPred.cols;
      throw new RangeError(`toLabels: yPred row ${r}, column ${c} is NaN; did training diverge?`);
    }
  }
  if (yPred.cols === 1) return Array.from(yPred.data, (p) => (p > threshold ? 1 : 0));
  return yPred.argmaxRows();
}

/**
 * The fraction of rows classified correctly, in [0, 1].
 *
 * Binary: `yPred` (n, 1) probabilities, thresholded with `toLabels`, against `y` (n, 1) of 0/1.
 * Multi-class: `yPred` (n, k) scores or probabilities (argmax per row) against `y` as
 * integer labels (n, 1) in 0..k-1 or one-hot rows (n, k).
 * @example accuracy(Matrix.from([[0.9], [0.4]]), Matrix.from([[1], [1]])) // 0.5
 * accuracy(Matrix.from([[0.2, 0.8]]), Matrix.from([[1]]))               // 1
 */
export function accuracy(yPred: Matrix, y: Matrix, threshold = 0.5): number {
  const predicted = toLabels(yPred, threshold);
  const truth = trueLabels(y, yPred, "accuracy");
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) right++;
  return right / truth.length;
}

/**
 * The fraction of rows classified wrongly: `1 - accuracy(yPred, y, threshold)`.
 * For 0/1 labels this is the MSE of the rounded predictions that article 002 plots.
 * @example errorRate(Matrix.from([[0.9], [0.4]]), Matrix.from([[1], [1]])) // 0.5
 * errorRate(Matrix.from([[0.9]]), Matrix.from([[1]]))                      // 0
 */
export function errorRate(yPred: Matrix, y: Matrix, threshold = 0.5): number {
  return 1 - accuracy(yPred, y, threshold);
}

/**
 * Counts of (true class, predicted class) pairs: entry [i][j] is the number of
 * examples of class i predicted as class j, so the diagonal holds the correct ones.
 * Labels are integers in 0..classes-1; `classes` defaults to the largest label + 1.
 * Matrices of shape (n, 1) are accepted as well as arrays.
 * @example confusionMatrix([0, 1, 1], [0, 1, 0])
 * // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: readonly number[] | Matrix, yPred: readonly number[] | Matrix, classes?: number): number[][] {
  const t = asLabelArray(yTrue, "yTrue");
  const p = asLabelArray(yPred, "yPred");
  if (t.length !== p.length) {
    throw new RangeError(`confusionMatrix: yTrue has ${t.length} labels but yPred has ${p.length}`);
  }
  let k = classes;
  if (k === undefined) {
    k = 0;
    for (const v of t) k = Math.max(k, v + 1);
    for (const v of p) k = Math.max(k, v + 1);
  } else if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`confusionMatrix: classes must be a positive integer, got ${k}`);
  }
  const K = k;
  const check = (labels: number[], name: string) =>
    labels.forEach((v, i) => {
      if (v >= K) throw new RangeError(`confusionMatrix: ${name}[${i}] is ${v}, but with ${K} classes labels run 0..${K - 1}`);
    });
  check(t, "yTrue");
  check(p, "yPred");
  const out: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < t.length; i++) out[t[i]][p[i]]++;
  return out;
}

/** The true labels of `y` as integers, checked against the predictions' shape. */
function trueLabels(y: Matrix, yPred: Matrix, what: string): number[] {
  checkMatrix(y, what, "y");
  if (y.rows !== yPred.rows) {
    throw new RangeError(`${what}: yPred is ${yPred.shape} but y is ${y.shape}; they need the same number of rows`);
  }
  if (y.rows === 0) throw new RangeError(`${what}: no rows to score (yPred is ${yPred.shape})`);
  const k = yPred.cols;
  if (y.cols === 1) {
    const labels = Array.from(y.data);
    const top = k === 1 ? 1 : k - 1;
    labels.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v > top) {
        const expected = k === 1 ? "0 or 1 (binary labels for a (n, 1) yPred)" : `an integer label in 0..${top}`;
        throw new RangeError(`${what}: y row ${i} is ${v}, expected ${expected}`);
      }
    });
    return labels;
  }
  if (y.cols === k) {
    const labels = new Array<number>(y.rows);
    for (let i = 0; i < y.rows; i++) {
      let hot = -1;
      for (let j = 0; j < k; j++) {
        const v = y.data[i * k + j];
        if (v === 1 && hot < 0) hot = j;
        else if (v !== 0) {
          throw new RangeError(`${what}: y row ${i} is not one-hot (${y.rowAt(i).join(", ")}); it needs a single 1 and zeros`);
        }
      }
      if (hot < 0) throw new RangeError(`${what}: y row ${i} is all zeros, not one-hot`);
      labels[i] = hot;
    }
    return labels;
  }
  throw new RangeError(
    `${what}: y is ${y.shape} but yPred is ${yPred.shape}; y must be labels (${yPred.rows}, 1)` +
      (k > 1 ? ` or one-hot (${yPred.rows}, ${k})` : ""),
  );
}

function asLabelArray(v: readonly number[] | Matrix, name: string): number[] {
  let labels: number[];
  if (v instanceof Matrix) {
    if (v.cols !== 1) throw new RangeError(`confusionMatrix: ${name} is a matrix of shape ${v.shape}; pass labels (n, 1) or use toLabels first`);
    labels = Array.from(v.data);
  } else if (Array.isArray(v)) {
    labels = v.slice();
  } else {
    throw new TypeError(`confusionMatrix: ${name} must be an array of labels or an (n, 1) Matrix`);
  }
  labels.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0) {
      throw new RangeError(`confusionMatrix: ${name}[${i}] is ${String(x)}, not a non-negative integer label`);
    }
  });
  return labels;
}

function checkMatrix(m: unknown, what: string, name: string): asserts m is Matrix {
  if (!(m instanceof Matrix)) throw new TypeError(`${what}: ${name} must be a Matrix, got ${m === null ? "null" : typeof m}`);
}
