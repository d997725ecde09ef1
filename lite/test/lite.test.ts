/**
 * The course in JupyterLite (npm run lite), in real Chromium, from a plain static server on
 * 127.0.0.1 with every other request blocked: Run All of 01 and 04 in the Notebook UI with the
 * TypeScript kernel, a student's edit that turns "not done yet" into ✓, a restart during a long
 * fit after which the next cell runs, and axe on the lite index.
 *
 * Builds lite-site/ first (about a minute) unless SCRATCHNET_LITE_SITE names a built one.
 * Ports 9410-9419.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Server } from "http";
import { Page } from "playwright-core";
import { LITE_SITE, buildLite, serveStatic } from "../../scripts/lite";
import { Chromium, Problems, guardedContext, launchChromium, screenshot } from "../../test/browser/chromium";
import { runAxe } from "../../test/browser/axe";

const PORT = 9410;
const ORIGIN = `http://127.0.0.1:${PORT}/`;
const SITE = process.env.SCRATCHNET_LITE_SITE ?? LITE_SITE;
const local = (url: string) => url.startsWith(ORIGIN) || url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank";
/** JupyterLite's Notebook asks for favicons it does not ship (static/favicons/): its own 404s, not ours. */
const liteFavicon = (url: string) => /\/static\/favicons\/favicon-[a-z0-9-]+\.ico$/.test(url);

/** Every URL the page got a 404 for. */
function notFound(p: Page): string[] {
  const urls: string[] = [];
  p.on("response", (r) => {
    if (r.status() === 404) urls.push(r.url());
  });
  return urls;
}

/**
 * Opens a notebook of an edition in the Notebook UI and waits for its cells. Leaving a notebook
 * whose save is still being written (to IndexedDB, slower under load) is cancelled by its
 * "unsaved changes" guard: the navigation fails with ERR_ABORTED, and is tried again a moment later.
 */
async function openNotebook(p: Page, edition: "full" | "student", notebook: string): Promise<void> {
  const url = `${ORIGIN}${edition}/notebooks/index.html?path=${notebook}`;
  for (let tries = 1; ; tries++) {
    try {
      await p.goto(url);
      break;
    } catch (e) {
      if (tries >= 5 || !String((e as Error).message).includes("ERR_ABORTED")) throw e;
      await p.waitForTimeout(1000);
    }
  }
  await p.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 60_000 });
}

/**
 * The cells' errors. JupyterLab shows errors and stderr alike (a warning a notebook prints on
 * purpose, such as fit's saturation hint in 03); an error's first line is "Name: message".
 */
const ERROR_LINE = "^\\s*[A-Za-z]*(Error|Exception|Restart|Interrupt)\\b[^\\n]*:";
const errorOutputs = (p: Page) =>
  p.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (els, re) => els.map((e) => e.textContent ?? "").filter((t) => new RegExp(re).test(t)), ERROR_LINE);

/** Run > Run All Cells, then waits until no cell is queued or running; returns the milliseconds. */
async function runAll(p: Page, timeout = 240_000): Promise<number> {
  const t0 = Date.now();
  await p.getByRole("menuitem", { name: "Run", exact: true }).click();
  await p.click('li[data-command="runmenu:run-all"]');
  await waitIdle(p, timeout);
  return Date.now() - t0;
}

/**
 * Waits until Run All is over: every code cell numbered, or (Run All stops at a failing cell) a
 * cell failed and nothing is queued or running any more.
 */
async function waitIdle(p: Page, timeout = 240_000): Promise<void> {
  await p.waitForFunction(
    (re) => {
      const prompts = Array.from(document.querySelectorAll(".jp-CodeCell .jp-InputPrompt")).map((e) => e.textContent ?? "");
      if (prompts.length === 0 || prompts.some((t) => t.includes("*"))) return false;
      const stderr = Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'));
      return stderr.some((e) => new RegExp(re).test(e.textContent ?? "")) || prompts.every((t) => /\[\d+\]/.test(t));
    },
    ERROR_LINE,
    { timeout, polling: 250 },
  );
}

const outputsText = (p: Page) => p.$$eval(".jp-OutputArea-output", (els) => els.map((e) => e.textContent ?? "").join("\n"));

/** Adds a code cell at the end (Escape, B, Enter, as a learner does), types `source` and runs it. */
async function appendAndRun(p: Page, source: string): Promise<number> {
  const cells = p.locator(".jp-Notebook .jp-Cell");
  const last = (await cells.count()) - 1;
  await cells.nth(last).locator(".jp-Cell-inputWrapper").click();
  await p.keyboard.press("Escape");
  await p.keyboard.press("b");
  await p.keyboard.press("Enter");
  await p.keyboard.insertText(source);
  await p.keyboard.press("Shift+Enter");
  return last + 1;
}

/** Replaces a cell's source as a learner would (select all, type) and runs it with Shift+Enter. */
async function typeAndRun(p: Page, cellIndex: number, source: string): Promise<void> {
  const editor = p.locator(".jp-Notebook .jp-Cell").nth(cellIndex).locator(".cm-content");
  await editor.click();
  await p.keyboard.press("Control+a");
  await p.keyboard.insertText(source);
  await p.keyboard.press("Shift+Enter");
}

/** Nothing went wrong on the page but JupyterLite's missing favicons (each 404 also logs a console error). */
function assertClean(problems: Problems, missing: string[]): void {
  assert.deepEqual(problems.blockedRequests, [], "no request left 127.0.0.1");
  assert.deepEqual(problems.pageErrors, [], "no uncaught exception on the page");
  assert.deepEqual(missing.filter((u) => !liteFavicon(u)), [], "no 404 but JupyterLite's favicons");
  assert.deepEqual(problems.consoleErrors.filter((e) => !/the server responded with a status of 404/.test(e)), [], "no console error");
}

describe("JupyterLite: the course in the browser, from a static folder", () => {
  let chromium: Chromium;
  let server: Server;
  before(async () => {
    if (!process.env.SCRATCHNET_LITE_SITE) await buildLite();
    server = await serveStatic(SITE, PORT);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    server?.close();
  });

  test("01: Run All gives the neuron's 0.9990889488055994, a drawn plot, a ✓, and a live neuron widget", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    await openNotebook(p, "full", "01-neuron.ipynb");
    const ms = await runAll(p);
    const text = await outputsText(p);
    assert.match(text, /0\.9990889488055994/);
    assert.match(text, /✓ totalInput: correct/);
    assert.deepEqual(await errorOutputs(p), [], "no cell failed");
    await p.waitForSelector(".scratchnet-plot .main-svg", { timeout: 30_000 });
    const figures = await p.locator(".scratchnet-plot").count();
    assert.equal(await p.locator(".scratchnet-plot .main-svg").count() > 0, true);
    const root = p.locator("[data-widget=neuron]").first();
    await root.scrollIntoViewIfNeeded();
    const y = root.locator("output.snw-y");
    await assert.doesNotReject(y.waitFor({ timeout: 30_000 }));
    assert.equal(await y.textContent(), "0.9991", "σ(7), the neuron of the notebook");
    // Dragged to -2 (JupyterLab keeps the arrow keys for moving between cells): z = 0·2 + 1·3 - 2 = 1.
    await root.locator("input[name=b]").fill("-2");
    assert.equal(await y.textContent(), (1 / (1 + Math.exp(-1))).toFixed(4), "the slider changed the output to σ(1)");
    await screenshot(p, "lite-01-neuron");
    process.stderr.write(`lite 01: Run All ${ms} ms, ${figures} figures\n`);
    assertClean(problems, missing);
  });

  test("04: Run All reproduces Zhou's and Loy's numbers in the page", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    await openNotebook(p, "full", "04-backprop-and-training.ipynb");
    const ms = await runAll(p);
    assert.deepEqual(await errorOutputs(p), [], "no cell failed: every assertion of the notebook held");
    const text = await outputsText(p);
    // Zhou: the loss after the first epoch of his loop; Loy: the four predictions after 1500 iterations.
    assert.match(text, /loss after epoch 0: 0\.35206793678164/);
    assert.match(text, /Emily: 0\.9\d\d -> F {3}Frank: 0\.0\d\d -> M/);
    assert.match(text, /predictions after 1500 iterations: 0\.01009142198176\d*, 0\.97159048448296\d*, 0\.97167813317722\d*, 0\.03296341092906\d*/);
    process.stderr.write(`lite 04: Run All ${ms} ms\n`);
    assertClean(problems, missing);
  });

  test("student edition: a check says 'not done yet', the learner writes the solution, re-runs, and gets ✓", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    await openNotebook(p, "student", "01-neuron.ipynb");
    await runAll(p);
    const cells = p.locator(".jp-Notebook .jp-Cell");
    const exercise = await cells.evaluateAll((els) => els.findIndex((e) => (e.textContent ?? "").includes('return todo("totalInput")')));
    assert.ok(exercise > 0, "the totalInput exercise is in the student notebook");
    const check = cells.nth(exercise + 1);
    assert.match((await check.locator(".jp-OutputArea").textContent()) ?? "", /totalInput: not done yet/);
    await typeAndRun(p, exercise, [
      "function totalInput(weights: number[], bias: number, inputs: number[]): number {",
      "  return weights.reduce((sum, w, i) => sum + w * inputs[i], bias);",
      "}",
    ].join("\n"));
    await p.keyboard.press("Shift+Enter"); // the check cell, now selected
    await p.waitForFunction((i) => /✓ totalInput: correct/.test(document.querySelectorAll(".jp-Notebook .jp-Cell")[i]?.textContent ?? ""), exercise + 1, { timeout: 30_000 });
    await screenshot(p, "lite-student-check");
    assertClean(problems, missing);
  });

  test("a restart during a long fit stops it, and the next cell runs", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    await openNotebook(p, "full", "05-circle-classifier.ipynb");
    const fitCell = await appendAndRun(p, [
      'import { Network, circles } from "scratchnet";',
      "const data = circles({ seed: 0 });",
      'const long = new Network({ sizes: [2, 32, 32, 1], activations: ["relu", "relu", "sigmoid"], seed: 0 });',
      'long.fit(data.X, data.y, { epochs: 1_000_000, learningRate: 0.01, loss: "binaryCrossEntropy" });',
    ].join("\n"));
    const running = p.locator(".jp-Notebook .jp-Cell").nth(fitCell).locator(".jp-InputPrompt");
    await p.waitForFunction((el) => el?.textContent?.includes("*"), await running.elementHandle(), { timeout: 30_000 });
    await p.waitForTimeout(1500); // it is inside fit now
    assert.match((await running.textContent()) ?? "", /\*/, "the fit is still running");
    await p.getByRole("menuitem", { name: "Kernel", exact: true }).click();
    await p.click('li[data-command="kernelmenu:restart"]');
    await p.click(".jp-Dialog .jp-mod-accept");
    await p.waitForFunction((el) => !el?.textContent?.includes("*"), await running.elementHandle(), { timeout: 30_000 });
    // The next cell: a fresh kernel runs it.
    await appendAndRun(p, "6 * 7");
    await p.waitForFunction(() => Array.from(document.querySelectorAll(".jp-OutputArea-output")).some((e) => e.textContent?.trim() === "42"), null, { timeout: 60_000 });
    assertClean(problems, missing);
  });

  test("a learner's saved edit stays in the browser, and the index's reset button brings back the original", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    const firstCode = async () => (await p.locator(".jp-Notebook .jp-CodeCell").first().locator(".cm-content").textContent()) ?? "";
    await openNotebook(p, "full", "02-network.ipynb");
    const original = await firstCode();
    await p.locator(".jp-Notebook .jp-CodeCell").first().locator(".cm-content").click();
    await p.keyboard.press("Control+a");
    await p.keyboard.insertText("// my own note");
    await p.keyboard.press("Control+s");
    await p.waitForTimeout(1000); // the save goes to IndexedDB
    await openNotebook(p, "full", "02-network.ipynb");
    assert.equal(await firstCode(), "// my own note", "the edit was kept across a reload");
    await p.goto(ORIGIN);
    await p.click("#reset");
    await p.waitForFunction(() => (document.getElementById("reset-status")?.textContent ?? "").startsWith("Done"));
    await openNotebook(p, "full", "02-network.ipynb");
    assert.equal(await firstCode(), original, "the original is back");
    assertClean(problems, missing);
  });

  // The other eight, each in a fresh page: Run All ends with every cell numbered and none failed.
  for (const notebook of ["00-setup-check", "02-network", "03-loss", "05-circle-classifier", "06-activations-and-optimizers", "07-handwritten-digits", "08-from-scratch-to-tensorflow", "09-autograd"]) {
    test(`${notebook}: Run All in the page, no cell fails`, async () => {
      const { page, problems } = await guardedContext(chromium.browser, local);
      const p = await page();
      const missing = notFound(p);
      await openNotebook(p, "full", `${notebook}.ipynb`);
      const ms = await runAll(p);
      assert.deepEqual(await errorOutputs(p), [], "no cell failed");
      const prompts = await p.$$eval(".jp-CodeCell .jp-InputPrompt", (els) => els.map((e) => e.textContent ?? ""));
      assert.ok(prompts.every((t) => /\[\d+\]/.test(t)), "every code cell ran");
      process.stderr.write(`lite ${notebook}: Run All ${ms} ms\n`);
      assertClean(problems, missing);
    });
  }

  test("the lite index: every notebook linked in both editions, axe finds nothing serious", async () => {
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    const missing = notFound(p);
    await p.goto(ORIGIN);
    const links = await p.$$eval("a", (as) => as.map((a) => a.getAttribute("href") ?? ""));
    for (const edition of ["full", "student"]) {
      assert.ok(links.some((l) => l.startsWith(`${edition}/notebooks/index.html?path=01-neuron.ipynb`)), `${edition} 01 linked`);
    }
    const findings = await runAxe(p);
    const serious = findings.filter((f) => f.impact === "serious" || f.impact === "critical");
    assert.deepEqual(serious, [], "no serious or critical axe finding on the lite index");
    // JupyterLab's own UI is not ours: count its findings on a notebook page, and report them.
    await openNotebook(p, "full", "01-neuron.ipynb");
    const lab = await runAxe(p);
    process.stderr.write(`lite: axe on JupyterLite's Notebook UI (not ours): ${lab.filter((f) => f.impact === "serious" || f.impact === "critical").map((f) => f.rule).join(", ") || "none"} serious or critical\n`);
    assertClean(problems, missing);
  });
});
