// A network that stops learning says why: dead ReLUs or saturated sigmoids, named by layer, once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Layer, Matrix, Network, circles } from "../src/index";
import { STALL_EPOCHS, StallWatch, stuckLayers } from "../src/core/diagnose";

/** A 2-3-1 network whose first layer (ReLU) gets weights 0 and biases -1: every unit dead. */
function deadFirstLayer(): Network {
  return new Network([
    new Layer(Matrix.zeros(2, 3), Matrix.row([-1, -1, -1]), "relu"),
    new Layer(Matrix.from([[1], [1], [1]]), Matrix.row([0.2]), "sigmoid"),
  ]);
}

test("a layer of dead ReLUs is named, with what happened and what to try", () => {
  const net = deadFirstLayer();
  net.predict([[1, 2], [-3, 0.5]]);
  assert.equal(
    stuckLayers(net.layers, 10),
    `fit: the loss has not moved for ${STALL_EPOCHS} epochs. Every unit of layer 0 (relu, 3 units) is dead: its total ` +
      "input is negative for every training point, so it outputs 0 and passes no gradient back. A step that was too " +
      "large usually does this. Try a smaller learning rate than 10 (such as 0.1), and start again from fresh weights: " +
      "dead units do not come back.",
  );
});

test("a saturated sigmoid layer is named; a layer that still has a slope somewhere is not", () => {
  const saturated = new Network([new Layer(Matrix.from([[40], [40]]), Matrix.row([0]), "sigmoid")]);
  saturated.predict([[1, 1], [2, 3]]);
  assert.match(stuckLayers(saturated.layers, 1)!, /Every unit of layer 0 \(sigmoid, 1 unit\) is saturated: .* slope is below 0\.0001/);
  saturated.predict([[1, 1], [0, 0]]); // the second point sits at z = 0, where the slope is 1/4
  assert.equal(stuckLayers(saturated.layers, 1), null);
});

test("the watch speaks only after the loss has stayed put for STALL_EPOCHS epochs, and only once", () => {
  const net = deadFirstLayer();
  net.predict([[1, 2]]);
  const said: string[] = [];
  const watch = new StallWatch(net.layers, 10, (m) => said.push(m));
  for (let e = 0; e < 50; e++) watch.epoch(0.5 - e * 1e-6); // slow but real progress
  assert.equal(said.length, 0);
  for (let e = 0; e < STALL_EPOCHS; e++) watch.epoch(0.25);
  assert.equal(said.length, 0, "the first equal loss starts the count");
  watch.epoch(0.25);
  for (let e = 0; e < 100; e++) watch.epoch(0.25);
  assert.equal(said.length, 1);
  assert.match(said[0], /layer 0 \(relu, 3 units\) is dead/);
});

test("fit on the rings with learning rate 1e6 says once that the output sigmoid is saturated; 0.1 says nothing", (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const { X, y } = circles({ seed: 0 });
  const make = () => new Network({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 });
  const stuck = make().fit(X, y, { epochs: 60, learningRate: 1e6, loss: "mse" }).loss;
  assert.equal(stuck[59], stuck[59 - STALL_EPOCHS], "the loss does not move");
  assert.equal(warn.mock.calls.length, 1);
  assert.match(String(warn.mock.calls[0].arguments[0]), /^fit: the loss has not moved for 20 epochs\. Every unit of layer 2 \(sigmoid, 1 unit\) is saturated.*smaller learning rate than 1000000 \(such as 10000\)/);
  make().fit(X, y, { epochs: 100, learningRate: 0.1, loss: "mse" });
  assert.equal(warn.mock.calls.length, 1, "a network that learns is left alone");
});
