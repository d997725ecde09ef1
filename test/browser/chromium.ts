/**
 * Real Chromium for the browser tests: the Debian package driven by playwright-core, headless,
 * with its profile and HOME in a temporary folder, and a recorder of everything that went wrong
 * on a page (console errors, uncaught exceptions, failed or blocked requests, dialogs).
 */
import { mkdirSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Browser, BrowserContext, Page, chromium } from "playwright-core";
import { ROOT, ensureChromium } from "../../scripts/lib/project";

export const SCREENSHOTS = join(ROOT, "screenshots");

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface Chromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const home = mkdtempSync(join(tmpdir(), "scratchnet-chromium-"));
  const browser = await chromium.launch({
    executablePath: ensureChromium(false),
    args: FLAGS,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_CACHE_HOME: join(home, ".cache") },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Problems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  blockedRequests: string[];
  dialogs: string[];
}

/**
 * A context whose requests may only go where `allowed` says; every other request is aborted and
 * recorded. `page()` opens a page that records its problems. Given the test (`t`), the context
 * is closed when that test ends, pass or fail: an open page keeps drawing and animating.
 */
export async function guardedContext(browser: Browser, allowed: (url: string) => boolean, t?: { after(fn: () => Promise<void>): void }) {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  t?.after(() => context.close());
  const problems: Problems = { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    problems.blockedRequests.push(url);
    return route.abort("blockedbyclient");
  });
  const page = async (): Promise<Page> => {
    const p = await context.newPage();
    p.on("console", (m) => {
      if (m.type() === "error") problems.consoleErrors.push(m.text());
    });
    p.on("pageerror", (e) => problems.pageErrors.push(e.message));
    p.on("requestfailed", (r) => problems.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
    p.on("dialog", (d) => {
      problems.dialogs.push(d.message());
      void d.dismiss();
    });
    return p;
  };
  return { context, problems, page };
}

/** Waits until every plot container on the page holds a drawn plotly chart; returns [containers, drawn]. */
export async function waitForPlots(page: Page, selector = ".scratchnet-plot", timeout = 30_000): Promise<[number, number]> {
  await page
    .waitForFunction(
      (sel) => Array.from(document.querySelectorAll(sel)).every((el) => el.querySelector(".main-svg")),
      selector,
      { timeout },
    )
    .catch(() => undefined); // the counts below tell what is missing
  return page.evaluate((sel) => {
    const all = Array.from(document.querySelectorAll(sel));
    return [all.length, all.filter((el) => el.querySelector(".main-svg")).length] as [number, number];
  }, selector);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
