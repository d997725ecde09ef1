/**
 * The live path in the classic fallback: `npm start`'s server with Debian's Notebook 6.4, a notebook opened
 * in the classic Notebook UI in Chromium, Cell > Run All clicked, and every plot appears.
 * Only 127.0.0.1 is reachable. The notebook file is never saved (autosave off, checked after), and
 * the server and kernel run with an empty HOME that must stay empty.
 * SCRATCHNET_LIVE_NOTEBOOK picks the notebook (default 00-setup-check.ipynb).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync, readdirSync } from "fs";
import { join } from "path";
import { readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS } from "../../scripts/lib/project";
import { classicPython, startNotebookServer, type NotebookServer } from "./notebook-server";
import { Chromium, guardedContext, launchChromium, screenshot } from "./chromium";

const NOTEBOOK = process.env.SCRATCHNET_LIVE_NOTEBOOK ?? "00-setup-check.ipynb";

// The classic Notebook 6.4 is the fallback where PyPI cannot be reached (Debian's jupyter-notebook);
// JupyterLab 4 and Notebook 7 are tested in jupyterlab.test.ts. Said out loud when it is not run.
const classic = classicPython();
if (!classic) process.stderr.write("classic Notebook 6.4 not installed (Debian's jupyter-notebook, the fallback without PyPI): its live test is not run\n");

describe("live: npm start, open a notebook, Run All (classic Notebook 6.4)", { skip: classic ? false : "the classic Notebook 6.4 (Debian's jupyter-notebook) is not installed: it is only the fallback where PyPI is unreachable" }, () => {
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

  test(`${NOTEBOOK}: Run All in the Notebook UI draws every plot`, async () => {
    const sources = readNotebook(file).cells.filter((c) => c.cell_type === "code").map(sourceOf).join("\n");
    const expectedPlots = (sources.match(/\b(showPlot|liveLossPlot)\(/g) ?? []).length;
    const { page, problems } = await guardedContext(chromium.browser, (url) => url.startsWith(base) || url.startsWith(base.replace("http", "ws")) || url.startsWith("data:") || url === "about:blank");
    const p = await page();
    await p.goto(`${base}/notebooks/${encodeURIComponent(NOTEBOOK)}?token=${token}`);
    await p.waitForFunction(
      () => (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected?: () => boolean } } } }).Jupyter?.notebook?.kernel?.is_connected?.(),
      null,
      { timeout: 60_000 },
    );
    assert.equal(await p.locator("#kernel_indicator .kernel_indicator_name, .kernel_indicator_name").first().textContent(), "TypeScript (tslab)");
    await p.evaluate(() => (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void } } }).Jupyter.notebook.set_autosave_interval(0));

    await p.click("#celllink"); // the Cell menu
    await p.click("#run_all_cells"); // Run All

    // Done when every code cell has its number and every expected plot holds a drawn chart.
    await p.waitForFunction(
      (n) => {
        const cells = Array.from(document.querySelectorAll(".code_cell"));
        const numbered = cells.every((c) => /\[\d+\]/.test(c.querySelector(".input_prompt")?.textContent ?? ""));
        const plots = Array.from(document.querySelectorAll(".output_area .scratchnet-plot"));
        return numbered && plots.length >= n && plots.every((el) => el.querySelector(".main-svg"));
      },
      expectedPlots,
      { timeout: 240_000 },
    );
    const plots = await p.locator(".output_area .scratchnet-plot").count();
    const drawn = await p.locator(".output_area .scratchnet-plot:has(.main-svg)").count();
    const errors = await p.locator(".output_area .output_stderr, .output_area .output_error").allTextContents();
    const formulas = (sources.match(/\bshowLatex\(/g) ?? []).length;
    const mathSelector = ".output_latex .MathJax, .output_latex .MathJax_CHTML, .output_latex .MathJax_SVG";
    await p
      .waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length >= (n as number), [mathSelector, formulas], { timeout: 30_000 })
      .catch(() => undefined); // the assert below says how many rendered
    const rendered = await p.locator(mathSelector).count();
    await p.setViewportSize({ width: 1100, height: await p.evaluate(() => (document.querySelector("#notebook") as HTMLElement).scrollHeight + 120) });
    await screenshot(p, `live-${NOTEBOOK.replace(/\.ipynb$/, "")}`);

    assert.equal(plots, expectedPlots, "one plot per showPlot/liveLossPlot call");
    assert.equal(drawn, plots);
    assert.deepEqual(errors, [], "no cell wrote to stderr");
    assert.ok(rendered >= formulas, `${rendered} of ${formulas} showLatex formulas rendered by MathJax`);
    assert.deepEqual(problems.pageErrors, [], "no uncaught exception on the page");
    assert.deepEqual(problems.blockedRequests, [], "nothing outside 127.0.0.1 was asked for");
    assert.equal(readFileSync(file, "utf8"), original, "the notebook file was not saved");
    assert.deepEqual(readdirSync(server.home), [], "nothing was written to HOME");
  });
});
