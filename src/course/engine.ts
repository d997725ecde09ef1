/**
 * The library's version of each engine exercise of the course, with the exercise's own signature.
 *
 * In the student edition the learner writes these pieces (sigma, layerForward, feedforward,
 * backwardOne, ...). Until an exercise passes its check, the notebook's later cells run on the
 * version here instead, through `yours(name, mine, libraryVersions.name)`, so an unfinished
 * exercise never stops the rest of the notebook. Each one is built from the library's own parts
 * (Layer, Network.gradients, Network.fit), never from the exercise's solution, so the checks
 * compare two independent computations.
 */
import { initialParams } from "../core/init";
import { Layer } from "../core/layer";
import { mseLoss } from "../core/losses";
import { Matrix } from "../core/matrix";
import { RandomState } from "../numerics/random";
import { Network } from "../core/network";
import { Neuron, sigmoid, sigmoidDerivative } from "../core/neuron";
import { PARAM_NAMES, Params, buildNetwork, paramsOf } from "./helpers";

/** A layer as the learner keeps it in notebook 02: W (nIn, nOut), b (1, nOut), f on each entry. */
export interface PlainLayer {
  W: Matrix;
  b: Matrix;
  f: (z: number) => number;
}

/** The values Zhou's forward pass keeps for one person (notebook 04's `forwardOne`). */
export interface ForwardValues {
  zH1: number;
  zH2: number;
  h1: number;
  h2: number;
  zO: number;
  yPred: number;
}

/**
 * One layer forward: A = f(XW + b). X: (N, nIn), W: (nIn, nOut), b: (1, nOut) -> A: (N, nOut).
 * XW + b comes from the library's Layer (with the identity as its activation), then f per entry.
 */
function layerForward(X: Matrix, W: Matrix, b: Matrix, f: (z: number) => number): Matrix {
  return new Layer(W, b, "linear").forward(X).map(f);
}

/** The feedforward loop: A_0 = X, A_l = f_l(A_{l-1} W_l + b_l); returns the last A, (N, nOut). */
function feedforward(layers: PlainLayer[], X: Matrix): Matrix {
  return layers.reduce((A, layer) => layerForward(A, layer.W, layer.b, layer.f), X);
}

/** Zhou's neuron: σ(w · x + b), by the library's `Neuron`. */
function neuronOutput(weights: number[], bias: number, inputs: number[]): number {
  return new Neuron(weights, bias).feedforward(inputs);
}

/**
 * The nine gradients of (y − ŷ)² for one person x (two numbers), from the library's
 * backpropagation. The forward values `f` are not needed: the library recomputes them.
 */
function backwardOne(q: Params, x: number[], yTrue: number, _f?: ForwardValues): Params {
  return paramsOf(buildNetwork(q).gradients([x], [yTrue], "mse"));
}

/**
 * The gradients of the MSE over the N rows of X for the 2-2-1 sigmoid network given as matrices:
 * dW1 (2, 2), db1 (1, 2), dW2 (2, 1), db2 (1, 1), shaped like W1, b1, W2, b2.
 */
function backpropBatch(X: Matrix, y: Matrix, W1: Matrix, b1: Matrix, W2: Matrix, b2: Matrix) {
  const net = new Network([new Layer(W1, b1, "sigmoid"), new Layer(W2, b2, "sigmoid")]);
  const [hidden, output] = net.gradients(X, y, "mse");
  return { dW1: hidden.dW, db1: hidden.db!, dW2: output.dW, db2: output.db! };
}

/**
 * Zhou's loop by the library's `fit`: one person at a time, in table order, plain SGD on the MSE.
 * Returns the nine trained numbers and the MSE over all rows after each epoch.
 */
function trainPerPerson(p0: Params, X: number[][], ys: number[], epochs: number, learningRate: number) {
  const net = buildNetwork(p0);
  const { loss } = net.fit(X, ys, { epochs, learningRate, loss: "mse", optimizer: "sgd", batchSize: 1, shuffle: false });
  return { params: paramsOf(net), loss };
}

/**
 * Loy's loop by the library's `fit`: a network without biases, W1 (nIn, nHidden), W2 (nHidden, 1),
 * every row in each step, plain gradient descent on the sum of squared errors.
 */
function trainFullBatch(X: Matrix, y: Matrix, W1start: Matrix, W2start: Matrix, iterations: number, learningRate: number) {
  const net = new Network([new Layer(W1start, null, "sigmoid"), new Layer(W2start, null, "sigmoid")]);
  const { loss } = net.fit(X, y, { epochs: iterations, learningRate, loss: "sse", optimizer: "sgd" });
  return { W1: net.layers[0].W.clone(), W2: net.layers[1].W.clone(), loss };
}

/**
 * Fernández's `capa`: a layer from nIn inputs to nOut units whose W (nIn, nOut), then b (1, nOut),
 * are drawn from a standard normal truncated to [-1, 1] and rounded to 3 decimals, from `rng`.
 */
function capa(nIn: number, nOut: number, activation: string, rng: RandomState): Layer {
  const { W, b } = initialParams("truncatedNormal", nIn, nOut, true, rng);
  return new Layer(W, b, activation);
}

/** Every layer's output for X, the input first: [X, A_1, ..., A_L], by the library's `predict`. */
function forwardAll(net: Network, X: Matrix): Matrix[] {
  net.predict(X);
  return [X, ...net.layers.map((layer) => layer.output.clone())];
}

/**
 * Fernández's training directions from the library's exact MSE gradient. His δ is the exact one
 * times N/2 (his error's "derivative" is ŷ − y where the MSE's is 2(ŷ − y)/N); his weight step
 * sums δ over the rows (N/2 times ∂L/∂W) and his bias step averages it (1/2 times ∂L/∂b).
 */
function articleDirections(net: Network, X: Matrix, y: Matrix) {
  const yHat = net.predict(X);
  const grads = net.gradients(X, y, "mse");
  const dirs = grads.map((g) => ({ dW: g.dW.scale(X.rows / 2), db: g.db!.scale(1 / 2) }));
  return { yHat, dirs };
}

/** One epoch of Fernández's rule, in place: W ← W − lr·dirW, b ← b − lr·dirb. Returns ŷ before the step. */
function articleStep(net: Network, X: Matrix, y: Matrix, lr: number): Matrix {
  const { yHat, dirs } = articleDirections(net, X, y);
  net.layers.forEach((layer, l) => {
    layer.W.copyFrom(layer.W.sub(dirs[l].dW.scale(lr)));
    layer.b!.copyFrom(layer.b!.sub(dirs[l].db.scale(lr)));
  });
  return yHat;
}

/** The library's version of every engine exercise, by the exercise's name. */
export const libraryVersions = {
  sigma: sigmoid,
  sigmaSlope: sigmoidDerivative,
  neuronOutput,
  layerForward,
  feedforward,
  meanSquaredError: mseLoss,
  backwardOne,
  backpropBatch,
  trainPerPerson,
  trainFullBatch,
  capa,
  forwardAll,
  articleDirections,
  articleStep,
};

/** The nine numbers of a trained 2-2-1 network as an array in PARAM_NAMES order (for comparisons). */
export function paramList(p: Params): number[] {
  return PARAM_NAMES.map((n) => p[n]);
}
