// Losses: values, gradients against finite differences, and finite results at probabilities 0 and 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  activate, binaryCrossEntropy, crossEntropy, fusedOutputGradient, getLoss, LOSS_NAMES, losses, Matrix, mse, mseLoss, Network, RandomState,
  sigmoidActivation, softmaxActivation,
} from "../src/index";

test("values on a small example", () => {
  const yPred = Matrix.from([[0.5], [0.25]]), y = Matrix.from([[1], [0]]);
  assert.equal(losses.mse.value(yPred, y), (0.25 + 0.0625) / 2);
  assert.equal(losses.sse.value(yPred, y), 0.25 + 0.0625);
  assert.equal(losses.binaryCrossEntropy.value(yPred, y), -(Math.log(0.5) + Math.log(0.75)) / 2);
  const p = Matrix.from([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
  assert.equal(losses.crossEntropy.value(p, Matrix.from([[0], [2]])), -(Math.log(0.7) + Math.log(0.8)) / 2);
  assert.equal(losses.crossEntropy.value(p, Matrix.from([[1, 0, 0], [0, 0, 1]])), -(Math.log(0.7) + Math.log(0.8)) / 2);
  assert.equal(mseLoss([1, 0, 0, 1], [0, 0, 0, 0]), 0.5);
});

test("the fused output gradients are the loss's gradient through the activation's backward pass", () => {
  const rng = new RandomState(5);
  const Z = rng.randn(6, 4).scale(2), dZ = new Matrix(6, 4), dA = new Matrix(6, 4), chained = new Matrix(6, 4);
  const cases = [
    { loss: binaryCrossEntropy, act: sigmoidActivation, y: rng.rand(6, 4).map(Math.round) },
    { loss: crossEntropy, act: softmaxActivation, y: Matrix.from([0, 3, 1, 1, 2, 0].map((c) => [0, 1, 2, 3].map((j) => +(j === c)))) },
    { loss: crossEntropy, act: softmaxActivation, y: Matrix.column([0, 3, 1, 1, 2, 0]) },
  ];
  for (const { loss, act, y } of cases) {
    const A = act.forward(Z, new Matrix(6, 4));
    assert.equal(fusedOutputGradient(loss, act, A, y, dZ), dZ);
    const yFull = y.cols === 1 ? Matrix.from(y.toFlatArray().map((c) => [0, 1, 2, 3].map((j) => +(j === c)))) : y;
    act.backward(Z, A, loss.gradient(A, yFull, dA), chained);
    assert.ok(dZ.maxAbsDiff(chained) < 1e-12, `${act.name} + ${loss.name}: ${dZ.maxAbsDiff(chained)}`);
  }
  // Every other pair has no shortcut: null, and dZ untouched.
  const before = dZ.clone();
  assert.equal(fusedOutputGradient(mse, sigmoidActivation, Z, Z, dZ), null);
  assert.equal(fusedOutputGradient(binaryCrossEntropy, softmaxActivation, Z, Z, dZ), null);
  assert.ok(dZ.equals(before));
});

test("each gradient dL/dyPred matches a central difference of its value", () => {
  const rng = new RandomState(1);
  for (const name of LOSS_NAMES) {
    const loss = getLoss(name);
    const yPred = activate("softmax", rng.randn(4, 3));
    const y = name === "crossEntropy" ? Matrix.column([0, 2, 1, 2]) : name === "binaryCrossEntropy" ? rng.rand(4, 3).map(Math.round) : rng.randn(4, 3);
    const g = loss.gradient(yPred, y, new Matrix(4, 3));
    for (let i = 0; i < yPred.size; i++) {
      const h = 1e-6, saved = yPred.data[i];
      yPred.data[i] = saved + h;
      const up = loss.value(yPred, y);
      yPred.data[i] = saved - h;
      const down = loss.value(yPred, y);
      yPred.data[i] = saved;
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(g.data[i] - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), `${name} entry ${i}: ${g.data[i]} vs ${numeric}`);
    }
  }
});

test("cross-entropies are finite at probabilities exactly 0 and 1", () => {
  const p = Matrix.from([[0, 1], [1, 0]]);
  const wrong = Matrix.from([[1, 0], [0, 1]]);
  for (const name of ["binaryCrossEntropy", "crossEntropy"] as const) {
    const v = getLoss(name).value(p, wrong);
    assert.ok(Number.isFinite(v) && v > 20, `${name}: ${v}`);
    assert.equal(getLoss(name).value(p, p) < 1e-10, true);
    for (const g of getLoss(name).gradient(p, wrong, new Matrix(2, 2)).data) assert.ok(Number.isFinite(g));
  }
});

test("training with cross-entropy stays finite when logits reach plus or minus 1000", () => {
  // One linear-into-softmax layer whose logits are about +-1000 on this data.
  const net = Network.fromJSON({ layers: [{ weights: [[1000, -1000]], biases: [0, 0], activation: "softmax" }] });
  const X = [[1], [-1]], y = [1, 0];
  const loss = net.evaluate(X, y, "crossEntropy");
  assert.ok(Number.isFinite(loss) && loss > 20); // -log(1e-12), the clipped probability
  for (const g of net.gradients(X, y, "crossEntropy")) for (const v of [...g.dW.data, ...g.db!.data]) assert.ok(Number.isFinite(v));
  const bin = Network.fromJSON({ layers: [{ weights: [[1000]], biases: [0], activation: "sigmoid" }] });
  assert.ok(Number.isFinite(bin.evaluate(X, [0, 1], "binaryCrossEntropy")));
  for (const g of bin.gradients(X, [0, 1], "binaryCrossEntropy")) for (const v of g.dW.data) assert.ok(Number.isFinite(v));
});
