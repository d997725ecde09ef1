/**
 * Speed of the lite kernel against the tslab kernel, in the same Chromium run, on the same
 * notebooks: the time to the first result after opening a notebook (page load, kernel start, first
 * cell), Run All of 01, 04 and 05, and one `fit` of the circles (timed inside the cell, so only
 * the computation counts). Prints the ratios (lite / tslab) and writes them to
 * screenshots/lite-speed.json; no absolute target, but both kernels must finish every run without
 * a failing cell, so a ratio always compares two complete runs.
 *
 * Uses lite-site/ (built first if missing; SCRATCHNET_LITE_SITE names another) and npm start's Jupyter.
 * Ports 9420 (static) and 9421 (Notebook server).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { Server } from "http";
import { join } from "path";
import { Page } from "playwright-core";
import { LITE_SITE, buildLite, serveStatic } from "../../scripts/lite";
import { NOTEBOOKS } from "../../scripts/lib/project";
import { Chromium, SCREENSHOTS, guardedContext, launchChromium } from "../../test/browser/chromium";
import { NotebookServer, startNotebookServer } from "../../test/browser/notebook-server";

const LITE = `http://127.0.0.1:9420/`;
const SITE = process.env.SCRATCHNET_LITE_SITE ?? LITE_SITE;
const NOTEBOOKS_TIMED = ["01-neuron.ipynb", "04-backprop-and-training.ipynb", "05-circle-classifier.ipynb"];

/** One fit of the circles, as 08 does it, timed inside the cell. */
const FIT_CELL = [
  'import { Network as SpeedNet, circles as speedCircles } from "scratchnet";',
  "const speedData = speedCircles({ seed: 0 });",
  'const speedNet = new SpeedNet({ sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], seed: 0, init: "he" });',
  "const speedT0 = performance.now();",
  'speedNet.fit(speedData.X.scale(0.1), speedData.y, { epochs: 300, learningRate: 0.05, loss: "binaryCrossEntropy", optimizer: "adam" });',
  "console.log(`fit ms ${(performance.now() - speedT0).toFixed(1)}`);",
].join("\n");

interface Timing {
  firstMs: number;
  allMs: number;
}

/** An error's first line, "Name: message" (stderr also carries warnings that notebooks print on purpose). */
const ERROR_LINE = "^\\s*[A-Za-z]*(Error|Exception|Restart|Interrupt)\\b[^\\n]*:";
/** How both sides show cells: npm start's Notebook 7 (tslab) and JupyterLite's are the same UI. */
const UI = { cell: ".jp-CodeCell", prompt: ".jp-InputPrompt", output: ".jp-OutputArea-output", error: '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', errorLine: ERROR_LINE };
/** Which kernel a timing belongs to. */
type Kind = "tslab" | "lite";

async function waitRunAll(p: Page, kind: Kind, t0: number): Promise<Timing> {
  const ui = UI;
  await p.waitForFunction((ui) => document.querySelector(`${ui.cell} ${ui.output}`) !== null, ui, { timeout: 120_000, polling: 20 });
  const firstMs = Date.now() - t0;
  await p.waitForFunction(
    (ui) => {
      const prompts = Array.from(document.querySelectorAll(`${ui.cell} ${ui.prompt}`)).map((e) => e.textContent ?? "");
      const failed = Array.from(document.querySelectorAll(ui.error)).some((e) => new RegExp(ui.errorLine).test(e.textContent ?? ""));
      return failed || (prompts.length > 0 && prompts.every((t) => /\[\d+\]/.test(t)));
    },
    ui,
    { timeout: 300_000, polling: 100 },
  );
  const allMs = Date.now() - t0;
  const errors = await p.$$eval(ui.error, (els, re) => els.map((e) => e.textContent ?? "").filter((t) => new RegExp(re).test(t)), ui.errorLine);
  assert.deepEqual(errors, [], `${kind}: no cell failed`);
  return { firstMs, allMs };
}

describe("speed: the lite kernel against tslab, same Chromium, same notebooks", () => {
  let chromium: Chromium;
  let staticServer: Server;
  let notebook: NotebookServer;
  const results: Record<string, { tslab?: number; lite?: number }> = {};
  const record = (what: string, kind: Kind, ms: number) => ((results[what] ??= {})[kind] = ms);

  before(async () => {
    if (!existsSync(join(SITE, "index.html"))) await buildLite({ out: SITE });
    staticServer = await serveStatic(SITE, 9420);
    notebook = await startNotebookServer("notebook", 9421);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    staticServer?.close();
    await notebook?.stop();
    const ratios = Object.fromEntries(
      Object.entries(results).map(([what, r]) => [what, { ...r, ratio: r.lite && r.tslab ? Number((r.lite / r.tslab).toFixed(2)) : null }]),
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, "lite-speed.json"), JSON.stringify(ratios, null, 2) + "\n");
    process.stderr.write(`lite speed (ms, lite / tslab):\n${JSON.stringify(ratios, null, 2)}\n`);
  });

  /** Run > Run All Cells from the menu (both are Notebook 7), then for 05 one more cell: the timed fit. */
  async function runAllAndFit(p: Page, name: string, kind: Kind, t0: number): Promise<void> {
    await p.getByRole("menuitem", { name: "Run", exact: true }).click();
    await p.click('li[data-command="runmenu:run-all"]');
    const t = await waitRunAll(p, kind, t0);
    record(`${name} first result`, kind, t.firstMs);
    record(`${name} Run All`, kind, t.allMs);
    if (name === "05-circle-classifier.ipynb") {
      const cells = p.locator(".jp-Notebook .jp-Cell");
      await cells.nth((await cells.count()) - 1).locator(".jp-Cell-inputWrapper").click();
      await p.keyboard.press("Escape");
      await p.keyboard.press("b");
      await p.keyboard.press("Enter");
      await p.keyboard.insertText(FIT_CELL);
      await p.keyboard.press("Shift+Enter");
      const out = await p.waitForFunction(() => /fit ms ([\d.]+)/.exec(document.body.innerText)?.[1], null, { timeout: 120_000 });
      record("one fit of the circles (300 epochs)", kind, Number(await out.jsonValue()));
    }
  }

  for (const name of NOTEBOOKS_TIMED) {
    test(`${name}: first result and Run All, tslab then lite`, async () => {
      const original = readFileSync(join(NOTEBOOKS, name), "utf8");
      {
        const { page } = await guardedContext(chromium.browser, (u) => u.startsWith(notebook.base) || u.startsWith(notebook.base.replace("http", "ws")) || u.startsWith("data:") || u === "about:blank");
        const p = await page();
        const t0 = Date.now();
        await p.goto(`${notebook.base}/notebooks/${encodeURIComponent(name)}?token=${notebook.token}`);
        await p.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 60_000 });
        await p.waitForFunction(() => document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle", null, { timeout: 60_000, polling: 20 });
        await runAllAndFit(p, name, "tslab", t0);
        await p.close();
      }
      {
        const { page } = await guardedContext(chromium.browser, (u) => u.startsWith(LITE) || u.startsWith("data:") || u.startsWith("blob:") || u === "about:blank");
        const p = await page();
        const t0 = Date.now();
        await p.goto(`${LITE}full/notebooks/index.html?path=${name}`);
        await p.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 60_000 });
        await runAllAndFit(p, name, "lite", t0);
        await p.close();
      }
      assert.equal(readFileSync(join(NOTEBOOKS, name), "utf8"), original, "the notebook file was not saved");
    });
  }
});
