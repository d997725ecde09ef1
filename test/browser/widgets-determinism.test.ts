/**
 * The numbers in the page are Node's: the circle playground trained in real Chromium (the browser
 * build, dist/widgets.js) ends with the same weights, bit for bit, as `Network.fit` here for the
 * same configuration and the same number of epochs. Epochs come from Step clicks and from Train
 * then Pause (a count that depends on the frame rate, read from the page). The page runs the
 * reference backend, then its WebAssembly kernels; Node runs the reference loops. Reset with the
 * same seed replays the same run. (SGD and momentum with every activation; Adam not yet, see README.)
 * Also: the descent widget's first steps are plain gradient descent with `Network.gradients`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { rmSync } from "fs";
import type { Page } from "playwright-core";
import { Network, circles, people, RandomState, setBackend } from "../../src/index";
import { Chromium, guardedContext, launchChromium } from "./chromium";
import { pageWeightBits, waitForWidgets, weightBits, writeWidgetPage } from "./widget-page";

const PLAYGROUND = '[data-widget="circle-playground"]';
const DESCENT = '[data-widget="descent"]';

type Ctl = { scratchnetWidget: { epoch(): number; config(): unknown; path(): { w: [number, number]; loss: number }[] } };

/** Node's weights after `epochs` epochs of the configuration below, on the reference loops. */
function nodeWeights(c: { hidden: number[]; activation: string; learningRate: number; optimizer: "sgd" | "momentum" | "adam"; batchSize: number; seed: number }, epochs: number) {
  setBackend("reference");
  const { X, y } = circles({ seed: 0 });
  const net = new Network({ sizes: [2, ...c.hidden, 1], activations: [...c.hidden.map(() => c.activation), "sigmoid"], seed: c.seed, init: "he" });
  const batchSize = c.batchSize || X.rows;
  if (epochs > 0) {
    net.fit(X.scale(0.1), y, {
      epochs, learningRate: c.learningRate, loss: "binaryCrossEntropy", optimizer: c.optimizer,
      batchSize, shuffle: batchSize < X.rows, seed: c.seed,
    });
  }
  return weightBits(net.layers);
}

/** The epoch count of the page's k-th playground. */
const pageEpoch = (p: Page, k: number) =>
  p.evaluate(([s, i]) => (document.querySelectorAll(s as string)[i as number] as unknown as Ctl).scratchnetWidget.epoch(), [PLAYGROUND, k]);

describe("the playground in Chromium trains to Node's weights, bit for bit", () => {
  let chromium: Chromium;
  let dir = "";
  const configs = [
    { hidden: [4, 8], activation: "relu", learningRate: 0.1, optimizer: "adam" as const, batchSize: 0, seed: 0 },
    { hidden: [4, 8], activation: "relu", learningRate: 0.3, optimizer: "sgd" as const, batchSize: 0, seed: 0 },
    { hidden: [5], activation: "leakyRelu", learningRate: 0.3, optimizer: "momentum" as const, batchSize: 30, seed: 7 },
    { hidden: [6, 3], activation: "tanh", learningRate: 0.1, optimizer: "momentum" as const, batchSize: 100, seed: 2 },
    { hidden: [3], activation: "sigmoid", learningRate: 1, optimizer: "sgd" as const, batchSize: 10, seed: 5 },
  ];
  let url = "";
  before(async () => {
    ({ url, dir } = writeWidgetPage(configs.map((c) => ["circle-playground", c] as ["circle-playground", Record<string, unknown>])));
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const backend of ["reference", "wasm"] as const) {
    test(`${backend} backend in the page: Step x5, then Train and Pause, then Reset and replay`, async () => {
      const { page, problems } = await guardedContext(chromium.browser, (u) => u.startsWith("file://"));
      const p = await page();
      await p.goto(url);
      await waitForWidgets(p);
      const name = await p.evaluate((b) => {
        const lib = window.scratchnetWidgets!.lib;
        lib.setBackend(b);
        return lib.getBackend().name;
      }, backend);
      assert.equal(name, backend, `the page runs the ${backend} backend`);

      for (let k = 0; k < configs.length; k++) {
        const c = configs[k];
        const root = `${PLAYGROUND} >> nth=${k}`;
        const sel = `:nth-match(${PLAYGROUND}, ${k + 1})`;
        await p.locator(root).locator("button[name=reset]").click(); // a network made under this backend
        assert.deepEqual(await pageWeightBits(p, sel), nodeWeights(c, 0), "the same starting weights");
        for (let i = 0; i < 5; i++) await p.locator(root).locator("button[name=step]").click();
        assert.equal(await pageEpoch(p, k), 5);
        assert.deepEqual(await pageWeightBits(p, sel), nodeWeights(c, 5), "after 5 Steps, as fit({ epochs: 5 })");

        await p.locator(root).locator("button[name=train]").click();
        await p.waitForFunction(([s, i]) => (document.querySelectorAll(s as string)[i as number] as unknown as Ctl).scratchnetWidget.epoch() >= 40, [PLAYGROUND, k], { timeout: 60_000 });
        await p.locator(root).locator("button[name=pause]").click();
        const epochs = await pageEpoch(p, k);
        assert.ok(epochs >= 40);
        const trained = await pageWeightBits(p, sel);
        assert.deepEqual(trained, nodeWeights(c, epochs), `after Train and Pause at epoch ${epochs}, as fit({ epochs: ${epochs} })`);

        await p.locator(root).locator("button[name=reset]").click();
        assert.equal(await pageEpoch(p, k), 0);
        for (let i = 0; i < 3; i++) await p.locator(root).locator("button[name=step]").click();
        assert.deepEqual(await pageWeightBits(p, sel), nodeWeights(c, 3), "Reset with the same seed replays the same run");
      }
      assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
    });
  }

  test("the descent widget steps by Network.gradients, as Node computes them", async () => {
    const { url: durl, dir: ddir } = writeWidgetPage([["descent", { learningRate: 1, steps: 20 }]]);
    try {
      const { page, problems } = await guardedContext(chromium.browser, (u) => u.startsWith("file://"));
      const p = await page();
      await p.goto(durl);
      await waitForWidgets(p);
      await p.evaluate(() => window.scratchnetWidgets!.lib.setBackend("reference"));
      await p.locator(`${DESCENT} input[name=startA]`).fill("-2");
      await p.locator(`${DESCENT} input[name=startB]`).fill("3");
      await p.locator(`${DESCENT} button[name=descend]`).click();
      await p.waitForFunction((s) => (document.querySelector(s) as unknown as Ctl).scratchnetWidget.path().length === 21, DESCENT, { timeout: 30_000 });
      const path = await p.$eval(DESCENT, (el) => (el as unknown as Ctl).scratchnetWidget.path());

      // Node: notebook 03's network (RandomState(0)'s first nine normals) on the four people.
      setBackend("reference");
      const rng = new RandomState(0);
      const [w1, w2, w3, w4, w5, w6, b1, b2, b3] = Array.from({ length: 9 }, () => rng.randn() as number);
      void w5, void w6;
      const { X, y } = people();
      const net = Network.fromJSON({ layers: [
        { weights: [[w1, w3], [w2, w4]], biases: [b1, b2], activation: "sigmoid" },
        { weights: [[-2], [3]], biases: [b3], activation: "sigmoid" },
      ] });
      const expected: [number, number][] = [[-2, 3]];
      for (let k = 0; k < 20; k++) {
        const g = net.gradients(X, y, "mse")[1].dW;
        const W = net.layers[1].W;
        W.set(0, 0, W.get(0, 0) - 1 * g.get(0, 0));
        W.set(1, 0, W.get(1, 0) - 1 * g.get(1, 0));
        expected.push([W.get(0, 0), W.get(1, 0)]);
      }
      assert.deepEqual(path.map((q) => q.w), expected);
      assert.ok(path[20].loss < path[0].loss, "the loss went down");
      assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
    } finally {
      rmSync(ddir, { recursive: true, force: true });
    }
  });
});
