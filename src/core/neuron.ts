/**
 * The first article's scalar pieces: the sigmoid and a single neuron.
 * Plain numbers and arrays only; the matrix versions live in activations.ts and layer.ts.
 */

/**
 * The sigmoid (logistic) function, squashing any real number into (0, 1).
 *
 * sigmoid(x) = 1 / (1 + e^(-x))
 * @example sigmoid(0) // 0.5
 */
export function sigmoid(x: number): number {
  // For very negative x, e^(-x) overflows to Infinity and 1/Infinity is 0: no NaN.
  return 1 / (1 + Math.exp(-x));
}

/**
 * The sigmoid's derivative with respect to its input x.
 *
 * sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))
 * @example sigmoidDerivative(0) // 0.25
 */
export function sigmoidDerivative(x: number): number {
  const fx = sigmoid(x);
  return fx * (1 - fx);
}

/**
 * One neuron: a weighted sum of its inputs plus a bias, passed through the sigmoid.
 *
 * feedforward(x) = sigmoid(w . x + b)
 * @example new Neuron([0, 1], 4).feedforward([2, 3]) // 0.9990889488055994
 */
export class Neuron {
  readonly weights: readonly number[];
  readonly bias: number;

  constructor(weights: readonly number[], bias: number) {
    if (!Array.isArray(weights) || weights.length === 0 || weights.some((w) => !Number.isFinite(w))) {
      throw new TypeError(`Neuron: weights must be a non-empty array of finite numbers, got ${JSON.stringify(weights)}`);
    }
    if (!Number.isFinite(bias)) throw new TypeError(`Neuron: bias must be a finite number, got ${bias}`);
    this.weights = [...weights];
    this.bias = bias;
  }

  /** The neuron's total input before the activation: w . x + b. */
  total(inputs: readonly number[]): number {
    if (inputs.length !== this.weights.length) {
      throw new RangeError(`Neuron: got ${inputs.length} inputs but the neuron has ${this.weights.length} weights`);
    }
    let total = this.bias;
    for (let i = 0; i < inputs.length; i++) total += this.weights[i] * inputs[i];
    return total;
  }

  /** The neuron's output: sigmoid(w . x + b). */
  feedforward(inputs: readonly number[]): number {
    return sigmoid(this.total(inputs));
  }
}
