/**
 * The slides (site/slides/, built by the export from the cells tagged for slides) in real
 * Chromium, from file:// with every other request blocked: reveal.js starts, there is one slide
 * per cell tagged "slide", every plot draws, LaTeX renders, the last slide is reachable, and no
 * console error or outside request happens. The table of contents links every deck.
 * Uses site/ as `npm test` just built it; exports first if it has no slides.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, readFileSync } from "fs";
import { basename, join } from "path";
import { pathToFileURL } from "url";
import { hasSlides } from "../../scripts/export";
import { listNotebooks, readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS, ROOT } from "../../scripts/lib/project";
import { Chromium, guardedContext, launchChromium, screenshot, waitForPlots } from "./chromium";
import { SITE, ensureSites } from "./test-site";

const fileOnly = (url: string) => url.startsWith("file://") || url.startsWith("data:") || url === "about:blank";
const noProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] };

/** The decks the notebooks call for, and how many top-level slides each should have. */
const decks = listNotebooks(NOTEBOOKS)
  .map((file) => ({ file, nb: readNotebook(file) }))
  .filter(({ nb }) => hasSlides(nb))
  .map(({ file, nb }) => {
    const types = nb.cells
      .map((c) => (c.metadata?.slideshow as { slide_type?: string } | undefined)?.slide_type)
      .filter((t): t is string => !!t && t !== "skip");
    // nbconvert starts a slide at every "slide" cell, and at the first tagged cell whatever its type.
    const slides = types.filter((t) => t === "slide").length + (types[0] === "slide" ? 0 : 1);
    const math = nb.cells.some((c) => c.cell_type === "markdown" && hasSlides({ ...nb, cells: [c] }) && /\$[^$\n]+\$/.test(sourceOf(c)));
    return { name: basename(file, ".ipynb"), slides, math };
  });

describe("the slides, offline in Chromium", () => {
  let chromium: Chromium;
  before(async () => {
    await ensureSites();
    chromium = await launchChromium();
  });
  after(async () => chromium?.close());

  test("every notebook of the course has a deck, linked from index.html", () => {
    assert.equal(decks.length, listNotebooks(NOTEBOOKS).length, "every notebook has cells tagged for slides");
    const index = readFileSync(join(SITE, "index.html"), "utf8");
    const links = [...index.matchAll(/<a class="slides-link" href="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(links, decks.map((d) => `slides/${d.name}.slides.html`));
  });

  for (const deck of decks) {
    test(`${deck.name}: reveal.js starts offline with ${deck.slides} slides, plots draw, LaTeX renders`, async () => {
      const file = join(SITE, "slides", `${deck.name}.slides.html`);
      assert.ok(existsSync(file), file);
      const { page, problems } = await guardedContext(chromium.browser, fileOnly);
      const p = await page();
      await p.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await p.waitForSelector(".reveal.ready", { timeout: 30_000 });
      assert.equal(await p.locator(".reveal .slides > section").count(), deck.slides, "top-level slides");

      const html = readFileSync(file, "utf8");
      const expectedPlots = (html.match(/class="scratchnet-plot"/g) ?? []).length;
      const [containers, drawn] = await waitForPlots(p);
      assert.equal(containers, expectedPlots, "plot containers in the deck");
      assert.equal(drawn, containers, `${drawn} of ${containers} plots drew a .main-svg`);

      await p.waitForFunction(() => {
        const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { pending: number; running: number } } } }).MathJax;
        return !!mj?.Hub?.queue && mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0;
      }, null, { timeout: 30_000 });
      if (deck.math) assert.ok((await p.locator(".MathJax_CHTML").count()) > 0, "MathJax rendered the slides' math");
      assert.equal(await p.locator(".MathJax_Error, merror, .mjx-merror").count(), 0, "no MathJax errors");

      assert.equal(await p.locator('.scratchnet-slides-nav a[href="../index.html"]').count(), 1, "a link back to the contents");
      await screenshot(p, `slides-${deck.name}-first`);
      await p.keyboard.press("End");
      await p.waitForFunction((n) => {
        const all = document.querySelectorAll(".reveal .slides > section");
        return all[n - 1]?.classList.contains("present");
      }, deck.slides, { timeout: 10_000 });
      await screenshot(p, `slides-${deck.name}-last`);
      assert.deepEqual(problems, noProblems);
    });
  }
});
