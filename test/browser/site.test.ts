/**
 * The exported site in real Chromium, from file:// with every other request blocked: each page
 * loads without a console error, every plot draws, LaTeX renders, cells are numbered, and the
 * table of contents lists the notebooks in reading order. Screenshots go to screenshots/.
 * Uses site/ as `npm test` just built it (test:notebooks); exports first if there is none.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, readFileSync, readdirSync } from "fs";
import { basename, join } from "path";
import { pathToFileURL } from "url";
import { listNotebooks, readNotebook, titleAndSummary } from "../../scripts/lib/notebooks";
import { NOTEBOOKS, ROOT } from "../../scripts/lib/project";
import { Chromium, guardedContext, launchChromium, screenshot, waitForPlots } from "./chromium";
import { SITE, ensureSites } from "./test-site";

const fileOnly = (url: string) => url.startsWith("file://") || url.startsWith("data:") || url === "about:blank";

describe("the exported site, offline in Chromium", () => {
  let chromium: Chromium;
  before(async () => {
    await ensureSites();
    chromium = await launchChromium();
  });
  after(async () => chromium?.close());

  test("index.html lists every notebook in reading order, with its title and summary", async () => {
    const { page, problems } = await guardedContext(chromium.browser, fileOnly);
    const p = await page();
    await p.goto(pathToFileURL(join(SITE, "index.html")).href);
    const entries = await p.$$eval("ol.toc li", (lis) =>
      lis.map((li) => ({ href: li.querySelector("a")?.getAttribute("href"), title: li.querySelector("a")?.textContent, summary: li.querySelector("p")?.textContent ?? "" })),
    );
    const expected = listNotebooks(NOTEBOOKS).map((file) => {
      const { title, summary } = titleAndSummary(readNotebook(file));
      return { href: basename(file, ".ipynb") + ".html", title, summary };
    });
    assert.deepEqual(entries, expected);
    for (const e of entries) assert.ok(existsSync(join(SITE, e.href ?? "")), `${e.href} exists`);
    await screenshot(p, "site-index");
    assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
  });

  const pages = existsSync(SITE) ? readdirSync(SITE).filter((f) => f.endsWith(".html") && f !== "index.html") : listNotebooks(NOTEBOOKS).map((f) => basename(f, ".ipynb") + ".html");
  for (const name of pages) {
    test(`${name}: loads offline, every plot draws, LaTeX renders, cells are numbered`, async () => {
      const { page, problems } = await guardedContext(chromium.browser, fileOnly);
      const p = await page();
      await p.goto(pathToFileURL(join(SITE, name)).href, { waitUntil: "load" });

      const html = readFileSync(join(SITE, name), "utf8");
      const expectedPlots = (html.match(/class="scratchnet-plot"/g) ?? []).length;
      const [containers, drawn] = await waitForPlots(p);
      assert.equal(containers, expectedPlots, "plot containers on the page");
      assert.equal(drawn, containers, `${drawn} of ${containers} plots drew a .main-svg`);

      const hasMath = html.includes('data-mime-type="text/latex"') || /\$[^$\n]+\$/.test(html);
      if (hasMath) {
        await p.waitForFunction(() => {
          const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { pending: number; running: number } } } }).MathJax;
          return !!mj?.Hub?.queue && mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0 && document.querySelector(".MathJax_CHTML");
        }, null, { timeout: 30_000 });
        const rendered = await p.locator(".MathJax_CHTML").count();
        assert.ok(rendered > 0, "MathJax rendered some math");
        assert.equal(await p.locator(".MathJax_Error, merror, .mjx-merror").count(), 0, "no MathJax errors");
        const rawLatex = await p.$$eval('[data-mime-type="text/latex"]', (els) => els.filter((e) => (e as HTMLElement).innerText.includes("$$")).length);
        assert.equal(rawLatex, 0, "no LaTeX output left as raw $$...$$");
      }

      const prompts = await p.$$eval(".jp-CodeCell .jp-InputPrompt", (els) => els.map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()));
      assert.deepEqual(prompts, prompts.map((_, i) => `In [${i + 1}]:`), "code cells are numbered 1, 2, ...");

      await screenshot(p, `site-${basename(name, ".html")}`);
      assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
    });
  }
});
