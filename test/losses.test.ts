// Losses: values, gradients against finite differences, and finite results at probabilities 0 and 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { activate, getLoss, LOSS_NAMES, losses, Matrix, mseLoss, Network, RandomState } from "../src/index";

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

test("each loss summed over chunks of rows, in order, gives its value bit for bit", () => {
  const rng = new RandomState(4);
  const n = 37, k = 3;
  for (const name of LOSS_NAMES) {
    const loss = getLoss(name);
    const yPred = activate("softmax", rng.randn(n, k).scale(3));
    const y =
      name === "crossEntropy" ? Matrix.column(Array.from({ length: n }, (_, i) => (i * 7) % k))
      : name === "binaryCrossEntropy" ? rng.rand(n, k).map(Math.round)
      : rng.randn(n, k);
    for (const sizes of [[37], [1, 36], [5, 5, 5, 22], [32, 5], Array(37).fill(1)]) {
      let s = 0, start = 0;
      for (const rows of sizes) {
        const part = (m: Matrix) => new Matrix(rows, m.cols, m.data.subarray(start * m.cols, (start + rows) * m.cols));
        s = loss.sum!(part(yPred), part(y), s);
        start += rows;
      }
      assert.equal(s / loss.divisor!(n, k), loss.value(yPred, y), `${name} in chunks of ${sizes.slice(0, 4)}`);
    }
  }
  // One-hot targets sum the same way.
  const p = activate("softmax", rng.randn(6, 4)), oneHot = Matrix.from([0, 3, 1, 1, 2, 0].map((c) => [0, 1, 2, 3].map((j) => +(j === c))));
  const head = (m: Matrix, r: number) => new Matrix(r, m.cols, m.data.subarray(0, r * m.cols));
  const tail = (m: Matrix, r: number) => new Matrix(m.rows - r, m.cols, m.data.subarray(r * m.cols));
  const ce = losses.crossEntropy;
  assert.equal(ce.sum!(tail(p, 4), tail(oneHot, 4), ce.sum!(head(p, 4), head(oneHot, 4), 0)) / ce.divisor!(6, 4), ce.value(p, oneHot));
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
