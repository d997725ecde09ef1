/**
 * The widgets in real Chromium, from file:// with every other request blocked, on every exported
 * page and deck of slides that shows one (site/, as the export made it) and on a page of all three:
 * - each widget the notebooks call for renders, as its root [data-widget="<name>"];
 * - a slider changes the neuron's output, and the point on the curve;
 * - Train changes the boundary plot and the loss curve; Pause stops them both;
 * - the descent widget walks from a clicked point;
 * - every control is a labelled form control, and the playground works from the keyboard alone;
 * - no console error, no page error, no request leaves the machine.
 * It also measures the playground's frames/s and epochs/s, and prints them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, mkdirSync, readFileSync, rmSync } from "fs";
import { basename, join } from "path";
import { pathToFileURL } from "url";
import { loadavg } from "os";
import type { Page } from "playwright-core";
import { listNotebooks, readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS, ROOT } from "../../scripts/lib/project";
import { Chromium, SCREENSHOTS, guardedContext, launchChromium, screenshot, waitForPlots } from "./chromium";
import { SITE, ensureSites } from "./test-site";
import { canvasImage, waitForWidgets, writeWidgetPage } from "./widget-page";

const fileOnly = (url: string) => url.startsWith("file://") || url.startsWith("data:") || url === "about:blank";
const noProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] };

/** The widgets each notebook shows, from its sources: [notebook name, widget names]. */
const expected = listNotebooks(NOTEBOOKS)
  .map((file) => {
    const nb = readNotebook(file);
    const code = nb.cells.filter((c) => c.cell_type === "code");
    const names = (cells: typeof code) => cells.flatMap((c) => [...sourceOf(c).matchAll(/showWidget\("([a-z-]+)"/g)].map((m) => m[1]));
    const onSlides = code.filter((c) => {
      const type = (c.metadata?.slideshow as { slide_type?: string } | undefined)?.slide_type;
      return !!type && type !== "skip";
    });
    return { name: basename(file, ".ipynb"), widgets: names(code), slideWidgets: names(onSlides) };
  })
  .filter((e) => e.widgets.length > 0);

/** Checks one mounted widget of the kind `name` on a page, driving it as a reader would. */
async function driveWidget(p: Page, name: string, root: string): Promise<void> {
  const el = p.locator(root);
  await el.scrollIntoViewIfNeeded();
  if (name === "neuron") {
    const y = el.locator("output.snw-y");
    const before = await y.textContent();
    const curve = await canvasImage(p, `${root} canvas`);
    const slider = el.locator("input[name=b]");
    await slider.focus();
    for (let i = 0; i < 60; i++) await p.keyboard.press("ArrowLeft"); // bias 4 -> -2: z = 7 -> 1
    const after = await y.textContent();
    assert.notEqual(after, before, "moving the bias slider changed the output");
    assert.equal(Number(after), Number((1 / (1 + Math.exp(-1))).toFixed(4)), "σ(1) with w = (0, 1), x = (2, 3), b = -2");
    assert.notEqual(await canvasImage(p, `${root} canvas`), curve, "the point moved on the curve");
  } else if (name === "circle-playground" || name === "playground") {
    const boundary = `${root} figure:nth-of-type(1) canvas`;
    const loss = `${root} figure:nth-of-type(2) canvas`;
    const [b0, l0] = [await canvasImage(p, boundary), await canvasImage(p, loss)];
    await el.getByRole("button", { name: /Train/ }).click();
    await p.waitForFunction((s) => Number((document.querySelector(s) as HTMLElement).dataset.epochs) >= 20, loss, { timeout: 30_000 });
    const [b1, l1] = [await canvasImage(p, boundary), await canvasImage(p, loss)];
    assert.notEqual(b1, b0, "Train changed the boundary plot");
    assert.notEqual(l1, l0, "Train changed the loss curve");
    await el.getByRole("button", { name: /Pause/ }).click();
    const [b2, l2] = [await canvasImage(p, boundary), await canvasImage(p, loss)];
    const epochs = await p.$eval(loss, (c) => (c as HTMLElement).dataset.epochs);
    await p.waitForTimeout(700);
    assert.equal(await p.$eval(loss, (c) => (c as HTMLElement).dataset.epochs), epochs, "no epoch after Pause");
    assert.equal(await canvasImage(p, boundary), b2, "Pause stopped the boundary plot");
    assert.equal(await canvasImage(p, loss), l2, "Pause stopped the loss curve");
    if (name === "circle-playground") {
      await el.locator("input[name=showLines]").check();
      assert.notEqual(await canvasImage(p, boundary), b2, "the first hidden layer's lines were drawn");
    } else {
      const hidden = await p.$eval(root, (r) => (r as unknown as { scratchnetWidget: { settings(): { hidden: number[] } } }).scratchnetWidget.settings().hidden);
      assert.equal(await el.locator("canvas.snw-unit-map").count(), hidden.reduce((a, b) => a + b, 0), "one heat map per hidden unit");
    }
  } else if (name === "descent") {
    const map = `${root} canvas`;
    const box = (await p.locator(map).boundingBox())!;
    await p.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await p.waitForFunction((s) => Number((document.querySelector(s) as HTMLElement).dataset.steps) >= 10, map, { timeout: 30_000 });
    const text = await el.locator(".snw-progress").textContent();
    assert.match(text ?? "", /^step \d+/, "the readout follows the path");
  } else {
    assert.fail(`no check for widget ${name}`);
  }
}

/** Waits for the page to settle (plots drawn, MathJax done), so that nothing moves under a click. */
async function settle(p: Page): Promise<void> {
  await waitForPlots(p);
  await p.waitForFunction(() => {
    const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { pending: number; running: number } } } }).MathJax;
    return !mj?.Hub || (!!mj.Hub.queue && mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0);
  }, null, { timeout: 60_000 });
}

/** Gives each widget root a data-test-k attribute; returns a CSS selector for each, in page order. */
async function numberWidgets(p: Page): Promise<string[]> {
  const n = await p.$$eval("[data-widget]", (els) => els.map((e, k) => e.setAttribute("data-test-k", String(k))).length);
  return Array.from({ length: n }, (_, k) => `[data-test-k="${k}"]`);
}

/** Every input, select and button inside the widgets has a name a screen reader can read. */
async function unlabelledControls(p: Page): Promise<string[]> {
  return p.$$eval("[data-widget] input, [data-widget] select, [data-widget] button", (els) =>
    els
      .filter((e) => {
        const c = e as HTMLInputElement;
        const byLabel = c.labels && Array.from(c.labels).some((l) => (l.textContent ?? "").trim() !== "");
        return !(byLabel || c.getAttribute("aria-label") || (c.tagName === "BUTTON" && (c.textContent ?? "").trim()));
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
}

describe("the widgets, offline in Chromium", () => {
  let chromium: Chromium;
  before(async () => {
    await ensureSites();
    chromium = await launchChromium();
  });
  after(async () => chromium?.close());

  test("the course shows each of the four widgets somewhere", () => {
    const all = new Set(expected.flatMap((e) => e.widgets));
    assert.deepEqual([...all].sort(), ["circle-playground", "descent", "neuron", "playground"]);
  });

  for (const { name, widgets } of expected) {
    test(`site/${name}.html: ${widgets.join(", ")} render and work`, async () => {
      const { page, problems } = await guardedContext(chromium.browser, fileOnly);
      const p = await page();
      await p.goto(pathToFileURL(join(SITE, `${name}.html`)).href, { waitUntil: "load" });
      assert.deepEqual(await waitForWidgets(p), widgets, "one mounted widget per showWidget call, in order");
      await settle(p);
      const roots = await numberWidgets(p);
      for (let k = 0; k < widgets.length; k++) await driveWidget(p, widgets[k], roots[k]);
      assert.deepEqual(await unlabelledControls(p), [], "every control is labelled");
      await screenshot(p, `widgets-site-${name}`);
      assert.deepEqual(problems, noProblems);
    });
  }

  for (const { name, slideWidgets } of expected.filter((e) => e.slideWidgets.length > 0)) {
    test(`site/slides/${name}.slides.html: ${slideWidgets.join(", ")} work on the slides`, async () => {
      const file = join(SITE, "slides", `${name}.slides.html`);
      assert.ok(existsSync(file), file);
      assert.ok(readFileSync(file, "utf8").includes('src="../assets/widgets.js"'), "the deck loads the bundle from ../assets");
      const { page, problems } = await guardedContext(chromium.browser, fileOnly);
      const p = await page();
      await p.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await p.waitForSelector(".reveal.ready", { timeout: 30_000 });
      assert.deepEqual(await waitForWidgets(p), slideWidgets);
      await settle(p);
      // Go to the widget's slide (reveal.js shows one slide at a time), then drive it.
      const roots = await numberWidgets(p);
      for (let k = 0; k < slideWidgets.length; k++) {
        const root = roots[k];
        const index = await p.$eval(root, (el) => {
          const section = el.closest(".reveal .slides > section");
          return Array.from(document.querySelectorAll(".reveal .slides > section")).indexOf(section as Element);
        });
        assert.ok(index >= 0, "the widget sits on a slide");
        // reveal.js leaves the arrow keys to a focused form control (the previous widget's
        // checkbox): the presenter clicks off it first, as here.
        await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await p.keyboard.press("Home");
        for (let i = 0; i < index; i++) await p.keyboard.press("ArrowRight");
        await p.waitForFunction((i) => document.querySelectorAll(".reveal .slides > section")[i]?.classList.contains("present"), index);
        await driveWidget(p, slideWidgets[k], root);
        await screenshot(p, `widgets-slides-${name}-${k + 1}`);
      }
      assert.deepEqual(problems, noProblems);
    });
  }

  test("keyboard alone: Tab to Train, Space, then Pause; and the frames/s and epochs/s of the playground", async () => {
    const { url, dir } = writeWidgetPage([["circle-playground", {}]]);
    try {
      const { page, problems } = await guardedContext(chromium.browser, fileOnly);
      const p = await page();
      await p.goto(url);
      await waitForWidgets(p);
      await p.locator("[data-widget] input[name=hidden]").focus();
      let focused = "";
      for (let i = 0; i < 20 && focused !== "train"; i++) {
        await p.keyboard.press("Tab");
        focused = await p.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.name ?? "");
      }
      assert.equal(focused, "train", "Train is reachable with Tab");
      await p.keyboard.press("Space");
      assert.equal(await p.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.name), "pause", "Train hands the focus to Pause");
      await p.waitForTimeout(4000);
      const stats = await p.$eval("[data-widget]", (el) => (el as unknown as { scratchnetWidget: { stats(): { frames: number; epochs: number; ms: number; wallMs: number; backend: string } } }).scratchnetWidget.stats());
      await p.keyboard.press("Enter");
      assert.equal(await p.locator("[data-widget] button[name=train]").isEnabled(), true, "Enter on Pause paused");
      assert.equal(await p.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.name), "train", "and gave the focus back to Train");
      await p.locator("[data-widget] input[name=showLines]").check();
      mkdirSync(SCREENSHOTS, { recursive: true });
      await p.locator("[data-widget]").screenshot({ path: join(SCREENSHOTS, "widgets-playground.png") }); // the README's picture
      const fps = (1000 * stats.frames) / stats.wallMs;
      const eps = (1000 * stats.epochs) / stats.wallMs;
      process.stdout.write(
        `# circle-playground [2,4,8,1], ${stats.backend} backend, 5 epochs/frame: ${fps.toFixed(1)} frames/s, ${eps.toFixed(0)} epochs/s ` +
          `(${(stats.ms / stats.frames).toFixed(2)} ms of work per frame; load average ${loadavg()[0].toFixed(2)})\n`,
      );
      assert.ok(fps >= 20, `the playground drew ${fps.toFixed(1)} frames/s while training (at least 20 wanted)`);
      assert.deepEqual(await unlabelledControls(p), []);
      assert.deepEqual(problems, noProblems);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
