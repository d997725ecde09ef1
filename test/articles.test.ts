// Every number the three articles print (or that their code gives under NumPy's seed) is a test here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildNetwork, Matrix, mseLoss, Network, Neuron, PARAM_NAMES, paramsOf, RandomState, sigmoid, startingParams } from "../src/index";

/** |actual - expected| <= rel * |expected|. */
function assertClose(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (rel ${rel})`);
}

const PEOPLE_X = [[-2, -1], [25, 6], [17, 4], [-15, -6]]; // weight - 135 lb, height - 66 in
const PEOPLE_Y = [1, 0, 0, 1]; // 1 = female
const EMILY = [-7, -3];
const FRANK = [20, 2];

test("article 000: a neuron with w=[0,1], b=4 gives 0.9990889488055994 at x=[2,3]", () => {
  assert.equal(new Neuron([0, 1], 4).feedforward([2, 3]), 0.9990889488055994);
});

test("article 000: the 2-2-1 network with every w=[0,1], b=0 gives 0.7216325609518421", () => {
  const h = new Neuron([0, 1], 0);
  const o = new Neuron([0, 1], 0);
  const x = [2, 3];
  assert.equal(o.feedforward([h.feedforward(x), h.feedforward(x)]), 0.7216325609518421);
  const net = Network.fromJSON({
    layers: [
      { weights: [[0, 0], [1, 1]], biases: [0, 0], activation: "sigmoid" },
      { weights: [[0], [1]], biases: [0], activation: "sigmoid" },
    ],
  });
  assert.equal(net.predict([x]).get(0, 0), 0.7216325609518421);
});

test("article 000: MSE of [1,0,0,1] against all zeros is 0.5", () => {
  assert.equal(mseLoss([1, 0, 0, 1], [0, 0, 0, 0]), 0.5);
  assert.equal(sigmoid(0), 0.5);
});

/** Article 000's network after np.random.seed(0): nine draws of np.random.normal() as w1..w6, b1..b3. */
function article000Network(): Network {
  const rng = new RandomState(0);
  const [w1, w2, w3, w4, w5, w6, b1, b2, b3] = Array.from({ length: 9 }, () => rng.randn());
  // h1 = sigmoid(w1 x0 + w2 x1 + b1), h2 = sigmoid(w3 x0 + w4 x1 + b2): column j of W is neuron j.
  return Network.fromJSON({
    layers: [
      { weights: [[w1, w3], [w2, w4]], biases: [b1, b2], activation: "sigmoid" },
      { weights: [[w5], [w6]], biases: [b3], activation: "sigmoid" },
    ],
  });
}

test("article 000: per-sample SGD for 1000 epochs gives NumPy's losses and predictions", () => {
  const net = article000Network();
  const { loss } = net.fit(PEOPLE_X, PEOPLE_Y, {
    epochs: 1000, learningRate: 0.1, loss: "mse", optimizer: "sgd", batchSize: 1, shuffle: false,
  });
  assert.equal(loss.length, 1000);
  assertClose(loss[0], 0.3520679367816475, 1e-9, "loss after epoch 0");
  assertClose(loss[990], 0.0024276598469801327, 1e-9, "loss after epoch 990");
  const [emily, frank] = net.predict([EMILY, FRANK]).toFlatArray();
  assertClose(emily, 0.9461602289784368, 1e-9, "Emily");
  assertClose(frank, 0.03985037150045077, 1e-9, "Frank");
  // The article prints these to three decimals: Emily is female, Frank male.
  assert.ok(emily > 0.5 && frank < 0.5);
});

test("article 000: buildNetwork, startingParams and paramsOf name the nine numbers as the article does", () => {
  const p = startingParams(0);
  assert.deepEqual(Object.keys(p), [...PARAM_NAMES]);
  assert.equal(p.w1, 1.764052345967664);
  const net = buildNetwork(p);
  assert.deepEqual(net.toJSON(), article000Network().toJSON());
  assert.deepEqual(paramsOf(net), p);
  // h1 = sigmoid(w1 x0 + w2 x1 + b1), h2 = sigmoid(w3 x0 + w4 x1 + b2), o = sigmoid(w5 h1 + w6 h2 + b3)
  const [x0, x1] = PEOPLE_X[0];
  const h1 = sigmoid(p.w1 * x0 + p.w2 * x1 + p.b1), h2 = sigmoid(p.w3 * x0 + p.w4 * x1 + p.b2);
  assert.equal(net.predict([PEOPLE_X[0]]).get(0, 0), sigmoid(p.w5 * h1 + p.w6 * h2 + p.b3));
  // Gradients read back by name: dL/db3 for Alice alone is -2 (y - o) o (1 - o).
  const o = net.predict([PEOPLE_X[0]]).get(0, 0);
  assertClose(paramsOf(net.gradients([PEOPLE_X[0]], [1], "mse")).b3, -2 * (1 - o) * o * (1 - o), 1e-12, "dL/db3");
  assert.throws(() => paramsOf(new Network({ sizes: [2, 3, 1], activations: ["sigmoid", "sigmoid"] })), /2-2-1/);
});

test("article 001: 1500 full-batch iterations on Loy's data give NumPy's predictions", () => {
  const X = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]];
  const y = [0, 1, 1, 0];
  const expected = [0.01009142198176822, 0.9715904844829698, 0.9716781331772255, 0.03296341092906988];
  const rng = new RandomState(0);
  const fromJSON = Network.fromJSON({
    layers: [
      { weights: rng.rand(3, 4).toArray(), biases: null, activation: "sigmoid" },
      { weights: rng.rand(4, 1).toArray(), biases: null, activation: "sigmoid" },
    ],
  });
  // The same starting weights through the "uniform" initialiser with seed 0.
  const built = new Network({ sizes: [3, 4, 1], activations: ["sigmoid", "sigmoid"], bias: false, init: "uniform", seed: 0 });
  assert.deepEqual(built.toJSON(), fromJSON.toJSON());
  for (const net of [fromJSON, built]) {
    const { loss } = net.fit(X, y, { epochs: 1500, learningRate: 1, loss: "sse" });
    const yPred = net.predict(X).toFlatArray();
    yPred.forEach((p, i) => assertClose(p, expected[i], 1e-9, `prediction ${i}`));
    // Article 001's loss-per-iteration plot falls towards a minimum.
    assert.ok(loss[1499] < loss[0] / 50);
  }
});

test("article 002: a layer has W of shape (nPrev, n) and b of shape (1, n)", () => {
  const net = new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], init: "truncatedNormal", seed: 1 });
  assert.deepEqual(net.layers.map((l) => [l.W.shape, l.b?.shape]), [["(2, 4)", "(1, 4)"], ["(4, 8)", "(1, 8)"], ["(8, 1)", "(1, 1)"]]);
  // Truncated to [-1, 1] and rounded to 3 decimals, as the article initialises.
  for (const l of net.layers) {
    for (const v of [...l.W.data, ...l.b!.data]) {
      assert.ok(v >= -1 && v <= 1);
      assert.equal(Math.round(v * 1000) / 1000, v);
    }
  }
  const out = net.predict(new Matrix(20, 2).map((_, i, j) => Math.sin(i + 3 * j)));
  assert.equal(out.shape, "(20, 1)");
  for (const v of out.data) assert.ok(v > 0 && v < 1);
});
