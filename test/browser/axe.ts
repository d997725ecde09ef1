/**
 * axe-core in the browser tests: injects node_modules/axe-core/axe.min.js into a page and runs
 * its WCAG 2.1 A/AA rules, plus its best-practice rules (landmarks, heading order), which are
 * reported apart. Also waits for what changes the page after load (plots, MathJax), so that axe
 * sees the page a reader sees. Leaves out: axe's experimental rules and anything it cannot see.
 */
import { join } from "path";
import { Page } from "playwright-core";
import { ROOT } from "../../scripts/lib/project";

export const AXE_SCRIPT = join(ROOT, "node_modules", "axe-core", "axe.min.js");
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export type Impact = "minor" | "moderate" | "serious" | "critical";

export interface Finding {
  rule: string;
  impact: Impact;
  /** "wcag" for a WCAG 2.1 A/AA rule, "best-practice" for the others. */
  kind: "wcag" | "best-practice";
  help: string;
  /** One CSS selector per failing element (the first few are enough to find it). */
  targets: string[];
}

/** Runs axe on the page (or inside `context`, a CSS selector); one Finding per failed rule. */
export async function runAxe(page: Page, context?: string): Promise<Finding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const raw = await page.evaluate(
    async ({ context, tags }) => {
      type Result = { id: string; impact: string | null; tags: string[]; help: string; nodes: { target: unknown[] }[] };
      const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> } }).axe;
      const result = await axe.run(context ? { include: [[context]] } : document, {
        runOnly: { type: "tag", values: [...tags, "best-practice"] },
        resultTypes: ["violations"],
      });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, tags: v.tags, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(" ")),
      }));
    },
    { context, tags: WCAG_TAGS },
  );
  return raw.map((v) => ({
    rule: v.id,
    impact: (v.impact ?? "minor") as Impact,
    kind: v.tags.some((t) => WCAG_TAGS.includes(t)) ? "wcag" : "best-practice",
    help: v.help,
    targets: v.targets,
  }));
}

/** Failing elements per "rule (impact, kind)", summed over many runs. */
export function countByRule(findings: Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    const key = `${f.rule} (${f.impact}, ${f.kind})`;
    counts[key] = (counts[key] ?? 0) + f.targets.length;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export const isBlocking = (f: Finding): boolean => f.impact === "serious" || f.impact === "critical";

/** A readable list of blocking findings, for an assertion message. */
export function describeFindings(where: string, findings: Finding[]): string {
  return findings
    .map((f) => `${where}: ${f.rule} (${f.impact}): ${f.help}\n    ${f.targets.slice(0, 5).join("\n    ")}${f.targets.length > 5 ? `\n    ... ${f.targets.length - 5} more` : ""}`)
    .join("\n");
}

/** Waits until every plot has drawn and MathJax (if the page has it) has nothing left to typeset. */
export async function waitForRendering(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const plots = Array.from(document.querySelectorAll(".scratchnet-plot"));
      if (!plots.every((el) => el.querySelector(".main-svg"))) return false;
      const mj = (window as unknown as { MathJax?: { Hub?: { queue?: { pending: number; running: number } } } }).MathJax;
      if (!mj) return true;
      return !!mj.Hub?.queue && mj.Hub.queue.pending === 0 && mj.Hub.queue.running === 0;
    },
    null,
    { timeout },
  );
}

interface RevealApi {
  getSlides(): HTMLElement[];
  getIndices(s: HTMLElement): { h: number; v: number };
  slide(h: number, v: number, f?: number): void;
}
type WithReveal = { scratchnetReveal: RevealApi };

/** A page of the course loads in seconds; this much leaves room for a machine busy with other work. */
export const LOAD_TIMEOUT = 120_000;

/** Opens `url` (file://) and runs axe on the whole page once it has rendered. */
export async function auditPage(page: Page, url: string): Promise<Finding[]> {
  await page.goto(url, { waitUntil: "load", timeout: LOAD_TIMEOUT });
  await waitForRendering(page);
  return runAxe(page);
}

/**
 * Opens a reveal.js deck and runs axe on every slide in turn, with all its fragments shown
 * (reveal hides the slides that are not on screen, and axe skips hidden content).
 * What lies outside the slides (the deck's links, reveal's controls) is checked on the first slide only.
 */
export async function auditDeck(page: Page, url: string): Promise<{ slides: number; findings: Finding[] }> {
  await page.goto(url, { waitUntil: "load", timeout: LOAD_TIMEOUT });
  await page.waitForSelector(".reveal.ready", { timeout: LOAD_TIMEOUT });
  await waitForRendering(page);
  // nbconvert's template loads reveal.js through require.js and keeps it in a closure;
  // require.js hands the loaded module back by the same name.
  const count = await page.evaluate(() => {
    const req = (window as unknown as { require: (name: string) => RevealApi }).require;
    (window as unknown as WithReveal).scratchnetReveal = req("../assets/reveal.js/dist/reveal.js");
    return (window as unknown as WithReveal).scratchnetReveal.getSlides().length;
  });
  const findings: Finding[] = [];
  for (let k = 0; k < count; k++) {
    await page.evaluate((k) => {
      const reveal = (window as unknown as WithReveal).scratchnetReveal;
      const slide = reveal.getSlides()[k];
      const { h, v } = reveal.getIndices(slide);
      const fragments = slide.querySelectorAll(".fragment").length;
      reveal.slide(h, v, fragments > 0 ? fragments - 1 : undefined);
    }, k);
    await page.waitForFunction((k) => {
      const slide = (window as unknown as WithReveal).scratchnetReveal.getSlides()[k];
      // Fragments fade in (0.2 s): half-faded text would fail the contrast rule now and pass later.
      const faded = Array.from(slide.querySelectorAll(".fragment")).some((f) => getComputedStyle(f).opacity !== "1");
      return slide.classList.contains("present") && getComputedStyle(slide).display !== "none" && !faded;
    }, k);
    // The slide transition is off; one frame lets the layout settle before contrast is measured.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    // The first run takes the whole page (its language, landmarks, the deck's links); the others the slide alone.
    findings.push(...(await runAxe(page, k === 0 ? undefined : ".reveal .slides section.present")));
  }
  return { slides: count, findings };
}
