// Optimizers: one step of each, computed by hand, and a state that saves and restores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, Optimizer } from "../src/index";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-15, `${a} vs ${b}`);

test("sgd: p <- p - lr g", () => {
  const p = Matrix.from([[1, -2]]);
  new Optimizer("sgd", 0.1, [p]).step([p], [Matrix.from([[0.5, -1]])]);
  assert.deepEqual(p.toFlatArray(), [1 - 0.05, -2 + 0.1]);
});

test("momentum: v <- mu v - lr g; p <- p + v, over two steps", () => {
  const p = Matrix.from([[1]]);
  const opt = new Optimizer({ name: "momentum", momentum: 0.9 }, 0.1, [p]);
  opt.step([p], [Matrix.from([[2]])]); // v = -0.2
  close(p.get(0, 0), 0.8);
  opt.step([p], [Matrix.from([[2]])]); // v = 0.9 * -0.2 - 0.2 = -0.38
  close(p.get(0, 0), 0.8 - 0.38);
});

test("adam: the bias-corrected first step moves every parameter by about lr", () => {
  const p = Matrix.from([[1, 1, 1]]);
  const opt = new Optimizer("adam", 0.01, [p]);
  opt.step([p], [Matrix.from([[3, -0.001, 100]])]);
  // m_hat = g and v_hat = g^2 after one step, so the step is lr * g / (|g| + eps).
  close(p.get(0, 0), 1 - 0.01 * 3 / (3 + 1e-8));
  close(p.get(0, 1), 1 + 0.01 * 0.001 / (0.001 + 1e-8));
  close(p.get(0, 2), 1 - 0.01 * 100 / (100 + 1e-8));
  const g = 2, m = 0.9 * 0.1 * 3 + 0.1 * g, v = 0.999 * 0.001 * 9 + 0.001 * g * g;
  const before = p.get(0, 0);
  opt.step([p], [Matrix.from([[g, 0, 0]])]);
  close(p.get(0, 0), before - (0.01 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8));
});

test("getState and setState carry an optimizer over exactly", () => {
  const p1 = Matrix.from([[1, 2]]), p2 = p1.clone();
  const a = new Optimizer("adam", 0.05, [p1]);
  a.step([p1], [Matrix.from([[0.3, -0.7]])]);
  const b = new Optimizer("adam", 0.05, [p2]);
  b.setState(JSON.parse(JSON.stringify(a.getState())));
  p2.copyFrom(p1);
  a.step([p1], [Matrix.from([[0.1, 0.2]])]);
  b.step([p2], [Matrix.from([[0.1, 0.2]])]);
  assert.deepEqual(p2.toFlatArray(), p1.toFlatArray());
  assert.throws(() => b.setState({ ...a.getState(), slots: [] }), /adam keeps 2 slot\(s\), the state has 0/);
  assert.throws(() => b.setState({ ...a.getState(), t: -1 }), /t must be a non-negative integer, got -1/);
});

// --- regularisation (weight decay): the step follows the gradient of loss + rate R(W)

import { checkRegularization, Network, penalty, Regularization } from "../src/index";

/**
 * One full-batch SGD step moves each parameter by -lr * (the gradient fit used). That gradient
 * must be d(loss + penalty)/dp, measured here by central differences of loss + penalty.
 */
function stepAgainstFiniteDifferences(reg: Regularization): { maxRel: number; moved: number } {
  const X = Matrix.from([[0.5, -1.2], [1.5, 0.3], [-0.7, 0.8], [0.2, -0.4]]);
  const y = Matrix.from([[1], [0], [1], [0]]);
  const net = new Network({ sizes: [2, 3, 1], activations: ["tanh", "sigmoid"], seed: 3 });
  const lr = 1e-3, h = 1e-5;
  const objective = () => net.evaluate(X, y, "binaryCrossEntropy") + penalty(net.layers.map((l) => l.W), reg);
  const params = net.layers.flatMap((l) => l.params);
  const numeric = params.map((p) =>
    Array.from(p.data, (saved, i) => {
      p.data[i] = saved + h;
      const up = objective();
      p.data[i] = saved - h;
      const down = objective();
      p.data[i] = saved;
      return (up - down) / (2 * h);
    }),
  );
  const before = params.map((p) => Array.from(p.data));
  net.fit(X, y, { epochs: 1, learningRate: lr, loss: "binaryCrossEntropy", regularization: reg });
  let maxRel = 0, moved = 0;
  params.forEach((p, k) =>
    p.data.forEach((after, i) => {
      const used = (before[k][i] - after) / lr;
      moved = Math.max(moved, Math.abs(used));
      maxRel = Math.max(maxRel, Math.abs(used - numeric[k][i]) / Math.max(Math.abs(numeric[k][i]), 1e-3));
    }),
  );
  return { maxRel, moved };
}

test("L2 and L1: one SGD step follows the gradient of loss + rate R(W), checked by finite differences", () => {
  for (const reg of [{ kind: "l2", rate: 0.3 }, { kind: "l1", rate: 0.05 }] as Regularization[]) {
    const { maxRel, moved } = stepAgainstFiniteDifferences(reg);
    assert.ok(moved > 0.01, `${reg.kind}: the step moved the parameters`);
    // lr * g is a difference of nearby floats: about 1e-16 / 1e-3 of absolute error on g
    assert.ok(maxRel < 1e-6, `${reg.kind}: step vs finite differences, relative error ${maxRel}`);
  }
});

test("regularisation: the penalty gradient by hand, biases untouched, and rate 0 is no penalty", () => {
  const W = Matrix.from([[2, -3, 0]]), b = Matrix.from([[5]]);
  const gW = Matrix.from([[0, 0, 0]]), gb = Matrix.from([[0]]);
  new Optimizer("sgd", 0.1, [W, b]).step([W, b], [gW, gb], { kind: "l2", rate: 0.5 }, [W]);
  assert.deepEqual(gW.toFlatArray(), [1, -1.5, 0], "g <- g + rate w");
  assert.deepEqual(W.toFlatArray(), [2 - 0.1, -3 + 0.15, 0]);
  assert.deepEqual(b.toFlatArray(), [5], "the bias is not penalised");
  const V = Matrix.from([[2, -3, 0]]), gV = Matrix.from([[0, 0, 0]]);
  new Optimizer("sgd", 0.1, [V]).step([V], [gV], { kind: "l1", rate: 0.5 });
  assert.deepEqual(gV.toFlatArray(), [0.5, -0.5, 0], "g <- g + rate sign(w), 0 at w = 0");
  assert.equal(penalty([Matrix.from([[3, -4]])], { kind: "l2", rate: 0.1 }), 1.25);
  assert.equal(penalty([Matrix.from([[3, -4]])], { kind: "l1", rate: 0.1 }), 0.7000000000000001);

  const X = Matrix.from([[0.5, 1], [1, -1]]), y = Matrix.from([[1], [0]]);
  const make = () => new Network({ sizes: [2, 2, 1], activations: ["tanh", "sigmoid"], seed: 1 });
  const [a, c] = [make(), make()];
  a.fit(X, y, { epochs: 5, learningRate: 0.1, loss: "binaryCrossEntropy", optimizer: "adam" });
  c.fit(X, y, { epochs: 5, learningRate: 0.1, loss: "binaryCrossEntropy", optimizer: "adam", regularization: { kind: "l2", rate: 0 } });
  assert.deepEqual(c.toJSON().layers, a.toJSON().layers, "rate 0 gives the unregularised run, bit for bit");
  const d = make();
  d.fit(X, y, { epochs: 50, learningRate: 0.1, loss: "binaryCrossEntropy", optimizer: "adam", regularization: { kind: "l2", rate: 0.5 } });
  a.fit(X, y, { epochs: 45, learningRate: 0.1, loss: "binaryCrossEntropy", optimizer: "adam" });
  const size = (n: Network) => penalty(n.layers.map((l) => l.W), { kind: "l2", rate: 1 });
  assert.ok(size(d) < size(a) / 2, `decay keeps the weights small: ${size(d)} vs ${size(a)}`);
});

test("regularisation: fit names a bad option", () => {
  assert.equal(checkRegularization(undefined), null);
  assert.throws(() => checkRegularization({ kind: "l3", rate: 1 }), /regularization must be \{ kind: "l2" or "l1", rate \}, got \{"kind":"l3","rate":1\}/);
  assert.throws(() => checkRegularization("l2"), /regularization must be \{ kind: "l2" or "l1", rate \}, got "l2"/);
  assert.throws(() => checkRegularization({ kind: "l1", rate: -1 }), /regularization rate must be a finite number >= 0, got -1/);
  const net = new Network({ sizes: [1, 1], activations: ["linear"] });
  assert.throws(
    () => net.fit([[1]], [1], { epochs: 1, learningRate: 0.1, regularization: { kind: "l2", rate: NaN } }),
    /fit: regularization rate must be a finite number >= 0, got NaN/,
  );
});
