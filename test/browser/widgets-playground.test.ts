/**
 * The `playground` widget in real Chromium, from file:// with every other request blocked:
 * - each data set draws with its point count, and its points are the library's (made again in Node);
 * - the noise and training-share controls change the data;
 * - a feature toggle changes the first layer's input count;
 * - the diagram has one heat map per hidden unit, after + and − on neurons and layers;
 * - the test loss is drawn beside the training loss;
 * - the URL hash round-trips every setting into a fresh page;
 * - "copy as code", run in Node, gives the page's weights bit for bit;
 * - axe-core finds nothing serious, and every control is reached and worked from the keyboard;
 * - frames/s with and without the heat maps, from the same run (at least 20 with them);
 * and writes screenshots/widgets-playground-full.png (and -hover.png, a unit's map shown large).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { loadavg, tmpdir } from "os";
import { join } from "path";
import type { Page } from "playwright-core";
import { ROOT } from "../../scripts/lib/project";
import { makeData } from "../../src/show/widgets/playground-data";
import type { Settings } from "../../src/show/widgets/playground-settings";
import { Chromium, SCREENSHOTS, guardedContext, launchChromium } from "./chromium";
import { describeFindings, isBlocking, runAxe } from "./axe";
import { canvasImage, pageWeightBits, waitForWidgets, writeWidgetPage } from "./widget-page";

const W = '[data-widget="playground"]';
const noProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] };

type Data = { train: { X: number[][]; y: number[] }; test: { X: number[][]; y: number[] } };
type Ctl = {
  scratchnetWidget: {
    settings(): Settings; data(): Data; config(): { sizes: number[] }; epoch(): number; losses(): number[]; testLosses(): number[];
    weights(): { W: number[][] }[]; code(): string;
    stats(): { frames: number; epochs: number; ms: number; wallMs: number; backend: string };
  };
};
const settings = (p: Page) => p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.settings());
const pageData = (p: Page) => p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.data());
const sizes = (p: Page) => p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.config().sizes);
const mapCount = (p: Page) => p.locator(`${W} canvas.snw-unit-map`).count();
const points = (p: Page) => p.$eval(`${W} figure canvas`, (c) => Number((c as HTMLElement).dataset.points));

/** The same points made in Node by the library: [training X, test X]. */
function nodeData(s: Settings): [number[][], number[][]] {
  const d = makeData(s.dataset, s.dataSeed, s.noise, s.trainPercent, 1, ["x1", "x2"]);
  return [d.train.X.toArray(), d.test.X.toArray()];
}

describe("the playground widget, offline in Chromium", () => {
  let chromium: Chromium;
  let url = "";
  let dir = "";
  before(async () => {
    ({ url, dir } = writeWidgetPage([["playground", {}]]));
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (hash = "") => {
    const guarded = await guardedContext(chromium.browser, (u) => u.startsWith("file://"));
    const p = await guarded.page();
    await p.goto(url + hash);
    await waitForWidgets(p);
    return { p, problems: guarded.problems };
  };

  test("each data set draws with its point count, the library's points; noise and the training share change them", async () => {
    const { p, problems } = await open();
    const big = `${W} figure canvas`;
    const images = new Set<string>();
    for (const name of ["circle", "xor", "gaussians", "spiral", "plane", "mixture"]) {
      await p.locator(`${W} select[name=dataset]`).selectOption(name);
      const s = await settings(p);
      const [train, testX] = nodeData(s);
      const data = await pageData(p);
      assert.deepEqual(data.train.X, train, `${name}: the page's training points are the library's`);
      assert.deepEqual(data.test.X, testX, `${name}: and its test points`);
      assert.equal(train.length + testX.length, 300, `${name}: 300 points`);
      assert.equal(await points(p), 150, `${name}: 150 training points drawn at 50%`);
      await p.locator(`${W} input[name=showTest]`).check();
      assert.equal(await points(p), 300, `${name}: with the test points, 300 drawn`);
      await p.locator(`${W} input[name=showTest]`).uncheck();
      images.add(await canvasImage(p, big));
    }
    assert.equal(images.size, 6, "six different pictures");

    await p.locator(`${W} select[name=dataset]`).selectOption("xor");
    const before = await pageData(p);
    const noise = p.locator(`${W} input[name=noise]`);
    await noise.focus();
    for (let i = 0; i < 4; i++) await p.keyboard.press("ArrowRight"); // 0 -> 20
    assert.equal((await settings(p)).noise, 20);
    const noisy = await pageData(p);
    assert.notDeepEqual(noisy.train.X, before.train.X, "the noise moved the points");
    assert.deepEqual(noisy.train.X, nodeData(await settings(p))[0], "to the library's noisy points");
    const share = p.locator(`${W} input[name=trainPercent]`);
    await share.focus();
    await p.keyboard.press("ArrowRight"); // 50% -> 60%
    const split = await pageData(p);
    assert.equal(split.train.X.length, 180, "60% of 300 train");
    assert.equal(split.test.X.length, 120);
    assert.equal(await points(p), 180);
    // "discretize output": the soft background becomes two flat colours
    for (let i = 0; i < 5; i++) await p.locator(`${W} button[name=step]`).click();
    const soft = await canvasImage(p, big);
    await p.locator(`${W} input[name=discretize]`).check();
    const hard = await canvasImage(p, big);
    assert.notEqual(hard, soft, "discretize redrew the output");
    const shades = await p.$eval(big, (c) => {
      const canvas = c as HTMLCanvasElement;
      const k = canvas.width / 340;
      // a strip of the background away from the points' edge: at most the two class shades and the blend between them
      const img = canvas.getContext("2d")!.getImageData(Math.round(45 * k), Math.round(12 * k), Math.round(8 * k), Math.round(8 * k)).data;
      return new Set(Array.from({ length: img.length / 4 }, (_, i) => img.slice(4 * i, 4 * i + 3).join(","))).size;
    });
    assert.ok(shades <= 3, `a corner of the discretized map holds ${shades} colours`);
    assert.deepEqual(problems, noProblems);
  });

  test("a feature toggle changes the first layer's input count; + and − keep one heat map per hidden unit", async () => {
    const { p, problems } = await open();
    assert.deepEqual(await sizes(p), [2, 4, 2, 1]);
    assert.equal(await mapCount(p), 6);
    await p.locator(`${W} input[name=feature][value="x1^2"]`).check();
    await p.locator(`${W} input[name=feature][value="x2^2"]`).check();
    assert.deepEqual(await sizes(p), [4, 4, 2, 1], "x1² and x2² are two more inputs");
    const first = await p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.weights()[0].W.length);
    assert.equal(first, 4, "the first layer's W has 4 rows");
    assert.equal(await p.locator(`${W} canvas.snw-input-map`).count(), 4);
    await p.locator(`${W} input[name=feature][value="x1"]`).uncheck();
    assert.deepEqual(await sizes(p), [3, 4, 2, 1]);

    const click = (label: string) => p.getByRole("button", { name: label, exact: true }).click();
    await click("add a neuron to hidden layer 1");
    await click("add a neuron to hidden layer 1");
    assert.deepEqual(await sizes(p), [3, 6, 2, 1]);
    assert.equal(await mapCount(p), 8);
    await click("remove a neuron from hidden layer 2");
    assert.deepEqual(await sizes(p), [3, 6, 1, 1]);
    assert.equal(await mapCount(p), 7);
    await click("add a hidden layer");
    assert.deepEqual(await sizes(p), [3, 6, 1, 1, 1]);
    assert.equal(await mapCount(p), 8);
    await click("add a neuron to hidden layer 3");
    assert.equal(await mapCount(p), 9);
    for (let i = 0; i < 3; i++) await click("remove the last hidden layer");
    assert.deepEqual(await sizes(p), [3, 1], "no hidden layer: one neuron on the features");
    assert.equal(await mapCount(p), 0);
    assert.equal(await p.getByRole("button", { name: "remove the last hidden layer" }).isDisabled(), true, "nothing left to remove");
    await click("add a hidden layer");
    assert.deepEqual(await sizes(p), [3, 4, 1]);
    assert.equal(await mapCount(p), 4);

    // what a reader can get wrong is said in the widget
    const status = p.locator(`${W} [role=status]`);
    await p.locator(`${W} input[name=hidden]`).fill("4, 40");
    await p.locator(`${W} input[name=hidden]`).press("Enter");
    await p.locator(`${W} input[name=hidden]`).dispatchEvent("change");
    assert.equal(await status.textContent(), "hidden layers: give 0 to 6 whole numbers from 1 to 16, separated by commas (for example 4, 2)");
    for (const f of ["x2", "x1^2", "x2^2"]) await p.locator(`${W} input[name=feature][value="${f}"]`).uncheck();
    assert.equal(await status.textContent(), "features: choose at least one input feature");
    await p.locator(`${W} input[name=seed]`).fill("-1");
    await p.locator(`${W} input[name=seed]`).dispatchEvent("change");
    assert.equal(await status.textContent(), "seed: give a whole number, 0 or more");
    assert.deepEqual(problems, noProblems);
  });

  test("bad options and a broken shared link", async () => {
    const bad = writeWidgetPage([["playground", { hidden: [4, 40], urlHash: false }]]);
    try {
      const guarded = await guardedContext(chromium.browser, (u) => u.startsWith("file://"));
      const p = await guarded.page();
      await p.goto(bad.url);
      await p.waitForFunction(() => document.querySelector("[data-widget] .snw-error"));
      assert.equal(await p.locator("[data-widget] .snw-error").textContent(),
        "The playground widget could not start: hidden layers: give 0 to 6 whole numbers from 1 to 16, separated by commas (for example 4, 2)");
    } finally {
      rmSync(bad.dir, { recursive: true, force: true });
    }
    const { p, problems } = await open("#playground=1&dataset=moons&hidden=4,2");
    assert.equal((await settings(p)).dataset, "circle", "a link with an unknown data set opens the defaults");
    assert.deepEqual(problems, noProblems);
  });

  test("the test loss is drawn beside the training loss", async () => {
    const { p, problems } = await open();
    const loss = `${W} figure:nth-of-type(2) canvas`;
    const empty = await canvasImage(p, loss);
    for (let i = 0; i < 8; i++) await p.locator(`${W} button[name=step]`).click();
    const [train, testL] = await p.$eval(W, (el) => [(el as unknown as Ctl).scratchnetWidget.losses(), (el as unknown as Ctl).scratchnetWidget.testLosses()]);
    assert.equal(train.length, 8);
    assert.equal(testL.length, 8, "one test loss per epoch");
    assert.notDeepEqual(testL, train);
    assert.equal(await p.$eval(loss, (c) => (c as HTMLElement).dataset.testEpochs), "8");
    assert.match((await p.$eval(loss, (c) => c.getAttribute("aria-label"))) ?? "", /training from .* test from /);
    // the dashed test curve is dark grey (#222): count such pixels inside the plot, left of the legend
    const dark = await p.$eval(loss, (c) => {
      const canvas = c as HTMLCanvasElement;
      const k = canvas.width / 320;
      const img = canvas.getContext("2d")!.getImageData(Math.round(50 * k), Math.round(40 * k), Math.round(200 * k), Math.round(110 * k)).data;
      let n = 0;
      for (let i = 0; i < img.length; i += 4) if (img[i] < 60 && img[i + 1] < 60 && img[i + 2] < 60) n++;
      return n;
    });
    assert.ok(dark > 20, `the test curve's pixels: ${dark}`);
    assert.notEqual(await canvasImage(p, loss), empty);
    // at 100% training there is no test set and no test curve
    const share = p.locator(`${W} input[name=trainPercent]`);
    await share.focus();
    await p.keyboard.press("End");
    await p.locator(`${W} button[name=step]`).click();
    assert.equal(await p.$eval(loss, (c) => (c as HTMLElement).dataset.testEpochs), "0");
    assert.deepEqual(problems, noProblems);
  });

  test("the URL hash round-trips every setting", async () => {
    const { p, problems } = await open();
    const w = p.locator(W);
    await w.locator("select[name=dataset]").selectOption("spiral");
    await w.locator("input[name=noise]").fill("35");
    await w.locator("input[name=noise]").dispatchEvent("change");
    await w.locator("input[name=trainPercent]").fill("70");
    await w.locator("input[name=trainPercent]").dispatchEvent("change");
    await w.locator("input[name=dataSeed]").fill("3");
    await w.locator("input[name=dataSeed]").dispatchEvent("change");
    await w.locator("input[name=showTest]").check();
    await w.locator("input[name=discretize]").check();
    for (const f of ["x1^2", "x2^2", "x1*x2", "sin(x1)", "cos(x2)"]) await w.locator(`input[name=feature][value="${f}"]`).check();
    await w.locator("input[name=feature][value=x1]").uncheck();
    await w.locator("input[name=hidden]").fill("5, 3, 2");
    await w.locator("input[name=hidden]").dispatchEvent("change");
    await w.locator("select[name=activation]").selectOption("relu");
    await w.locator("select[name=learningRate]").selectOption("0.1");
    await w.locator("select[name=optimizer]").selectOption("momentum");
    await w.locator("select[name=batchSize]").selectOption("30");
    await w.locator("select[name=regularization]").selectOption("l1");
    await w.locator("select[name=regularizationRate]").selectOption("0.03");
    await w.locator("input[name=seed]").fill("9");
    await w.locator("input[name=seed]").dispatchEvent("change");
    await w.locator("select[name=speed]").selectOption("20");
    await w.locator("input[name=showLines]").check();
    await w.locator("input[name=showMaps]").uncheck();
    const chosen = await settings(p);
    const want: Settings = {
      dataset: "spiral", noise: 35, trainPercent: 70, dataSeed: 3, features: ["x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "cos(x2)"],
      hidden: [5, 3, 2], activation: "relu", learningRate: 0.1, optimizer: "momentum", batchSize: 30, regularization: "l1",
      regularizationRate: 0.03, seed: 9, epochsPerFrame: 20, showTest: true, discretize: true, showLines: true, showMaps: false,
    };
    assert.deepEqual(chosen, want, "every setting differs from the defaults");
    const hash = await p.evaluate(() => location.hash);
    assert.match(hash, /^#playground=1&dataset=spiral&/);
    const fresh = await open(hash);
    assert.deepEqual(await settings(fresh.p), want, "a fresh page from the shared link has the same settings");
    assert.deepEqual(await sizes(fresh.p), [6, 5, 3, 2, 1]);
    assert.equal(await fresh.p.evaluate(() => location.hash), hash, "and writes back the same hash");
    const other = await open("#playground=2&dataset=xor");
    assert.equal((await settings(other.p)).dataset, "circle", "a hash for another playground of the page is left alone");
    assert.deepEqual(problems, noProblems);
    assert.deepEqual(fresh.problems, noProblems);
  });

  for (const [label, setup] of [
    ["xor, 60% training, x1² x2² x1x2 sin(x1), 3-2 tanh, momentum, batch 30, L2", {
      dataset: "xor", noise: 25, trainPercent: 60, dataSeed: 4, features: ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)"],
      hidden: [3, 2], activation: "tanh", learningRate: 0.1, optimizer: "momentum", batchSize: 30, regularization: "l2", regularizationRate: 0.01, seed: 2,
    }],
    ["mixture regression, L1, Adam, cos features, batch 10", {
      dataset: "mixture", noise: 10, trainPercent: 50, dataSeed: 1, features: ["x1", "x2", "cos(x1)", "cos(x2)", "sin(x2)"],
      hidden: [6], activation: "relu", learningRate: 0.03, optimizer: "adam", batchSize: 10, regularization: "l1", regularizationRate: 0.001, seed: 5,
    }],
  ] as [string, Partial<Settings>][]) {
    test(`copy as code, run in Node, gives the page's weights bit for bit: ${label}`, async () => {
      const page = writeWidgetPage([["playground", { ...setup, urlHash: false }]]);
      const guarded = await guardedContext(chromium.browser, (u) => u.startsWith("file://"));
      const p = await guarded.page();
      const tmp = mkdtempSync(join(tmpdir(), "scratchnet-copy-"));
      try {
        await p.goto(page.url);
        await waitForWidgets(p);
        for (let i = 0; i < 3; i++) await p.locator(`${W} button[name=step]`).click();
        await p.locator(`${W} button[name=train]`).click();
        await p.waitForFunction((s) => (document.querySelector(s) as unknown as Ctl).scratchnetWidget.epoch() >= 60, W, { timeout: 60_000 });
        await p.locator(`${W} button[name=pause]`).click();
        const epochs = await p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.epoch());
        await p.locator(`${W} button[name=copyCode]`).click();
        const code = await p.locator(`${W} textarea[name=code]`).inputValue();
        assert.match(code, new RegExp(`epochs: ${epochs}, `));
        assert.doesNotMatch(code, /Settings changed/);
        // run it as a notebook would, then write the weights' bits to a file
        const file = join(tmp, "run.ts"), bitsFile = join(tmp, "bits.json");
        writeFileSync(file, code.replace('from "scratchnet"', `from ${JSON.stringify(join(ROOT, "src", "index.ts"))}`) +
          `import { writeFileSync } from "fs";\n` +
          `const bits = (v: number) => { const b = Buffer.alloc(8); b.writeDoubleBE(v); return b.toString("hex"); };\n` +
          `writeFileSync(${JSON.stringify(bitsFile)}, JSON.stringify(net.layers.map((l) => [...Array.from(l.W.data), ...(l.b ? Array.from(l.b.data) : [])].map(bits))));\n`);
        const out = execFileSync(process.execPath, ["--import", "tsx", file], { cwd: ROOT, encoding: "utf8" });
        assert.match(out, /^training loss \d/, "the code runs and prints its losses");
        const nodeBits = JSON.parse(readFileSync(bitsFile, "utf8")) as string[][];
        assert.deepEqual(await pageWeightBits(p, W), nodeBits, `after ${epochs} epochs, the page's weights are Node's`);
        const pageLoss = await p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.losses().at(-1));
        assert.equal(Number(out.split(" ")[2]), pageLoss, "and so is the last training loss");
        assert.deepEqual(guarded.problems, noProblems);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
        rmSync(page.dir, { recursive: true, force: true });
      }
    });
  }

  test("axe-core: nothing serious; every control is reached with Tab and works from the keyboard", async () => {
    const { p, problems } = await open();
    await p.locator(`${W} input[name=showTest]`).check(); // test points on: axe sees the fullest widget
    const blocking = (await runAxe(p, W)).filter(isBlocking);
    assert.equal(blocking.length, 0, describeFindings("playground", blocking));

    // Tab from the top of the page through the widget: every enabled control gets the focus once
    const controls = await p.$$eval(`${W} input, ${W} select, ${W} button, ${W} textarea`, (els) =>
      els.filter((e) => !(e as HTMLButtonElement).disabled && (e as HTMLElement).offsetParent !== null).length);
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const seen = new Set<string>();
    for (let i = 0; i < controls + 20; i++) {
      await p.keyboard.press("Tab");
      const id = await p.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || !e.closest("[data-widget]")) return "";
        return `${e.tagName}:${e.getAttribute("name") ?? ""}:${e.getAttribute("value") ?? ""}:${e.getAttribute("aria-label") ?? e.textContent}`;
      });
      if (id) seen.add(id);
    }
    assert.equal(seen.size, controls, `Tab reached ${seen.size} of the ${controls} controls: ${[...seen].join(" | ")}`);

    // and each kind works from the keyboard alone
    await p.locator(`${W} input[name=feature][value="x1*x2"]`).focus();
    await p.keyboard.press("Space");
    assert.deepEqual(await sizes(p), [3, 4, 2, 1], "Space on a feature adds an input");
    await p.locator(`${W} select[name=dataset]`).focus();
    await p.keyboard.press("ArrowDown");
    assert.equal((await settings(p)).dataset, "xor", "the arrow keys choose a data set");
    await p.getByRole("button", { name: "add a neuron to hidden layer 2" }).focus();
    await p.keyboard.press("Enter");
    assert.equal(await mapCount(p), 7, "Enter on + adds a neuron");
    const bigLabel = () => p.$eval(`${W} figure canvas`, (c) => c.getAttribute("aria-label") ?? "");
    await p.getByRole("button", { name: /hidden layer 1, neuron 3/ }).focus();
    assert.match(await bigLabel(), /hidden layer 1 neuron 3's output/, "focusing a unit shows its map on the big plot");
    await p.keyboard.press("Tab");
    await p.locator(`${W} button[name=step]`).focus();
    assert.match(await bigLabel(), /decision boundary/, "leaving it shows the output again");
    await p.keyboard.press("Enter");
    assert.equal(await p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.epoch()), 1, "Enter on Step trains one epoch");
    await p.locator(`${W} button[name=copyCode]`).focus();
    await p.keyboard.press("Enter");
    assert.match(await p.locator(`${W} textarea[name=code]`).inputValue(), /new Network\(\{ sizes: \[3,4,3,1\]/);
    assert.deepEqual(problems, noProblems);
  });

  test("frames/s with and without the heat maps, from the same run (default network, 5 epochs a frame); the screenshot", async () => {
    const { p, problems } = await open();
    const stats = () => p.$eval(W, (el) => (el as unknown as Ctl).scratchnetWidget.stats());
    await p.locator(`${W} button[name=train]`).click();
    await p.waitForTimeout(4000);
    const a = await stats();
    await p.locator(`${W} input[name=showMaps]`).uncheck(); // the run goes on, without the hidden maps
    await p.waitForTimeout(4000);
    const b = await stats();
    await p.locator(`${W} button[name=pause]`).click();
    const rate = (frames: number, ms: number) => (1000 * frames) / ms;
    const withMaps = rate(a.frames, a.wallMs), without = rate(b.frames - a.frames, b.wallMs - a.wallMs);
    const work = (frames: number, ms: number) => (ms / frames).toFixed(2);
    process.stdout.write(
      `# playground [2,4,2,1] (${a.backend} backend, 5 epochs/frame, 150 training points, batch 10): ` +
        `${withMaps.toFixed(1)} frames/s with every heat map (${work(a.frames, a.ms)} ms of work a frame), ` +
        `${without.toFixed(1)} frames/s without (${work(b.frames - a.frames, b.ms - a.ms)} ms); load average ${loadavg()[0].toFixed(2)}\n`,
    );
    assert.equal(a.epochs, 5 * a.frames, "5 epochs a frame");
    assert.ok(withMaps >= 20, `${withMaps.toFixed(1)} frames/s with the heat maps (at least 20 wanted)`);
    await p.locator(`${W} input[name=showMaps]`).check();
    await p.locator(`${W} input[name=showTest]`).check();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await p.locator(W).screenshot({ path: join(SCREENSHOTS, "widgets-playground-full.png") });
    await p.getByRole("button", { name: /hidden layer 1, neuron 2/ }).hover(); // its map, large, behind the data
    await p.locator(W).screenshot({ path: join(SCREENSHOTS, "widgets-playground-hover.png") });
    assert.deepEqual(problems, noProblems);
  });
});
