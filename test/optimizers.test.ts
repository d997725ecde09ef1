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
