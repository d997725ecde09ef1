// The scalar autograd engine: every operation's gradient against central differences, backward()
// on whole expressions, the += rule where a node is used twice, and the errors a user can trigger.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { centralDifferences, localGradients, Network, RandomState, Value, value } from "../src/index";

const rng = new RandomState(28);
const uniform = (lo: number, hi: number) => lo + (hi - lo) * (rng.random() as number);

/** Relative closeness, with an absolute floor for numbers near 0. */
function assertClose(got: number[], want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: lengths`);
  got.forEach((g, i) => {
    assert.ok(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what}[${i}]: got ${g}, expected ${want[i]}`);
  });
}

// Each operation, its plain-number twin, and where to draw its inputs (away from kinks and poles).
const OPS: { name: string; op: (...v: Value[]) => Value; f: (...x: number[]) => number; draw: () => number[] }[] = [
  { name: "add", op: (a, b) => a.add(b), f: (a, b) => a + b, draw: () => [uniform(-3, 3), uniform(-3, 3)] },
  { name: "mul", op: (a, b) => a.mul(b), f: (a, b) => a * b, draw: () => [uniform(-3, 3), uniform(-3, 3)] },
  { name: "pow 3", op: (a) => a.pow(3), f: (a) => a ** 3, draw: () => [uniform(-2, 2)] },
  { name: "pow -1", op: (a) => a.pow(-1), f: (a) => a ** -1, draw: () => [uniform(0.5, 3)] },
  { name: "pow 0.5", op: (a) => a.pow(0.5), f: (a) => a ** 0.5, draw: () => [uniform(0.5, 3)] },
  { name: "neg", op: (a) => a.neg(), f: (a) => -a, draw: () => [uniform(-3, 3)] },
  { name: "sub", op: (a, b) => a.sub(b), f: (a, b) => a - b, draw: () => [uniform(-3, 3), uniform(-3, 3)] },
  { name: "div", op: (a, b) => a.div(b), f: (a, b) => a / b, draw: () => [uniform(-3, 3), uniform(0.5, 3) * (rng.random() < 0.5 ? -1 : 1)] },
  { name: "exp", op: (a) => a.exp(), f: Math.exp, draw: () => [uniform(-3, 3)] },
  { name: "log", op: (a) => a.log(), f: Math.log, draw: () => [uniform(0.2, 5)] },
  { name: "tanh", op: (a) => a.tanh(), f: Math.tanh, draw: () => [uniform(-3, 3)] },
  { name: "sigmoid", op: (a) => a.sigmoid(), f: (a) => 1 / (1 + Math.exp(-a)), draw: () => [uniform(-5, 5)] },
  { name: "relu", op: (a) => a.relu(), f: (a) => Math.max(0, a), draw: () => [uniform(0.01, 3) * (rng.random() < 0.5 ? -1 : 1)] },
];

describe("each operation's local rule against central differences", () => {
  for (const { name, op, f, draw } of OPS) {
    test(name, () => {
      for (let trial = 0; trial < 20; trial++) {
        const x = draw();
        const got = localGradients(op, x);
        assert.equal(got[0], f(...x), `${name} value at ${x}`); // the forward pass is the plain formula, exactly
        assertClose(got, centralDifferences(f, x), 1e-7, `${name} at ${x}`);
      }
    });
  }

  test("relu's gradient is 0 left of the kink and 1 right of it", () => {
    assert.deepEqual(localGradients((a) => a.relu(), [-2]), [0, 0]);
    assert.deepEqual(localGradients((a) => a.relu(), [2]), [2, 1]);
  });

  test("numbers are accepted where a Value is, as constants without a gradient of their own", () => {
    const a = value(3, "a");
    const out = a.mul(2).add(1).sub(4).div(5); // (2a + 1 − 4) / 5
    out.backward();
    assert.equal(out.data, 0.6);
    assert.equal(a.grad, 0.4);
    assert.ok(out.children[1] instanceof Value && out.children[1].data === 5);
  });
});

describe("backward() on whole expressions", () => {
  // f(a, b, c) touching every operation, a used in several places.
  const expr = (a: Value, b: Value, c: Value) =>
    a.mul(b).add(c.exp()).tanh().sub(a.pow(2).div(c)).add(b.neg().sigmoid().log()).mul(a.relu()).add(a.sub(c).sigmoid());
  const plain = (a: number, b: number, c: number) => {
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    return (Math.tanh(a * b + Math.exp(c)) - a ** 2 / c + Math.log(s(-b))) * Math.max(0, a) + s(a - c);
  };

  test("gradients of every input against central differences, at 20 random points", () => {
    for (let trial = 0; trial < 20; trial++) {
      const x = [uniform(0.1, 2), uniform(-2, 2), uniform(0.5, 2)];
      const [a, b, c] = x.map((v, i) => value(v, "abc"[i]));
      const out = expr(a, b, c);
      out.backward();
      assert.equal(out.data, plain(...(x as [number, number, number])));
      assertClose([out.data, a.grad, b.grad, c.grad], centralDifferences(plain as (...v: number[]) => number, x), 1e-7, `at ${x}`);
    }
  });

  test("a node used twice gets the sum of both shares (+=, not =)", () => {
    const a = value(3, "a");
    const b = a.mul(a); // ∂b/∂a = 2a
    b.backward();
    assert.equal(a.grad, 6);
    const a2 = value(3, "a");
    const c = a2.add(a2); // ∂c/∂a = 2
    c.backward();
    assert.equal(a2.grad, 2);
  });

  test("a second backward() without zeroGrad() is wrong; zeroGrad() starts again from 0", () => {
    const a = value(1.5), b = value(-0.5);
    const out = a.mul(b).tanh();
    out.backward();
    const once = [a.grad, b.grad];
    out.backward();
    // Not twice but three times: the tanh node still held its old gradient and passes on both.
    assert.deepEqual([a.grad, b.grad], once.map((g) => 3 * g));
    out.zeroGrad();
    assert.deepEqual(out.topologicalOrder().map((n) => n.grad), out.topologicalOrder().map(() => 0));
    out.backward();
    assert.deepEqual([a.grad, b.grad], once);
  });

  test("the topological order lists each node once, children first", () => {
    const a = value(2);
    const b = a.mul(a);
    const c = b.add(a).add(b);
    const order = c.topologicalOrder();
    assert.equal(order.length, 4);
    assert.equal(new Set(order).size, 4);
    for (const node of order) for (const child of node.children) assert.ok(order.indexOf(child) < order.indexOf(node));
    assert.equal(order.at(-1), c);
  });

  test("a chain of 100,000 nodes (deeper than the call stack) goes backward", () => {
    const a = value(1);
    let out = a;
    for (let i = 0; i < 100_000; i++) out = out.add(1e-5);
    out.backward();
    assert.equal(a.grad, 1);
  });

  test("a small network built from Values has Network.gradients' gradients", () => {
    const net = new Network({ sizes: [3, 4, 2], activations: ["tanh", "sigmoid"], seed: 5 });
    const X = rng.randn(6, 3), Y = rng.randn(6, 2);
    const W = net.layers.map((l) => l.W.toArray().map((row) => row.map((w) => value(w))));
    const B = net.layers.map((l) => l.b!.toFlatArray().map((b) => value(b)));
    const acts: ((v: Value) => Value)[] = [(v) => v.tanh(), (v) => v.sigmoid()];
    let loss: Value = value(0);
    for (let i = 0; i < X.rows; i++) {
      let a: Value[] = X.toArray()[i].map((x) => value(x));
      W.forEach((Wl, l) => {
        a = B[l].map((b, j) => acts[l](a.reduce((s, ai, k) => s.add(ai.mul(Wl[k][j])), b)));
      });
      a.forEach((ai, j) => (loss = loss.add(ai.sub(Y.get(i, j)).pow(2))));
    }
    loss = loss.div(X.rows * 2); // the mean over every entry of Y
    loss.backward();
    const grads = net.gradients(X, Y, "mse");
    grads.forEach((g, l) => {
      assertClose(W[l].flat().map((w) => w.grad), g.dW.toFlatArray(), 1e-12, `dW${l}`);
      assertClose(B[l].map((b) => b.grad), g.db!.toFlatArray(), 1e-12, `db${l}`);
    });
  });
});

describe("errors a user can trigger", () => {
  test("data that is not a number", () => {
    assert.throws(() => new Value("2" as unknown as number), { name: "TypeError", message: "Value: data must be a number, got string" });
  });
  test("an operand that is neither a Value nor a number", () => {
    assert.throws(() => value(1).add([2] as unknown as number), { message: "Value.from: expected a Value or a number, got an array" });
    assert.throws(() => value(1).mul("3" as unknown as number), { message: "Value.from: expected a Value or a number, got string 3" });
    assert.throws(() => value(1).sub(undefined as unknown as number), { message: "Value.from: expected a Value or a number, got undefined" });
  });
  test("a Value as pow's exponent", () => {
    assert.throws(() => value(2).pow(value(3) as unknown as number), { message: "Value.pow: the exponent must be a plain number, got an object" });
  });
  test("an operation that does not return a Value", () => {
    assert.throws(() => localGradients(() => 3 as unknown as Value, [1]), { message: "localGradients: the operation returned number 3, not a Value" });
  });
});
