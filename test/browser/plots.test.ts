/**
 * Every kind of plot that src/show/plot.ts builds, drawn by real plotly.js in Chromium from file://:
 * once the way the export loads plotly (a shared asset, require.js on the page) and once the way
 * a live notebook does (the bundle inlined). Text with HTML in it must show as text.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "fs";
import { tmpdir } from "os";
import { join, dirname } from "path";
import { pathToFileURL } from "url";
import { Matrix } from "../../src/core/matrix";
import { Figure, decisionBoundary, figureHtml, imageGrid, linePlot, lossPlot, plotlyBundle, plotlyLoaderHtml, scatterPlot } from "../../src/show/plot";
import { Chromium, guardedContext, launchChromium, screenshot, waitForPlots } from "./chromium";

const EVIL = `<script>alert("x")</script>`;

function figures(): Figure[] {
  const x = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  const s = x.map((v) => 1 / (1 + Math.exp(-v)));
  const X = Array.from({ length: 60 }, (_, i) => [Math.cos(i), Math.sin(i) * (i % 2 ? 1 : 0.4)]);
  const y = X.map(([a, b]) => (a * a + b * b < 0.5 ? 1 : 0));
  const y3 = X.map(([a]) => (a < -0.3 ? 0 : a < 0.3 ? 1 : 2));
  const digits = Array.from({ length: 12 }, (_, k) => Array.from({ length: 64 }, (_, p) => ((p * (k + 1)) % 17)));
  return [
    linePlot([{ name: EVIL, x, y: s }, { name: "derivative", x, y: s.map((a) => a * (1 - a)), dash: "dash" }], { title: EVIL, xLabel: "x" }),
    lossPlot({ train: [1, 0.6, 0.4, 0.3], test: [1.1, 0.8, 0.6, 0.55] }),
    scatterPlot(X, y, { classNames: ["outside", EVIL] }),
    decisionBoundary((g) => Matrix.from(g.toArray().map(([a, b]) => [1 / (1 + Math.exp(4 * (a * a + b * b) - 2))])), X, y, { resolution: 40 }),
    decisionBoundary((g) => Matrix.from(g.toArray().map(([a]) => [a < -0.3 ? 1 : 0, a >= -0.3 && a < 0.3 ? 1 : 0, a >= 0.3 ? 1 : 0])), X, y3, { resolution: 30 }),
    imageGrid(digits, { columns: 6, labels: digits.map((_, k) => (k === 0 ? EVIL : String(k))) }),
  ];
}

function page(loader: string, withRequire: boolean): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${withRequire ? '<script src="assets/require.js"></script>' : ""}</head><body>
${loader}
${figures().map((f) => figureHtml(f)).join("\n")}
</body></html>`;
}

describe("plots in Chromium", () => {
  let chromium: Chromium;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "scratchnet-plots-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "assets", "plotly.min.js"), plotlyBundle());
    copyFileSync(join(dirname(require.resolve("requirejs/package.json")), "require.js"), join(dir, "assets", "require.js"));
    writeFileSync(join(dir, "exported.html"), page(plotlyLoaderHtml("assets/plotly.min.js"), true));
    writeFileSync(join(dir, "live.html"), page(plotlyLoaderHtml(), true));
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ["exported", "live"]) {
    test(`${kind}: line, loss, scatter, both decision boundaries and the image grid draw`, async () => {
      const { page: open, problems } = await guardedContext(chromium.browser, (url) => url.startsWith("file://"));
      const p = await open();
      await p.goto(pathToFileURL(join(dir, `${kind}.html`)).href);
      const [containers, drawn] = await waitForPlots(p);
      assert.equal(containers, 6);
      assert.equal(drawn, 6);
      // HTML in titles, legends and labels is shown as text, never run.
      const texts = await p.$$eval(".scratchnet-plot text", (els) => els.map((e) => e.textContent));
      assert.ok(texts.filter((t) => t === EVIL).length >= 3, `literal ${EVIL} in title, legend and labels: ${JSON.stringify(texts.slice(0, 20))}`);
      assert.equal(await p.locator(".scratchnet-plot .contour, .scratchnet-plot .hm, .scratchnet-plot image").count() > 0, true, "heatmaps and contours drew");
      await screenshot(p, `plots-${kind}`);
      assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
    });
  }
});
