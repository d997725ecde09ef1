/**
 * Activation functions as named (forward, backward) pairs over matrices.
 *
 * forward computes A = f(Z); backward turns dA = dL/dA into dZ = dL/dZ. Both
 * write into an output buffer and never change their inputs (article 002's
 * ReLU derivative overwrote its argument; ours does not).
 */
import { Matrix } from "./matrix";

export const ACTIVATION_NAMES = ["sigmoid", "relu", "tanh", "leakyRelu", "softmax", "linear"] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** The slope of leaky ReLU for negative inputs. */
export const LEAKY_RELU_SLOPE = 0.01;

export interface Activation {
  readonly name: ActivationName;
  /** The formula, in LaTeX, for display. */
  readonly formula: string;
  /** A = f(Z), written into `out` (same shape as Z). */
  forward(Z: Matrix, out: Matrix): Matrix;
  /** dZ = dA * f'(Z) (a Jacobian product for softmax), written into `out`. Uses the cached A. */
  backward(Z: Matrix, A: Matrix, dA: Matrix, out: Matrix): Matrix;
  /** f on one number; undefined for softmax, whose output depends on a whole row. */
  readonly f?: (z: number) => number;
  /** f'(z) on one number; undefined for softmax. */
  readonly df?: (z: number) => number;
}

const sigmoidF = (z: number) => 1 / (1 + Math.exp(-z));

/** sigmoid(z) = 1 / (1 + e^-z); sigmoid'(z) = a (1 - a) with a = sigmoid(z). */
export const sigmoidActivation: Activation = {
  name: "sigmoid",
  formula: "\\sigma(z) = \\frac{1}{1 + e^{-z}}, \\quad \\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))",
  f: sigmoidF,
  df: (z) => {
    const a = sigmoidF(z);
    return a * (1 - a);
  },
  forward(Z, out) {
    const z = Z.data, a = out.data;
    for (let i = 0; i < z.length; i++) a[i] = 1 / (1 + Math.exp(-z[i]));
    return out;
  },
  backward(_Z, A, dA, out) {
    // The derivative is expressed through the output a, which the forward pass cached.
    const a = A.data, g = dA.data, o = out.data;
    for (let i = 0; i < a.length; i++) o[i] = g[i] * a[i] * (1 - a[i]);
    return out;
  },
};

/** relu(z) = max(0, z); relu'(z) = 1 if z > 0 else 0 (we take 0 at the kink). */
export const reluActivation: Activation = {
  name: "relu",
  formula: "\\mathrm{relu}(z) = \\max(0, z), \\quad \\mathrm{relu}'(z) = \\begin{cases} 1 & z > 0 \\\\ 0 & z \\le 0 \\end{cases}",
  f: (z) => (z > 0 ? z : 0),
  df: (z) => (z > 0 ? 1 : 0),
  forward(Z, out) {
    const z = Z.data, a = out.data;
    for (let i = 0; i < z.length; i++) a[i] = z[i] > 0 ? z[i] : 0;
    return out;
  },
  backward(Z, _A, dA, out) {
    const z = Z.data, g = dA.data, o = out.data;
    for (let i = 0; i < z.length; i++) o[i] = z[i] > 0 ? g[i] : 0;
    return out;
  },
};

/** tanh(z); tanh'(z) = 1 - tanh(z)^2. */
export const tanhActivation: Activation = {
  name: "tanh",
  formula: "\\tanh(z) = \\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}, \\quad \\tanh'(z) = 1 - \\tanh^2(z)",
  f: Math.tanh,
  df: (z) => 1 - Math.tanh(z) ** 2,
  forward(Z, out) {
    const z = Z.data, a = out.data;
    for (let i = 0; i < z.length; i++) a[i] = Math.tanh(z[i]);
    return out;
  },
  backward(_Z, A, dA, out) {
    const a = A.data, g = dA.data, o = out.data;
    for (let i = 0; i < a.length; i++) o[i] = g[i] * (1 - a[i] * a[i]);
    return out;
  },
};

/** leakyRelu(z) = z if z > 0 else 0.01 z; its derivative is 1 or 0.01. */
export const leakyReluActivation: Activation = {
  name: "leakyRelu",
  formula: `\\mathrm{leakyRelu}(z) = \\begin{cases} z & z > 0 \\\\ ${LEAKY_RELU_SLOPE}\\,z & z \\le 0 \\end{cases}`,
  f: (z) => (z > 0 ? z : LEAKY_RELU_SLOPE * z),
  df: (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE),
  forward(Z, out) {
    const z = Z.data, a = out.data;
    for (let i = 0; i < z.length; i++) a[i] = z[i] > 0 ? z[i] : LEAKY_RELU_SLOPE * z[i];
    return out;
  },
  backward(Z, _A, dA, out) {
    const z = Z.data, g = dA.data, o = out.data;
    for (let i = 0; i < z.length; i++) o[i] = z[i] > 0 ? g[i] : LEAKY_RELU_SLOPE * g[i];
    return out;
  },
};

/**
 * softmax(z)_j = e^(z_j - max z) / sum_k e^(z_k - max z), row by row.
 *
 * Subtracting the row's maximum changes nothing mathematically and keeps e^x
 * from overflowing at large inputs. The backward pass is the Jacobian-vector
 * product dZ_j = a_j (dA_j - sum_k dA_k a_k).
 */
export const softmaxActivation: Activation = {
  name: "softmax",
  formula: "\\mathrm{softmax}(z)_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}, \\quad \\frac{\\partial a_j}{\\partial z_i} = a_j(\\delta_{ij} - a_i)",
  forward(Z, out) {
    const z = Z.data, a = out.data, cols = Z.cols;
    for (let i = 0; i < Z.rows; i++) {
      const o = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (z[o + j] > max) max = z[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[o + j] - max);
        a[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < cols; j++) a[o + j] /= sum;
    }
    return out;
  },
  backward(_Z, A, dA, out) {
    const a = A.data, g = dA.data, o = out.data, cols = A.cols;
    for (let i = 0; i < A.rows; i++) {
      const r = i * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += g[r + j] * a[r + j];
      for (let j = 0; j < cols; j++) o[r + j] = a[r + j] * (g[r + j] - dot);
    }
    return out;
  },
};

/** linear(z) = z (no activation); derivative 1. */
export const linearActivation: Activation = {
  name: "linear",
  formula: "\\mathrm{linear}(z) = z, \\quad \\mathrm{linear}'(z) = 1",
  f: (z) => z,
  df: () => 1,
  forward(Z, out) {
    out.data.set(Z.data);
    return out;
  },
  backward(_Z, _A, dA, out) {
    out.data.set(dA.data);
    return out;
  },
};

/** Every activation by name. */
export const activations: Readonly<Record<ActivationName, Activation>> = {
  sigmoid: sigmoidActivation,
  relu: reluActivation,
  tanh: tanhActivation,
  leakyRelu: leakyReluActivation,
  softmax: softmaxActivation,
  linear: linearActivation,
};

/**
 * Looks an activation up by name; an unknown name lists the valid ones.
 * @example getActivation("relu").f!(-2) // 0
 */
export function getActivation(name: string | Activation, where = "activation"): Activation {
  if (typeof name === "object" && name !== null && typeof name.forward === "function") return name;
  if (typeof name === "string" && Object.prototype.hasOwnProperty.call(activations, name)) {
    return activations[name as ActivationName];
  }
  throw new RangeError(`${where}: unknown activation ${JSON.stringify(name)}; valid names are ${ACTIVATION_NAMES.join(", ")}`);
}

/**
 * A = f(Z) as a new matrix: the readable form for notebooks.
 * @example activate("relu", Matrix.from([[-1, 2]])).toArray() // [[0, 2]]
 */
export function activate(name: ActivationName | Activation, Z: Matrix): Matrix {
  return getActivation(name).forward(Z, new Matrix(Z.rows, Z.cols));
}

/**
 * f'(Z) element by element, as a new matrix (what a plot of the derivative shows).
 * For softmax this is the diagonal of the Jacobian, a_j (1 - a_j).
 * @example activationDerivative("sigmoid", Matrix.from([[0]])).toArray() // [[0.25]]
 */
export function activationDerivative(name: ActivationName | Activation, Z: Matrix): Matrix {
  const act = getActivation(name);
  const A = act.forward(Z, new Matrix(Z.rows, Z.cols));
  if (act.name === "softmax") return A.map((a) => a * (1 - a));
  const ones = Matrix.filled(Z.rows, Z.cols, 1);
  return act.backward(Z, A, ones, new Matrix(Z.rows, Z.cols));
}
