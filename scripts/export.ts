/**
 * `npm run export`: execute every notebook headlessly and write a static site that works offline.
 *   npm run export -- [--out site] [--notebooks notebooks] [--jobs N] [--no-slides] [--help]
 * site/index.html lists the notebooks in reading order (title and summary from each notebook's
 * first markdown cell); site/NN-name.html is one executed notebook; site/slides/NN-name.slides.html
 * is its reveal.js deck, made of the cells tagged for slides; site/assets/ holds plotly.js, the
 * widgets' bundle (the library's browser build), MathJax, require.js, jQuery and reveal.js, so a
 * page asks no other host for anything.
 * Each notebook is executed once, by one nbconvert process that writes its page and its deck (and
 * the executed .ipynb, when `executedDir` asks for it).
 * The site is built in a temporary folder next to it and swapped in only when every notebook ran;
 * a failing cell fails the export with the notebook, the cell number, its source and the error.
 */
import { spawn } from "child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus } from "os";
import { basename, dirname, join, relative, resolve, sep } from "path";
import { escapeHtml, plotlyBundle } from "../src/show/plot";
import { widgetsBundle } from "../src/show/show-widget";
import { Notebook, listNotebooks, readNotebook, titleAndSummary } from "./lib/notebooks";
import { JUPYTER_STATE, NOTEBOOKS, ROOT, SetupError, ensureJupyter, jupyterEnv, linkLibrary, buildLibrary } from "./lib/project";
import { replaceDir } from "./lib/replace-dir";
import { commandArgs } from "./lib/args";
import { liteLink } from "./lib/lite-link";
import { expectedSeconds, readSeconds, startProgress } from "./lib/progress";

export interface ExportOptions {
  notebooksDir?: string;
  outDir?: string;
  /** Notebooks executed at once (default: $SCRATCHNET_EXPORT_JOBS, else 2 or the core count if lower). */
  jobs?: number;
  python?: string;
  /** Extra environment for nbconvert and the kernels. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Slides for the notebooks that have cells tagged for slides (default true). */
  slides?: boolean;
  /** Also keep the executed notebooks in this folder (replaced as a whole), e.g. to read their outputs. */
  executedDir?: string;
  /** Which edition the table of contents says this is, e.g. "student edition". */
  edition?: string;
  /** What the progress lines (one every 5 s while notebooks run) start with (default "export"). */
  label?: string;
  /**
   * Where to read and keep each notebook's last execution time, which sets the order notebooks
   * start in (longest first). Default: .jupyter/export-seconds.json for the course's own notebooks,
   * none for other folders.
   */
  timingsFile?: string | null;
}

export interface PageResult {
  notebook: string; // file name, e.g. 00-setup-check.ipynb
  page: string; // e.g. 00-setup-check.html
  title: string;
  summary: string;
  seconds: number;
  /** The slides page, e.g. slides/01-neuron.slides.html, when the notebook has cells tagged for slides. */
  slides?: string;
  error?: string;
}

export interface ExportResult {
  ok: boolean;
  outDir: string;
  pages: PageResult[];
  seconds: number;
}

const NBCONVERT_CONFIG = join(ROOT, "jupyter", "nbconvert_config.py");

/** Executes every notebook and, when all succeed, replaces `outDir` with the new site. */
export async function exportSite(options: ExportOptions = {}): Promise<ExportResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const notebooksDir = resolve(options.notebooksDir ?? NOTEBOOKS);
  const outDir = resolve(options.outDir ?? join(ROOT, "site"));
  const python = options.python ?? (await ensureJupyter("nbconvert"));
  const files = listNotebooks(notebooksDir);
  if (files.length === 0) throw new SetupError(`no notebooks in ${notebooksDir}`);
  const jobs = Math.max(1, options.jobs ?? (Number(process.env.SCRATCHNET_EXPORT_JOBS) || Math.min(2, cpus().length)));

  const build = join(dirname(outDir), `.site-build-${process.pid}-${Date.now()}`);
  const executed = join(build, ".executed");
  mkdirSync(join(build, ".errors"), { recursive: true });
  mkdirSync(executed);
  try {
    writeAssets(join(build, "assets"));
    const pages: PageResult[] = files.map((file) => {
      const nb = readNotebook(file);
      const { title, summary } = titleAndSummary(nb);
      const name = basename(file, ".ipynb");
      const page: PageResult = { notebook: basename(file), page: `${name}.html`, title: title ?? name, summary: summary ?? "", seconds: 0 };
      if (options.slides !== false && hasSlides(nb)) page.slides = `slides/${name}.slides.html`;
      return page;
    });
    const timingsFile = options.timingsFile !== undefined ? options.timingsFile : notebooksDir === resolve(NOTEBOOKS) ? TIMINGS_FILE : null;
    const timings = timingsFile ? readSeconds(timingsFile) : {};
    const order = longestFirst(pages.map((p) => p.notebook), timings);
    const ordered = pages.some((p) => p.notebook in timings) ? " (longest first, by the last export's timings)" : "";
    log(`export: executing ${files.length} notebook(s), ${jobs} at a time${ordered}`);
    // Executing takes minutes: a line every few seconds, with the time left when past runs give it.
    const progress = startProgress({
      label: options.label ?? "export",
      total: pages.length,
      expected: expectedSeconds(pages.map((p) => timings[p.notebook]), jobs),
      write: log,
    });
    await pool(pages, jobs, order, async (page, i) => {
      const t0 = Date.now();
      // The page's title and neighbours, for its navigation (jupyter/templates/scratchnet).
      const link = (p?: PageResult) => (p ? { page: p.page, title: p.title } : null);
      const about = JSON.stringify({ title: page.title, page: page.page, prev: link(pages[i - 1]), next: link(pages[i + 1]) });
      page.error = await runNbconvert(python, files[i], build, page.slides, !!options.executedDir, { SCRATCHNET_PAGE: about, ...options.env });
      page.seconds = (Date.now() - t0) / 1000;
      log(`  ${page.error ? "FAILED" : "ok    "} ${page.notebook.padEnd(36)} ${page.seconds.toFixed(1).padStart(6)} s`);
      progress.done();
    }).finally(() => progress.stop());
    if (timingsFile) writeTimings(timingsFile, pages);
    const failed = pages.filter((p) => p.error);
    if (failed.length > 0) {
      return { ok: false, outDir, pages, seconds: (Date.now() - started) / 1000 };
    }
    const withSlides = pages.filter((p) => p.slides);
    if (withSlides.length > 0) writeRevealAssets(join(build, "assets", "reveal.js"));
    writeFileSync(join(build, "index.html"), indexHtml(pages, options.edition));
    rmSync(join(build, ".errors"), { recursive: true, force: true });
    if (options.executedDir) {
      const keep = resolve(options.executedDir);
      rmSync(keep, { recursive: true, force: true });
      mkdirSync(dirname(keep), { recursive: true });
      cpSync(executed, keep, { recursive: true });
    }
    rmSync(executed, { recursive: true, force: true });
    // One swap, so that a crash at any moment leaves the old site or the new one at outDir, whole.
    if (replaceDir(build, outDir, python) === "two renames") {
      log(`export: this system cannot swap two folders in one step; ${outDir} was replaced in two renames`);
    }
    return { ok: true, outDir, pages, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

/** True when some cell is tagged for slides (slide, subslide, fragment, notes or "-"). */
export function hasSlides(nb: Notebook): boolean {
  return nb.cells.some((cell) => {
    const type = (cell.metadata?.slideshow as { slide_type?: string } | undefined)?.slide_type;
    return !!type && type !== "skip";
  });
}

/**
 * Runs one notebook through nbconvert: its page in build/, when `slides` names it its deck (rendered
 * in the same process, from the same execution), and with `keepExecuted` the executed notebook in
 * build/.executed/; resolves to undefined, or to the error to show.
 */
function runNbconvert(
  python: string, notebook: string, build: string, slides: string | undefined, keepExecuted: boolean, env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const name = basename(notebook, ".ipynb");
  const errorFile = join(build, ".errors", `${name}.txt`);
  const executedFile = keepExecuted ? join(build, ".executed", `${name}.ipynb`) : undefined;
  const slidesFile = slides ? join(build, slides) : undefined;
  const args = ["-m", "nbconvert", "--config", NBCONVERT_CONFIG, "--to", "html", "--output-dir", build, "--output", name, notebook];
  return new Promise((done) => {
    const child = spawn(python, args, {
      cwd: dirname(notebook),
      env: jupyterEnv({
        SCRATCHNET_PLOTLY_URL: "assets/plotly.min.js", SCRATCHNET_WIDGETS_URL: "assets/widgets.js", SCRATCHNET_ERROR_FILE: errorFile,
        ...(executedFile ? { SCRATCHNET_EXECUTED_FILE: executedFile } : {}),
        ...(slidesFile ? { SCRATCHNET_SLIDES_FILE: slidesFile } : {}), ...env,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      const written = [join(build, `${name}.html`), executedFile, slidesFile].filter((f) => f !== undefined);
      if (code === 0 && written.every((f) => existsSync(f))) return done(undefined);
      if (existsSync(errorFile)) return done(readFileSync(errorFile, "utf8"));
      const tail = stderr.trim().split("\n").slice(-40).join("\n");
      done(`${basename(notebook)}: nbconvert failed (exit ${code})\n${tail}\n`);
    });
  });
}

/**
 * Runs `run` on every item, `size` at a time, starting them in `order` (indices into items).
 * Longest first is what keeps both cores busy to the end: started last, a long notebook runs alone.
 */
async function pool<T>(items: T[], size: number, order: number[], run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const i = order[next++];
      await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** Where the export keeps how long each notebook took last time (project-local state, not committed). */
const TIMINGS_FILE = join(JUPYTER_STATE, "export-seconds.json");

/** The order to start notebooks in: longest first by the last export's timings; reading order for the rest. */
export function longestFirst(names: string[], seconds: Record<string, number>): number[] {
  const known = (name: string) => (typeof seconds[name] === "number" && Number.isFinite(seconds[name]) ? seconds[name] : -1);
  return names.map((_, i) => i).sort((a, b) => known(names[b]) - known(names[a]) || a - b);
}

function writeTimings(file: string, pages: PageResult[]): void {
  const seconds = { ...readSeconds(file) };
  for (const page of pages) if (!page.error) seconds[page.notebook] = page.seconds;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(seconds, null, 1) + "\n");
  } catch {
    // only a scheduling hint: an export never fails for it
  }
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

// MathJax 2.7 trimmed to what the pages use: the TeX-AMS_CHTML-full config, CommonHTML output
// with its TeX web fonts, and the extensions minus the speech engine (~3 MB of the 73 MB).
const MATHJAX_KEEP = [
  "MathJax.js",
  "config/TeX-AMS_CHTML-full.js",
  "config/Safe.js",
  "extensions/",
  "jax/input/TeX/",
  "jax/element/",
  "jax/output/CommonHTML/",
  "jax/output/PreviewHTML/",
  "fonts/HTML-CSS/TeX/woff/",
];
const MATHJAX_DROP = ["extensions/a11y/mathmaps/", "extensions/a11y/mathjax-sre.js"];

/** Copies the pages' scripts into `dir`. plotly.js is the wrapped bundle that always sets window.Plotly. */
export function writeAssets(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "plotly.min.js"), plotlyBundle());
  writeFileSync(join(dir, "widgets.js"), widgetsBundle()); // the library's browser build, for showWidget's outputs
  cpSync(join(packageDir("requirejs"), "require.js"), join(dir, "require.js"));
  cpSync(join(packageDir("jquery"), "dist", "jquery.min.js"), join(dir, "jquery.min.js"));
  const mathjax = packageDir("mathjax");
  cpSync(mathjax, join(dir, "mathjax"), {
    recursive: true,
    filter: (src) => {
      const rel = relative(mathjax, src).split(sep).join("/");
      if (rel === "") return true;
      if (MATHJAX_DROP.some((d) => rel === d.replace(/\/$/, "") || rel.startsWith(d))) return false;
      // keep a folder on the way to a kept path, and anything under a kept folder
      return MATHJAX_KEEP.some((k) => k === rel || k.startsWith(rel + "/") || (k.endsWith("/") && rel.startsWith(k)));
    },
  });
}

/**
 * reveal.js for the slides, from the npm package: the script, its stylesheet, the white theme with
 * its own fonts (other themes import Google Fonts) and the speaker-notes plugin (press S).
 */
export function writeRevealAssets(dir: string): void {
  const reveal = packageDir("reveal.js");
  for (const file of ["dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "dist/theme/fonts/source-sans-pro", "plugin/notes/notes.js"]) {
    cpSync(join(reveal, file), join(dir, file), { recursive: true });
  }
  cpSync(join(reveal, "LICENSE"), join(dir, "LICENSE"));
}

/** The table of contents, with a link to each notebook's slides. Every notebook-derived string is escaped. */
export function indexHtml(pages: Pick<PageResult, "page" | "title" | "summary" | "slides">[], edition?: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { description?: string };
  const items = pages
    .map(
      (p) =>
        // numbered as the files are (08-x.html is 8), whatever gaps the course has
        `  <li${/^\d+/.test(p.page) ? ` value="${Number(/^\d+/.exec(p.page)?.[0])}"` : ""}><a href="${escapeHtml(p.page)}">${escapeHtml(p.title)}</a>` +
        // "slides" alone, nine times, would not say which deck a link opens
        (p.slides ? ` <a class="slides-link" href="${escapeHtml(p.slides)}">slides<span class="visually-hidden">: ${escapeHtml(p.title)}</span></a>` : "") +
        liteLink(p.page, p.title, edition) + // the lite site's copy, when SCRATCHNET_LITE_URL is set
        (p.summary ? `<p>${escapeHtml(p.summary)}</p>` : "") +
        `</li>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scratchnet: the course${edition ? ` (${escapeHtml(edition)})` : ""}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
ol.toc { padding-left: 1.5rem; } ol.toc li { margin: 0.8rem 0; } ol.toc a { font-weight: 600; color: #1565c0; }
ol.toc p { margin: 0.2rem 0 0; color: #555; } a.slides-link { font-size: 0.85rem; color: #1565c0; margin-left: 0.4rem; } footer { margin-top: 2rem; color: #595959; font-size: 0.9rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
:focus-visible { outline: 3px solid #1565c0; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>scratchnet${edition ? ` <small>(${escapeHtml(edition)})</small>` : ""}</h1>
<p>${escapeHtml(pkg.description ?? "")}</p>
<ol class="toc">
${items}
</ol>
</main>
<footer>Static export of the notebooks${edition ? ` (${escapeHtml(edition)})` : ""}, executed headlessly; each deck of slides holds the cells tagged for slides (S opens the speaker view). Run the notebooks live with <code>npm start</code>.</footer>
</body>
</html>
`;
}

export const EXPORT_USAGE = `usage: npm run export -- [--out site] [--notebooks notebooks] [--jobs N] [--no-slides]
  --out DIR         where the site goes (default: site/), swapped in whole when every notebook ran
  --notebooks DIR   the notebooks to export (default: notebooks/)
  --jobs N          notebooks executed at once (default: 2, or fewer cores)
  --no-slides       no reveal.js decks`;

/** The options of the command line shared by `npm run export` and `npm run slides` (see the usage above). */
export function optionsFromArgs(args: string[], usage = EXPORT_USAGE): ExportOptions {
  const options: Parameters<typeof commandArgs>[1] = { out: { type: "string" }, notebooks: { type: "string" }, jobs: { type: "string" } };
  if (usage.includes("--no-slides")) options["no-slides"] = { type: "boolean", default: false };
  const { values } = commandArgs(usage, options, args) as unknown as {
    values: { out?: string; notebooks?: string; jobs?: string; "no-slides"?: boolean };
  };
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) {
    process.stderr.write(`--jobs must be a whole number of at least 1, not ${values.jobs}\n${usage}\n`);
    process.exit(2);
  }
  return { outDir: values.out, notebooksDir: values.notebooks, jobs, slides: !values["no-slides"] };
}

async function main(): Promise<void> {
  const options = optionsFromArgs(process.argv.slice(2)); // --help and a wrong flag stop before any work
  buildLibrary();
  linkLibrary();
  const result = await exportSite(options);
  const where = relative(process.cwd(), result.outDir) || ".";
  if (!result.ok) {
    for (const page of result.pages.filter((p) => p.error)) process.stderr.write(`\n${page.error}`);
    process.stderr.write(`\nexport failed: ${where}/ was left as it was.\n`);
    process.exit(1);
  }
  process.stderr.write(`export: ${result.pages.length} page(s) in ${result.seconds.toFixed(1)} s; open ${where}/index.html\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof SetupError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exit(1);
  });
}
