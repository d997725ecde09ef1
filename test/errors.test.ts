// Every error a learner can trigger in the library, and its message: what is wrong and where.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Layer, matmulInto, Matrix, Network, getActivation, getLoss, Optimizer, Neuron, mseLoss, type OptimizerOptions } from "../src/index";

const net = () => new Network({ sizes: [2, 3, 1], activations: ["relu", "sigmoid"], seed: 0 });
const X = [[1, 2], [3, 4], [5, 6]];
const y = [0, 1, 0];

test("matmul of (300, 2) by (3, 4) names both shapes", () => {
  assert.throws(() => new Matrix(300, 2).matmul(new Matrix(3, 4)), {
    message: "matmul: cannot multiply (300, 2) by (3, 4): the left matrix has 2 columns but the right one has 3 rows",
  });
  assert.throws(() => matmulInto(new Matrix(300, 2), new Matrix(3, 4), new Matrix(300, 4)), /\(300, 2\) by \(3, 4\)/);
  assert.throws(() => matmulInto(new Matrix(2, 3), new Matrix(3, 4), new Matrix(2, 5)), /result is \(2, 4\) but the output buffer is \(2, 5\)/);
});

test("element-wise operations name both shapes and what would fit", () => {
  assert.throws(() => new Matrix(3, 2).add(new Matrix(2, 2)), {
    message: "add: shapes (3, 2) and (2, 2) do not match; the right side must be (3, 2), a row (1, 2) or a column (3, 1)",
  });
  assert.throws(() => Matrix.from([[1, 2], [3]]), /row 1 has 1 values but row 0 has 2/);
  assert.throws(() => Matrix.from([[1, "x" as unknown as number]]), /row 0, column 1 is "x", not a number/);
  assert.throws(() => new Matrix(2, 2).get(2, 0), /index \(2, 0\) is outside a matrix of shape \(2, 2\)/);
  assert.throws(() => new Matrix(-1, 2), /non-negative integers, got \(-1, 2\)/);
});

test("sizes and activations of different lengths", () => {
  assert.throws(() => new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "sigmoid"] }), {
    message: "Network: 4 sizes need 3 activations (one per layer after the inputs), got 2",
  });
  assert.throws(() => new Network({ sizes: [2], activations: [] }), /at least two layer sizes/);
  assert.throws(() => new Network({ sizes: [2, 0, 1], activations: ["relu", "relu"] }), /sizes\[1\] must be a positive integer, got 0/);
});

test("unknown activation, loss, optimizer and initialiser list the valid names", () => {
  assert.throws(() => new Network({ sizes: [2, 1], activations: ["sigmod"] }), {
    message: 'Network: activation of layer 0: unknown activation "sigmod"; valid names are sigmoid, relu, tanh, leakyRelu, softmax, linear',
  });
  assert.throws(() => getActivation("swish"), /valid names are sigmoid, relu, tanh, leakyRelu, softmax, linear/);
  assert.throws(() => getLoss("mae"), { message: 'loss: unknown loss "mae"; valid names are mse, sse, binaryCrossEntropy, crossEntropy' });
  assert.throws(() => net().fit(X, y, { epochs: 1, learningRate: 0.1, loss: "hinge" as never }), /unknown loss "hinge"; valid names are mse, sse/);
  assert.throws(() => net().fit(X, y, { epochs: 1, learningRate: 0.1, optimizer: "rmsprop" as never }), {
    message: 'optimizer: unknown optimizer "rmsprop"; valid names are sgd, momentum, adam',
  });
  assert.throws(() => new Network({ sizes: [2, 1], activations: ["relu"], init: "zeros" as never }), /unknown init "zeros"; valid names are truncatedNormal, uniform, normal, xavier, he/);
});

test("X and y with different row counts, and X with the wrong number of columns", () => {
  assert.throws(() => net().fit(X, [0, 1], { epochs: 1, learningRate: 0.1 }), { message: "fit: X has 3 rows but y has 2; they must match" });
  assert.throws(() => net().predict([[1, 2, 3]]), { message: "predict: X has shape (1, 3) but the network takes 2 inputs (columns)" });
  assert.throws(() => net().fit(X, [[0, 1], [1, 0], [0, 1]], { epochs: 1, learningRate: 0.1 }), /mse: predictions \(3, 1\) and targets \(3, 2\) must have the same shape/);
});

test("NaN or Infinity in the data names the row and column", () => {
  assert.throws(() => net().fit([[1, 2], [3, NaN]], [0, 1], { epochs: 1, learningRate: 0.1 }), {
    message: "fit: X has NaN at row 1, column 1; data must be finite numbers",
  });
  assert.throws(() => net().fit(X, [0, Infinity, 1], { epochs: 1, learningRate: 0.1 }), /fit: y has Infinity at row 1, column 0/);
  assert.throws(() => net().predict([[Infinity, 0]]), /predict: X has Infinity at row 0, column 0/);
});

test("a learning rate that is not a positive number", () => {
  for (const lr of [0, -0.1, NaN, Infinity, "0.1" as unknown as number]) {
    assert.throws(() => net().fit(X, y, { epochs: 1, learningRate: lr }), /fit: learningRate must be a positive number, got/);
  }
  assert.throws(() => net().fit(X, y, { epochs: 1.5, learningRate: 0.1 }), /epochs must be a non-negative integer, got 1.5/);
  assert.throws(() => net().fit(X, y, { epochs: 1, learningRate: 0.1, batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => new Optimizer({ name: "adam", beta1: 1 }, 0.1, []), /beta1 must be in \[0, 1\), got 1/);
  // The learning rate has one source, fit's: an optimizer object may not carry its own.
  const withRate = { name: "adam", learningRate: 0.001 } as unknown as OptimizerOptions;
  assert.throws(() => net().fit(X, y, { epochs: 1, learningRate: 0.1, optimizer: withRate }), {
    message: 'optimizer: the learning rate is fit\'s option, not the optimizer\'s: write fit(X, y, { learningRate: 0.001, optimizer: { name: "adam" } })',
  });
});

test("cross-entropy on an output that is not a probability", () => {
  const reg = new Network({ sizes: [2, 1], activations: ["linear"] });
  assert.throws(() => reg.fit(X, y, { epochs: 1, learningRate: 0.1, loss: "binaryCrossEntropy" }), {
    message: "binaryCrossEntropy needs probabilities: the last layer's activation is linear; use sigmoid (or softmax for several classes)",
  });
  const clf = new Network({ sizes: [2, 3], activations: ["softmax"] });
  assert.throws(() => clf.fit(X, [0, 3, 1], { epochs: 1, learningRate: 0.1, loss: "crossEntropy" }), {
    message: "crossEntropy: the label in row 1 is 3; labels must be integers from 0 to 2",
  });
  assert.throws(() => clf.fit(X, [[1, 0], [0, 1], [1, 0]], { epochs: 1, learningRate: 0.1, loss: "crossEntropy" }), /targets \(3, 2\) must be one-hot \(3, 3\) or integer labels \(3, 1\)/);
});

test("fromJSON of a malformed or inconsistent document names the layer and field", () => {
  const good = { weights: [[1], [2]], biases: [0], activation: "sigmoid" };
  const cases: [unknown, RegExp | string][] = [
    ["{not json", /the text is not valid JSON/],
    [{}, 'Network.fromJSON: expected an object with a "layers" array'],
    [{ layers: [] }, 'Network.fromJSON: "layers" is empty'],
    [{ layers: [{ ...good, biases: [0, 1] }] }, 'Network.fromJSON: layer 0: "biases" has 2 values but "weights" has 1 columns (neurons)'],
    [{ layers: [{ ...good, weights: [[1], [2, 3]] }] }, /layer 0: "weights": row 1 has 2 values but row 0 has 1/],
    [{ layers: [{ ...good, weights: [[1], ["2"]] }] }, /layer 0: "weights": row 1, column 0 is "2", not a number/],
    [{ layers: [{ ...good, activation: "softplus" }] }, /layer 0: unknown activation "softplus"; valid names are sigmoid/],
    [{ layers: [{ ...good, biases: [NaN] }] }, /layer 0: "biases" has NaN at row 0, column 0/],
    [{ layers: [good, "oops"] }, /layer 1 must be an object with weights, biases and activation/],
    [{ layers: [{ ...good, weights: 5 }] }, /layer 0: "weights" must be a non-empty array of rows/],
  ];
  for (const [json, expected] of cases) {
    assert.throws(() => Network.fromJSON(json), typeof expected === "string" ? { message: expected } : expected, String(expected));
  }
});

test("fromJSON rejects a second layer whose inputs do not match", () => {
  const json = {
    layers: [
      { weights: [[1, 2], [3, 4]], biases: [0, 0], activation: "relu" },
      { weights: [[1], [2], [3]], biases: [0], activation: "sigmoid" },
    ],
  };
  assert.throws(() => Network.fromJSON(json), { message: "Network: layer 1 takes 3 inputs but layer 0 gives 2" });
});

test("diverging training stops naming the epoch, and keeps the last finite parameters", () => {
  const reg = new Network({ sizes: [1, 1], activations: ["linear"], seed: 0 });
  const Xs = [[1], [2], [3]], ys = [2, 4, 6];
  let before: string | undefined;
  const epochsSeen: number[] = [];
  assert.throws(
    () =>
      reg.fit(Xs, ys, {
        epochs: 5000,
        learningRate: 5,
        onEpoch: (epoch) => {
          epochsSeen.push(epoch);
          before = JSON.stringify(reg.toJSON().layers);
        },
      }),
    (e: Error) => {
      const epoch = epochsSeen.length; // the first epoch whose loss was not finite
      assert.equal(
        e.message,
        `fit: the loss became Infinity at epoch ${epoch} (learning rate 5); training stopped and the network keeps ` +
          "its parameters from before that epoch. Try a lower learning rate, such as 0.5.",
      );
      return true;
    },
  );
  assert.ok(epochsSeen.length > 10);
  assert.equal(JSON.stringify(reg.toJSON().layers), before);
  for (const v of [...reg.layers[0].W.data, ...reg.layers[0].b!.data]) assert.ok(Number.isFinite(v));
});

test("the first article's pieces check their inputs", () => {
  assert.throws(() => new Neuron([0, 1], 4).feedforward([2]), { message: "Neuron: got 1 inputs but the neuron has 2 weights" });
  assert.throws(() => new Neuron([], 0), /weights must be a non-empty array of finite numbers/);
  assert.throws(() => mseLoss([1, 0], [0]), { message: "mseLoss: yTrue has 2 values but yPred has 1" });
});

test("a layer's backward passes before any forward pass say so", () => {
  const layer = new Layer(Matrix.filled(2, 3, 0.5), new Matrix(1, 3), "relu");
  const message = "Layer: backward needs a forward pass first";
  assert.throws(() => layer.backward(new Matrix(4, 3)), { message });
  assert.throws(() => layer.backwardFromDZ(new Matrix(4, 3)), { message });
});

test("a layer's backward pass given a dA or dZ of the wrong shape names both shapes", () => {
  const layer = new Layer(Matrix.filled(2, 3, 0.5), new Matrix(1, 3), "relu");
  layer.forward(Matrix.filled(4, 2, 1));
  assert.throws(() => layer.backward(new Matrix(5, 3)), { message: "Layer: dA has shape (5, 3) but the last forward pass gave A (4, 3)" });
  assert.throws(() => layer.backwardFromDZ(new Matrix(4, 2)), { message: "Layer: dZ has shape (4, 2) but the last forward pass gave Z (4, 3)" });
});
