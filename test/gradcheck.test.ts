// Every backward pass against central finite differences, on random networks of random shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACTIVATION_NAMES, gradientCheck, LOSS_NAMES, Matrix, Network, RandomState } from "../src/index";

const rng = new RandomState(2024);

/** Targets that suit the loss: probabilities need 0/1 or one-hot, the squared errors anything. */
function targetsFor(loss: string, n: number, k: number, labels: boolean): Matrix {
  if (loss === "crossEntropy") {
    if (labels) return Matrix.column(Array.from({ length: n }, () => rng.integer(k)));
    const y = new Matrix(n, k);
    for (let i = 0; i < n; i++) y.set(i, rng.integer(k), 1);
    return y;
  }
  if (loss === "binaryCrossEntropy") return new Matrix(n, k).map(() => rng.integer(2));
  return rng.randn(n, k);
}

/**
 * Random weights, biases and inputs such that the pre-activations in every ReLU-like layer are at least 0.002 from the kink at 0,
 * where the derivative jumps and a finite difference across it means nothing.
 */
function awayFromKinks(net: Network, n: number, nIn: number): Matrix {
  for (let attempt = 0; attempt < 1000; attempt++) {
    for (const layer of net.layers) {
      layer.W.copyFrom(rng.normal(0, 1 / Math.sqrt(layer.nIn), layer.nIn, layer.nOut));
      if (layer.b) layer.b.copyFrom(rng.normal(0, 0.5, 1, layer.nOut));
    }
    const X = rng.randn(n, nIn);
    net.predict(X);
    const nearKink = net.layers.some(
      (l) => (l.activation.name === "relu" || l.activation.name === "leakyRelu") && l.preActivation.data.some((z) => Math.abs(z) < 0.002),
    );
    if (!nearKink) return X;
  }
  throw new Error("could not draw inputs away from the ReLU kinks");
}

for (const loss of LOSS_NAMES) {
  // The cross-entropies take probabilities, so their output layer is sigmoid or softmax.
  const outputs = loss === "binaryCrossEntropy" || loss === "crossEntropy" ? ["sigmoid", "softmax"] : ACTIVATION_NAMES;
  for (const hidden of ACTIVATION_NAMES) {
    for (const output of outputs) {
      test(`gradients match finite differences: hidden ${hidden}, output ${output}, loss ${loss}`, () => {
        for (let trial = 0; trial < 2; trial++) {
          const depth = 1 + rng.integer(3);
          const sizes = [1 + rng.integer(4)];
          for (let l = 0; l < depth; l++) sizes.push(1 + rng.integer(5));
          if (output === "softmax" || loss === "crossEntropy") sizes[depth] = Math.max(2, sizes[depth]);
          const activations = sizes.slice(1).map((_, l) => (l === depth - 1 ? output : hidden));
          const net = new Network({ sizes, activations, init: "xavier", seed: rng.integer(1000), bias: rng.random() < 0.8 });
          const n = 1 + rng.integer(6);
          const X = awayFromKinks(net, n, sizes[0]);
          const y = targetsFor(loss, n, sizes[depth], trial === 1);
          const result = gradientCheck(net, X, y, loss);
          assert.ok(
            result.maxRelativeError < 1e-6,
            `sizes ${JSON.stringify(sizes)}: ${JSON.stringify(result.params.filter((p) => p.maxRelativeError >= 1e-6))}`,
          );
        }
      });
    }
  }
}

test("the gradient check catches a wrong gradient", () => {
  const net = new Network({ sizes: [2, 3, 1], activations: ["tanh", "sigmoid"], seed: 3 });
  const X = rng.randn(4, 2), y = rng.rand(4, 1);
  const honest = gradientCheck(net, X, y, "mse");
  assert.ok(honest.maxRelativeError < 1e-6);
  // Scale the loss's gradient by 2, the kind of slip article 002's W/b mismatch is made of.
  const wrong = {
    name: "mse" as const,
    formula: "",
    value: (p: Matrix, t: Matrix) => p.sub(t).map((d) => d * d).mean(),
    gradient: (p: Matrix, t: Matrix, out: Matrix) => out.copyFrom(p.sub(t).scale(4 / p.size)),
  };
  assert.ok(gradientCheck(net, X, y, wrong).maxRelativeError > 0.1);
});
