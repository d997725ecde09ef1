// Activations: values, derivatives, stability at extreme inputs, and no mutation of inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { activate, activationDerivative, activations, ACTIVATION_NAMES, Matrix, sigmoid, sigmoidDerivative } from "../src/index";

const Z = Matrix.from([[-2, -0.5, 0, 0.5, 2]]);

test("each activation's values at a few points", () => {
  assert.deepEqual(activate("relu", Z).toArray(), [[0, 0, 0, 0.5, 2]]);
  assert.deepEqual(activate("leakyRelu", Z).toArray(), [[-0.02, -0.005, 0, 0.5, 2]]);
  assert.deepEqual(activate("linear", Z).toArray(), Z.toArray());
  assert.deepEqual(activate("tanh", Z).toFlatArray(), Z.toFlatArray().map(Math.tanh));
  assert.deepEqual(activate("sigmoid", Z).toFlatArray(), Z.toFlatArray().map(sigmoid));
  const p = activate("softmax", Matrix.from([[1, 2, 3]])).toFlatArray();
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)], s = e[0] + e[1] + e[2];
  p.forEach((v, i) => assert.ok(Math.abs(v - e[i] / s) < 1e-15));
});

test("each derivative matches a central difference of its function", () => {
  for (const name of ACTIVATION_NAMES) {
    if (name === "softmax") continue;
    const act = activations[name];
    for (const z of [-3, -0.7, 0.4, 2.5]) {
      const h = 1e-6;
      const numeric = (act.f!(z + h) - act.f!(z - h)) / (2 * h);
      assert.ok(Math.abs(act.df!(z) - numeric) < 1e-8, `${name} at ${z}`);
      assert.ok(Math.abs(activationDerivative(name, Matrix.from([[z]])).get(0, 0) - act.df!(z)) < 1e-15, `${name} matrix form at ${z}`);
    }
  }
  assert.equal(sigmoidDerivative(0), 0.25);
});

test("softmax's derivative is its Jacobian's diagonal, a(1 - a)", () => {
  const z = Matrix.from([[0.3, -1, 2]]);
  const a = activate("softmax", z).toFlatArray();
  assert.deepEqual(activationDerivative("softmax", z).toFlatArray(), a.map((v) => v * (1 - v)));
});

test("a derivative never changes its input (article 002's ReLU derivative did)", () => {
  for (const name of ACTIVATION_NAMES) {
    const z = Matrix.from([[-1.5, 0, 2], [3, -4, 0.25]]);
    const before = z.toArray();
    const act = activations[name];
    const A = act.forward(z, new Matrix(2, 3));
    const Abefore = A.toArray();
    const dA = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    act.backward(z, A, dA, new Matrix(2, 3));
    activationDerivative(name, z);
    assert.deepEqual(z.toArray(), before, name);
    assert.deepEqual(A.toArray(), Abefore, name);
    assert.deepEqual(dA.toArray(), [[1, 2, 3], [4, 5, 6]], name);
  }
});

test("sigmoid, tanh and softmax stay finite at inputs of plus and minus 1000", () => {
  const big = Matrix.from([[-1000, 1000], [1000, 1000], [-1000, -1000]]);
  for (const name of ["sigmoid", "tanh", "softmax"] as const) {
    const A = activate(name, big);
    for (const v of A.data) assert.ok(Number.isFinite(v), `${name} gave ${v}`);
    const dZ = activations[name].backward(big, A, Matrix.filled(3, 2, 1), new Matrix(3, 2));
    for (const v of dZ.data) assert.ok(Number.isFinite(v), `${name}' gave ${v}`);
  }
  assert.deepEqual(activate("sigmoid", big).toArray(), [[0, 1], [1, 1], [0, 0]]);
  assert.deepEqual(activate("softmax", big).toArray(), [[0, 1], [0.5, 0.5], [0.5, 0.5]]);
  assert.equal(sigmoid(-1000), 0);
  assert.equal(sigmoid(1000), 1);
});
