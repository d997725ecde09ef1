/**
 * The widgets in the live notebook: `npm start`'s server (scripts/start.ts), a notebook opened in
 * the classic Notebook UI in Chromium, Cell > Run All, then the widget that showWidget put in a
 * cell's output is driven: the neuron's bias slider changes its output (01-neuron, by default),
 * or the playground's Train and Pause work (SCRATCHNET_LIVE_WIDGET_NOTEBOOK=06-activations-and-optimizers.ipynb).
 * Only 127.0.0.1 is reachable; the notebook file is never saved; HOME stays empty.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS } from "../../scripts/lib/project";
import { classicPython, startNotebookServer, type NotebookServer } from "./notebook-server";
import { Chromium, guardedContext, launchChromium, screenshot } from "./chromium";
import { canvasImage, waitForWidgets } from "./widget-page";

const NOTEBOOK = process.env.SCRATCHNET_LIVE_WIDGET_NOTEBOOK ?? "01-neuron.ipynb";

// The classic Notebook 6.4 is the fallback where PyPI cannot be reached (Debian's jupyter-notebook);
// JupyterLab 4 and Notebook 7 are tested in jupyterlab.test.ts. Said out loud when it is not run.
const classic = classicPython();
if (!classic) process.stderr.write("classic Notebook 6.4 not installed (Debian's jupyter-notebook, the fallback without PyPI): its live test is not run\n");

describe("live: a widget in the Notebook UI after Run All (classic Notebook 6.4)", { skip: classic ? false : "the classic Notebook 6.4 (Debian's jupyter-notebook) is not installed: it is only the fallback where PyPI is unreachable" }, () => {
  let server: NotebookServer;
  let chromium: Chromium;
  let base = "";
  let token = "";
  const file = join(NOTEBOOKS, NOTEBOOK);
  const original = readFileSync(file, "utf8");

  before(async () => {
    server = await startNotebookServer("classic");
    ({ base, token } = server);
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  test(`${NOTEBOOK}: Run All, then the widget works in the cell's output`, async () => {
    const sources = readNotebook(file).cells.filter((c) => c.cell_type === "code").map(sourceOf).join("\n");
    const widgets = [...sources.matchAll(/showWidget\("([a-z-]+)"/g)].map((m) => m[1]);
    assert.ok(widgets.length > 0, `${NOTEBOOK} shows a widget`);
    const local = (url: string) => url.startsWith(base) || url.startsWith(base.replace("http", "ws")) || url.startsWith("data:") || url === "about:blank";
    const { page, problems } = await guardedContext(chromium.browser, local);
    const p = await page();
    await p.goto(`${base}/notebooks/${encodeURIComponent(NOTEBOOK)}?token=${token}`);
    await p.waitForFunction(
      () => (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected?: () => boolean } } } }).Jupyter?.notebook?.kernel?.is_connected?.(),
      null,
      { timeout: 60_000 },
    );
    await p.evaluate(() => (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void } } }).Jupyter.notebook.set_autosave_interval(0));
    // The Notebook UI logs a few errors of its own while it loads (an ipywidgets nbextension it
    // does not find, a font): those before Run All are its own; none may come after.
    await p.waitForTimeout(2000);
    const ownErrors = problems.consoleErrors.length;
    await p.click("#celllink");
    await p.click("#run_all_cells");
    await p.waitForFunction(
      () => Array.from(document.querySelectorAll(".code_cell")).every((c) => /\[\d+\]/.test(c.querySelector(".input_prompt")?.textContent ?? "")),
      null,
      { timeout: 300_000 },
    );
    assert.deepEqual(await waitForWidgets(p, 60_000), widgets, "every showWidget call mounted its widget in the output");
    assert.equal(await p.locator(".output_area [data-widget]").count(), widgets.length, "each widget is in a cell's output");

    const root = p.locator(".output_area [data-widget]").first();
    await root.scrollIntoViewIfNeeded();
    if (widgets[0] === "neuron") {
      const y = root.locator("output.snw-y");
      assert.equal(await y.textContent(), "0.9991", "σ(7), the neuron of the notebook");
      await root.locator("input[name=b]").focus();
      for (let i = 0; i < 60; i++) await p.keyboard.press("ArrowLeft"); // bias 4 -> -2: z = 1
      assert.equal(await y.textContent(), (1 / (1 + Math.exp(-1))).toFixed(4), "the slider changed the output to σ(1)");
    } else {
      const loss = ".output_area [data-widget] figure:nth-of-type(2) canvas";
      const before = await canvasImage(p, loss);
      await root.getByRole("button", { name: /Train/ }).click();
      await p.waitForFunction((s) => Number((document.querySelector(s) as HTMLElement).dataset.epochs) >= 20, loss, { timeout: 60_000 });
      await root.getByRole("button", { name: /Pause/ }).click();
      const paused = await canvasImage(p, loss);
      assert.notEqual(paused, before, "Train drew the loss curve");
      await p.waitForTimeout(700);
      assert.equal(await canvasImage(p, loss), paused, "Pause stopped it");
    }
    await screenshot(p, `widgets-live-${NOTEBOOK.replace(/\.ipynb$/, "")}`);
    const errors = await p.locator(".output_area .output_stderr, .output_area .output_error").allTextContents();
    assert.deepEqual(errors, [], "no cell wrote to stderr");
    assert.deepEqual(problems.pageErrors, [], "no uncaught exception on the page");
    assert.deepEqual(problems.consoleErrors.slice(ownErrors), [], "no console error after Run All");
    assert.deepEqual(problems.blockedRequests, [], "nothing outside 127.0.0.1 was asked for");
    assert.equal(readFileSync(file, "utf8"), original, "the notebook file was not saved");
    assert.deepEqual(readdirSync(server.home), [], "nothing was written to HOME");
  });
});
