/**
 * A page of widgets as the export makes one: the bundle as assets/widgets.js next to it, loaded
 * by showWidget's own loader, and each widget as showWidget's own HTML. Opened from file://.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { pathToFileURL } from "url";
import type { Page } from "playwright-core";
import { WidgetName, widgetHtml, widgetsBundlePath, widgetsLoaderHtml } from "../../src/show/show-widget";

/** Writes the page into a new temporary folder; returns its file:// URL and the folder. */
export function writeWidgetPage(widgets: [WidgetName, Record<string, unknown>][]): { url: string; dir: string } {
  const bundle = widgetsBundlePath();
  if (bundle === null) throw new Error("dist/widgets.js is missing: run `npm run build`");
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-widgets-"));
  mkdirSync(join(dir, "assets"));
  cpSync(bundle, join(dir, "assets", "widgets.js"));
  const body = widgets.map(([name, options]) => widgetHtml(name, options)).join("\n");
  const html = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>widgets</title></head>\n<body>\n${widgetsLoaderHtml("assets/widgets.js")}\n${body}\n</body></html>\n`;
  writeFileSync(join(dir, "index.html"), html);
  return { url: pathToFileURL(join(dir, "index.html")).href, dir };
}

/** Waits until every widget root on the page is mounted; returns their names in page order. */
export async function waitForWidgets(page: Page, timeout = 30_000): Promise<string[]> {
  await page.waitForFunction(
    () => {
      const all = Array.from(document.querySelectorAll<HTMLElement>("[data-widget]"));
      return all.length > 0 && all.every((el) => el.dataset.widgetMounted === "true");
    },
    null,
    { timeout },
  );
  return page.$$eval("[data-widget]", (els) => els.map((el) => (el as HTMLElement).dataset.widget as string));
}

/** Every layer's W and b as the exact bits of each float64 (hex), read in the page. */
export async function pageWeightBits(page: Page, selector: string): Promise<string[][]> {
  return page.$eval(selector, (el) => {
    const ctl = (el as unknown as { scratchnetWidget: { weights(): { W: number[][]; b: number[] | null }[] } }).scratchnetWidget;
    const view = new DataView(new ArrayBuffer(8));
    // (no named function in here: tsx would wrap it in a helper that the page does not have)
    return ctl.weights().map((l) =>
      [...l.W.flat(), ...(l.b ?? [])].map((v) => {
        view.setFloat64(0, v);
        return view.getBigUint64(0).toString(16).padStart(16, "0");
      }),
    );
  });
}

/** The same bits for numbers computed in Node. */
export function weightBits(layers: { W: { data: Float64Array }; b: { data: Float64Array } | null }[]): string[][] {
  const buf = Buffer.alloc(8);
  const hex = (v: number) => {
    buf.writeDoubleBE(v);
    return buf.toString("hex");
  };
  return layers.map((l) => [...Array.from(l.W.data), ...(l.b ? Array.from(l.b.data) : [])].map(hex));
}

/** A canvas's pixels as a data URL: to tell whether it was redrawn differently. */
export async function canvasImage(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (c) => (c as HTMLCanvasElement).toDataURL());
}
