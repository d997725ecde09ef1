// The library's version of each engine exercise (src/course/engine.ts): what the student edition
// runs until the learner's own passes. Each is checked here against an independent computation:
// finite differences for the backward passes, the library's predict for the forward ones, and the
// articles' printed numbers for the loops.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Network, PARAM_NAMES, Params, RandomState, buildNetwork, libraryVersions as library,
  loyData, people, sigmoid, startingParams } from "../src/index";

const close = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);


test("backwardOne and backpropBatch agree with central differences of the loss", () => {
  const rng = new RandomState(2);
  const q: Params = Object.fromEntries(PARAM_NAMES.map((n) => [n, rng.randn()]));
  const x = [1.5, -0.7], t = 1, h = 1e-6;
  const loss = (p: Params) => (t - buildNetwork(p).predict([x]).get(0, 0)) ** 2;
  const grads = library.backwardOne(q, x, t);
  for (const n of PARAM_NAMES) close(grads[n], (loss({ ...q, [n]: q[n] + h }) - loss({ ...q, [n]: q[n] - h })) / (2 * h), 1e-7, n);
  const { X, y } = people();
  const [hidden, output] = buildNetwork(q).layers;
  const batch = library.backpropBatch(X, y, hidden.W, hidden.b!, output.W, output.b!);
  const mse = (p: Params) => buildNetwork(p).evaluate(X, y, "mse");
  for (const [n, got] of [["w1", batch.dW1.get(0, 0)], ["w4", batch.dW1.get(1, 1)], ["b3", batch.db2.get(0, 0)]] as const) {
    close(got, (mse({ ...q, [n]: q[n] + h }) - mse({ ...q, [n]: q[n] - h })) / (2 * h), 1e-7, `batch ${n}`);
  }
  assert.deepEqual([batch.dW1.shape, batch.db1.shape, batch.dW2.shape, batch.db2.shape], ["(2, 2)", "(1, 2)", "(2, 1)", "(1, 1)"]);
});

test("trainPerPerson and trainFullBatch reproduce Zhou's and Loy's printed numbers", () => {
  const { X, y } = people();
  const zhou = library.trainPerPerson(startingParams(0), X.toArray(), y.toFlatArray(), 1000, 0.1);
  close(zhou.loss[0], 0.3520679367816475, 1e-9, "Zhou, epoch 0");
  close(zhou.loss[990], 0.0024276598469801327, 1e-9, "Zhou, epoch 990");
  const loy = loyData(), rng = new RandomState(0);
  const W1 = rng.rand(3, 4), W2 = rng.rand(4, 1);
  const run = library.trainFullBatch(loy.X, loy.y, W1, W2, 1500, 1);
  const pred = loy.X.matmul(run.W1).map(sigmoid).matmul(run.W2).map(sigmoid).toFlatArray();
  [0.01009142198176822, 0.9715904844829698, 0.9716781331772255, 0.03296341092906988].forEach((want, i) => close(pred[i], want, 1e-9, `Loy ${i}`));
  assert.ok(W1.equals(new RandomState(0).rand(3, 4)), "the starting weights are not changed");
});

test("forwardAll, articleDirections and articleStep: every layer's output, and Fernández's scaled steps", () => {
  const net = new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 3, init: "truncatedNormal" });
  const rng = new RandomState(4);
  const X = rng.randn(10, 2).scale(5), y = Matrix.column(Array.from({ length: 10 }, () => rng.integer(2)));
  const A = library.forwardAll(net, X);
  assert.deepEqual(A.map((m) => m.shape), ["(10, 2)", "(10, 4)", "(10, 8)", "(10, 1)"]);
  assert.ok(A[3].equals(net.predict(X)));
  // His weight direction is A_{l-1}^T δ with δ_out = (ŷ - y) ŷ (1 - ŷ): the gradient of SSE / 2.
  const { dirs } = library.articleDirections(net, X, y);
  const W = net.layers[2].W, h = 1e-6, half = () => net.evaluate(X, y, "sse") / 2;
  const keep = W.get(3, 0);
  W.set(3, 0, keep + h); const plus = half(); W.set(3, 0, keep - h); const minus = half(); W.set(3, 0, keep);
  close(dirs[2].dW.get(3, 0), (plus - minus) / (2 * h), 1e-6, "dW of the output layer");
  const before = net.layers[0].b!.clone();
  const yHat = library.articleStep(net, X, y, 0.01);
  assert.ok(yHat.equals(A[3]), "articleStep returns the predictions before its step");
  assert.ok(net.layers[0].b!.maxAbsDiff(before.sub(dirs[0].db.scale(0.01))) < 1e-15);
});

test("feedforward over plain layers gives Network.predict's outputs", () => {
  const rng = new RandomState(1);
  const layers = [{ W: rng.randn(2, 3), b: rng.randn(1, 3), f: sigmoid }, { W: rng.randn(3, 1), b: rng.randn(1, 1), f: sigmoid }];
  const net = Network.fromJSON({ layers: layers.map((l) => ({ weights: l.W.toArray(), biases: l.b.toFlatArray(), activation: "sigmoid" })) });
  const X = rng.randn(5, 2);
  assert.ok(library.feedforward(layers, X).maxAbsDiff(net.predict(X)) < 1e-15);
});
