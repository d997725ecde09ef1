// Network behaviour: feedforward shapes, JSON round trips, resumable and deterministic training.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Activation, circles, digits, Layer, Loss, losses, Matrix, moons, Network, Optimizer, RandomState } from "../src/index";

const ring = circles({ seed: 0 });

test("predict gives (n, nOut) and a fresh matrix each call", () => {
  const net = new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], init: "truncatedNormal", seed: 0 });
  const a = net.predict(ring.X);
  assert.equal(a.shape, "(300, 1)");
  const b = net.predict(ring.X.pickRows([0, 1]));
  assert.equal(b.shape, "(2, 1)");
  assert.equal(a.get(0, 0), b.get(0, 0));
  assert.notEqual(a.data, net.predict(ring.X).data);
});

test("gradients are shaped like the parameters, and biases can be turned off", () => {
  const net = new Network({ sizes: [3, 4, 1], activations: ["sigmoid", "sigmoid"], bias: false, seed: 1 });
  const g = net.gradients([[0, 0, 1], [1, 1, 1]], [0, 1], "sse");
  assert.deepEqual(g.map((l) => [l.dW.shape, l.db]), [["(3, 4)", null], ["(4, 1)", null]]);
  assert.deepEqual(net.toJSON().layers.map((l) => l.biases), [null, null]);
});

test("toJSON and fromJSON round-trip exactly", () => {
  const net = new Network({ sizes: [2, 5, 3], activations: ["tanh", "softmax"], init: "he", seed: 7 });
  const json = JSON.parse(JSON.stringify(net.toJSON()));
  const copy = Network.fromJSON(json);
  assert.deepEqual(copy.toJSON(), net.toJSON());
  assert.deepEqual(copy.predict(ring.X).data, net.predict(ring.X).data);
  // Also from the JSON text itself.
  assert.deepEqual(Network.fromJSON(JSON.stringify(net)).toJSON(), net.toJSON());
});

test("the same seed gives bit-identical training histories", () => {
  const run = () => {
    const net = new Network({ sizes: [2, 8, 1], activations: ["relu", "sigmoid"], init: "he", seed: 3 });
    return net.fit(ring.X, ring.y, { epochs: 30, learningRate: 0.01, loss: "binaryCrossEntropy", optimizer: "adam", batchSize: 16, shuffle: true, seed: 5 }).loss;
  };
  assert.deepEqual(run(), run());
});

for (const optimizer of ["sgd", "momentum", "adam"] as const) {
  test(`fitting 2 x 50 epochs equals 100 in one go, through a JSON save in between (${optimizer})`, () => {
    const data = moons({ n: 120, noise: 0.2, seed: 2 });
    const options = { learningRate: 0.05, loss: "binaryCrossEntropy" as const, optimizer, batchSize: 10, shuffle: true, seed: 11 };
    const make = () => new Network({ sizes: [2, 6, 1], activations: ["tanh", "sigmoid"], init: "xavier", seed: 4 });

    const once = make();
    const all = once.fit(data.X, data.y, { ...options, epochs: 100 }).loss;

    const first = make();
    const a = first.fit(data.X, data.y, { ...options, epochs: 50 }).loss;
    const saved = JSON.parse(JSON.stringify(first.toJSON()));
    const resumed = Network.fromJSON(saved);
    const b = resumed.fit(data.X, data.y, { ...options, epochs: 50 }).loss;

    assert.deepEqual([...a, ...b], all);
    assert.deepEqual(resumed.toJSON(), once.toJSON());
  });
}

test("changing the options starts the optimizer afresh; resetTraining does too", () => {
  const data = moons({ n: 60, seed: 1 });
  const make = () => new Network({ sizes: [2, 4, 1], activations: ["tanh", "sigmoid"], seed: 1 });
  const opts = { epochs: 5, learningRate: 0.01, optimizer: "adam" as const };
  const a = make();
  a.fit(data.X, data.y, opts);
  a.resetTraining();
  const b = make();
  b.fit(data.X, data.y, opts);
  b.fit(data.X, data.y, { ...opts, learningRate: 0.02 });
  assert.equal(a.toJSON().training, undefined);
  assert.equal(b.toJSON().training!.optimizer.t, 5);
});

test("onEpoch sees every epoch's loss and stops training by returning false", () => {
  const net = new Network({ sizes: [2, 4, 1], activations: ["relu", "sigmoid"], seed: 0 });
  const seen: [number, number][] = [];
  const { loss } = net.fit(ring.X, ring.y, { epochs: 100, learningRate: 0.01, onEpoch: (e, l) => (seen.push([e, l]), e < 9) });
  assert.equal(loss.length, 10);
  assert.deepEqual(seen.map(([e]) => e), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(seen.map(([, l]) => l), loss);
});

test("the loss history is the loss over the whole set after each epoch", () => {
  const net = new Network({ sizes: [2, 3, 1], activations: ["tanh", "sigmoid"], seed: 9 });
  const probe = Network.fromJSON(net.toJSON());
  const { loss } = net.fit(ring.X, ring.y, { epochs: 3, learningRate: 0.1, batchSize: 32, shuffle: true });
  for (let e = 0; e < 3; e++) probe.fit(ring.X, ring.y, { epochs: 1, learningRate: 0.1, batchSize: 32, shuffle: true });
  assert.equal(loss[2], probe.evaluate(ring.X, ring.y, "mse"));
});

test("mini-batch fits measure each epoch's loss a chunk of rows at a time, with evaluate's bits", () => {
  // fit sums the loss over chunks of rows in the training buffers; evaluate takes one pass over all rows.
  const { X, y } = digits();
  const X101 = X.pickRows(Array.from({ length: 101 }, (_, i) => i * 17)).scale(1 / 16);
  const y101 = y.pickRows(Array.from({ length: 101 }, (_, i) => i * 17));
  const cases: [string, number, boolean][] = [["batch 32", 32, false], ["batch 1 (chunks of 32)", 1, false], ["batch 50, shuffled", 50, true], ["batch 100", 100, false]];
  for (const [what, batchSize, shuffle] of cases) {
    const net = new Network({ sizes: [64, 128, 64, 10], activations: ["relu", "relu", "softmax"], seed: 3 });
    const seen: number[] = [];
    const { loss } = net.fit(X101, y101, {
      epochs: 3, learningRate: 0.1, loss: "crossEntropy", batchSize, shuffle,
      onEpoch: () => void seen.push(net.evaluate(X101, y101, "crossEntropy")),
    });
    assert.deepEqual(loss, seen, what);
  }
  // mse over a sigmoid output, as article 002, in batches of 40 out of 300 rows.
  const net = new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 });
  const seen: number[] = [];
  const { loss } = net.fit(ring.X, ring.y, { epochs: 4, learningRate: 0.5, batchSize: 40, onEpoch: () => void seen.push(net.evaluate(ring.X, ring.y)) });
  assert.deepEqual(loss, seen, "mse, batch 40");
  // [2,3,1]: the last chunk of 20 rows is below the layers' wasm threshold, one pass over 300 is
  // above it. With fused multiply-adds, chunks would then round differently: fit takes one pass.
  const small = new Network({ sizes: [2, 3, 1], activations: ["relu", "sigmoid"], seed: 0 });
  const seenSmall: number[] = [];
  const scaled = ring.X.scale(0.1);
  const { loss: lossSmall } = small.fit(scaled, ring.y, {
    epochs: 20, learningRate: 0.5, batchSize: 40, onEpoch: () => void seenSmall.push(small.evaluate(scaled, ring.y)),
  });
  assert.deepEqual(lossSmall, seenSmall, "mse, [2,3,1], batch 40");
});

test("W and b changed in onEpoch are what the next epoch trains from", () => {
  // fit keeps copies of W and b in WebAssembly memory between passes, and a full-batch fit keeps
  // its last forward pass for the next epoch: a change made in onEpoch must reach both.
  const { X, y } = digits();
  const rows = Array.from({ length: 101 }, (_, i) => i * 17);
  const X101 = X.pickRows(rows).scale(1 / 16), y101 = y.pickRows(rows);
  const cases = [
    { what: "digits, batch 32", X: X101, y: y101, sizes: [64, 128, 64, 10], acts: ["relu", "relu", "softmax"], loss: "crossEntropy", batch: 32 },
    { what: "digits, full batch", X: X101, y: y101, sizes: [64, 128, 64, 10], acts: ["relu", "relu", "softmax"], loss: "crossEntropy", batch: 101 },
    { what: "circles, full batch", X: ring.X.scale(0.1), y: ring.y, sizes: [2, 4, 8, 1], acts: ["relu", "relu", "sigmoid"], loss: "mse", batch: 300 },
    { what: "circles, batch 64", X: ring.X.scale(0.1), y: ring.y, sizes: [2, 4, 8, 1], acts: ["relu", "relu", "sigmoid"], loss: "mse", batch: 64 },
  ] as const;
  const change = (net: Network) => {
    net.layers[0].W.data.forEach((w, i, W) => (W[i] = w * 0.5));
    net.layers[1].b!.data.fill(0.1);
  };
  for (const c of cases) {
    const options = { learningRate: 0.3, loss: c.loss, batchSize: c.batch };
    const inOnEpoch = new Network({ sizes: [...c.sizes], activations: [...c.acts], seed: 2 });
    const between = Network.fromJSON(inOnEpoch.toJSON()); // changed between two fits instead
    const { loss } = inOnEpoch.fit(c.X, c.y, { ...options, epochs: 3, onEpoch: (e) => void (e === 0 && change(inOnEpoch)) });
    const first = between.fit(c.X, c.y, { ...options, epochs: 1 }).loss;
    change(between);
    // Through JSON: new layers, with nothing of the first fit's buffers.
    const resumed = Network.fromJSON(between.toJSON());
    const rest = resumed.fit(c.X, c.y, { ...options, epochs: 2 }).loss;
    assert.deepEqual(loss, [...first, ...rest], c.what);
    inOnEpoch.layers.forEach((l, i) => assert.deepEqual(l.W.data, resumed.layers[i].W.data, `${c.what}: layer ${i} W`));
  }
});

test("an onEpoch that runs the network on other rows leaves full-batch training as it was", () => {
  // A test set of the same size fills the same buffers that fit keeps its last forward pass in.
  const test = circles({ seed: 1 });
  const X = ring.X.scale(0.1), Xtest = test.X.scale(0.1);
  for (const sizes of [[2, 4, 8, 1], [2, 64, 64, 1]]) {
    const options = { epochs: 4, learningRate: 0.5 };
    const watched = new Network({ sizes, activations: ["relu", "relu", "sigmoid"], seed: 0 });
    const alone = Network.fromJSON(watched.toJSON());
    const testLoss: number[] = [];
    const { loss } = watched.fit(X, ring.y, { ...options, onEpoch: () => void testLoss.push(watched.evaluate(Xtest, test.y)) });
    assert.deepEqual(loss, alone.fit(X, ring.y, options).loss, `[${sizes}]`);
    assert.equal(testLoss.length, 4);
  }
});

test("a user's own activation or loss gets the loss in one pass over all rows", () => {
  // An activation that centres each column over the rows it is given: chunks would change it.
  const centred: Activation = {
    name: "linear",
    formula: "A = Z - \\bar Z",
    forward(Z, out) {
      for (let j = 0; j < Z.cols; j++) {
        let mean = 0;
        for (let i = 0; i < Z.rows; i++) mean += Z.data[i * Z.cols + j] / Z.rows;
        for (let i = 0; i < Z.rows; i++) out.data[i * Z.cols + j] = Z.data[i * Z.cols + j] - mean;
      }
      return out;
    },
    backward: (_Z, _A, dA, out) => (out.data.set(dA.data), out),
  };
  const { value, gradient, name, formula } = losses.mse; // no sum: it cannot be taken in parts
  const ownLoss: Loss = { name, formula, value, gradient };
  for (const [what, activation, loss] of [["own activation", centred, "mse"], ["own loss", "sigmoid", ownLoss]] as const) {
    const rng = new RandomState(1);
    const built = new Network([new Layer(rng.randn(2, 4).scale(0.1), rng.randn(1, 4), "relu"), new Layer(rng.randn(4, 1).scale(0.1), rng.randn(1, 1), activation)]);
    const seen: number[] = [];
    const { loss: history } = built.fit(ring.X, ring.y, {
      epochs: 3, learningRate: 0.01, batchSize: 32, loss,
      onEpoch: () => void seen.push(built.evaluate(ring.X, ring.y, loss)),
    });
    assert.deepEqual(history, seen, what);
  }
});

test("a batch larger than the data is the full batch; flat label arrays are columns", () => {
  const a = new Network({ sizes: [2, 3, 1], activations: ["relu", "sigmoid"], seed: 2 });
  const b = Network.fromJSON(a.toJSON());
  const yFlat = ring.y.toFlatArray();
  const la = a.fit(ring.X, yFlat, { epochs: 5, learningRate: 0.1, batchSize: 10_000 }).loss;
  const lb = b.fit(ring.X.toArray(), ring.y, { epochs: 5, learningRate: 0.1 }).loss;
  assert.deepEqual(la, lb);
});

test("a softmax network learns three spiral-like blobs with integer labels and with one-hot rows", () => {
  const rng = new RandomState(0);
  const centres = [[0, 0], [3, 3], [-3, 3]];
  const X = new Matrix(90, 2).map((_, i, j) => centres[i % 3][j] + 0.5 * rng.randn());
  const labels = Matrix.column(Array.from({ length: 90 }, (_, i) => i % 3));
  const oneHot = new Matrix(90, 3).map((_, i, j) => (i % 3 === j ? 1 : 0));
  const make = () => new Network({ sizes: [2, 8, 3], activations: ["relu", "softmax"], init: "he", seed: 0 });
  const a = make(), b = make();
  const la = a.fit(X, labels, { epochs: 50, learningRate: 0.05, loss: "crossEntropy", optimizer: "adam" }).loss;
  const lb = b.fit(X, oneHot, { epochs: 50, learningRate: 0.05, loss: "crossEntropy", optimizer: "adam" }).loss;
  assert.deepEqual(la, lb);
  assert.ok(la[49] < 0.1, `loss ${la[49]}`);
  assert.deepEqual(a.predict(X).argmaxRows(), labels.toFlatArray());
});

test("fit's plain SGD, taken by each layer after its backward pass, equals gradients then Optimizer.step", () => {
  // The digits network (WebAssembly-sized layers) and article 002's (plain loops), a few batches each.
  const { X, y } = digits();
  const rows = Array.from({ length: 96 }, (_, i) => i * 13);
  const cases = [
    { what: "digits, batch 32", X: X.pickRows(rows).scale(1 / 16), y: y.pickRows(rows), sizes: [64, 128, 64, 10], acts: ["relu", "relu", "softmax"], loss: "crossEntropy", batch: 32 },
    { what: "circles, batch 60", X: ring.X, y: ring.y, sizes: [2, 4, 8, 1], acts: ["relu", "relu", "sigmoid"], loss: "mse", batch: 60 },
  ] as const;
  for (const c of cases) {
    const fitted = new Network({ sizes: [...c.sizes], activations: [...c.acts], seed: 5 });
    const manual = Network.fromJSON(fitted.toJSON());
    fitted.fit(c.X, c.y, { epochs: 2, learningRate: 0.2, loss: c.loss, batchSize: c.batch });
    const params = manual.layers.flatMap((l) => l.params);
    const optimizer = new Optimizer("sgd", 0.2, params);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let start = 0; start < c.X.rows; start += c.batch) {
        const batch = Array.from({ length: Math.min(c.batch, c.X.rows - start) }, (_, i) => start + i);
        const grads = manual.gradients(c.X.pickRows(batch), c.y.pickRows(batch), c.loss).flatMap((g) => (g.db ? [g.dW, g.db] : [g.dW]));
        optimizer.step(params, grads);
      }
    }
    fitted.layers.forEach((l, i) => {
      assert.deepEqual(l.W.data, manual.layers[i].W.data, `${c.what}: layer ${i} W`);
      assert.deepEqual(l.b!.data, manual.layers[i].b!.data, `${c.what}: layer ${i} b`);
    });
    assert.equal(fitted.toJSON().training!.optimizer.t, optimizer.t, `${c.what}: steps counted`);
  }
});
