/**
 * Every notebook is a test: the export executes each one (its asserts run) and builds site/ for
 * the browser tests. Also the export's own promises, on small notebooks made here: a failing cell
 * is reported with the notebook, the cell number, its source and the real error; a failed export
 * leaves the old site alone; notebook text is escaped in the table of contents; nothing is written
 * to $HOME.
 * Executing notebooks takes a while, so this folder runs under `npm run test:notebooks`, not test:lib.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ExportResult, exportSite, longestFirst } from "../../scripts/export";
import { ensureJupyter } from "../../scripts/lib/project";

const quiet = () => undefined;

function writeNotebook(dir: string, name: string, cells: [string, string][]): void {
  const nb = {
    cells: cells.map(([cell_type, source]) =>
      cell_type === "code" ? { cell_type, source, metadata: {}, outputs: [], execution_count: null } : { cell_type, source, metadata: {} },
    ),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 4,
  };
  writeFileSync(join(dir, name), JSON.stringify(nb));
}

describe("the course's notebooks", () => {
  let result: ExportResult;
  before(async () => {
    result = await exportSite({ log: (line) => process.stderr.write(line + "\n") });
  });

  test("every notebook executes without error (the export into site/)", async (t) => {
    for (const page of result.pages) {
      await t.test(page.notebook, () => {
        if (page.error) assert.fail(`\n${page.error}`);
      });
    }
    assert.ok(result.ok, "the export failed");
    assert.ok(existsSync(join(result.outDir, "index.html")));
  });
});

describe("the export", () => {
  let work: string;
  let python: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "scratchnet-export-"));
    python = await ensureJupyter("nbconvert");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test("a failing cell fails it with the notebook, the cell number, its source and the error; the old site stays", async () => {
    const nbs = join(work, "broken");
    mkdirSync(nbs);
    writeNotebook(nbs, "01-runtime.ipynb", [
      ["markdown", "# Runtime\n\nThrows."],
      ["code", "const answer: number = 41;"],
      ["code", 'if (answer !== 42) {\n  throw new Error("expected 42, got " + answer);\n}'],
      ["code", 'console.log("never runs");'],
    ]);
    writeNotebook(nbs, "02-types.ipynb", [
      ["markdown", "# Types\n\nDoes not compile."],
      ["code", 'const n: number = "one";'],
    ]);
    const out = join(work, "site-kept");
    mkdirSync(out);
    writeFileSync(join(out, "marker.txt"), "old site");

    const result = await exportSite({ notebooksDir: nbs, outDir: out, python, log: quiet });
    assert.equal(result.ok, false);
    const [runtime, types] = result.pages.map((p) => p.error ?? "");
    assert.match(runtime, /^01-runtime\.ipynb: cell \[2\] failed\n/);
    assert.ok(runtime.includes('throw new Error("expected 42, got " + answer);'), runtime);
    assert.match(runtime, /Error: expected 42, got 41/);
    assert.ok(!runtime.includes("never runs"));
    assert.match(types, /^02-types\.ipynb: cell \[1\] failed\n/);
    assert.match(types, /Type 'string' is not assignable to type 'number'/);

    assert.deepEqual(readdirSync(out), ["marker.txt"], "the old site is untouched");
    assert.deepEqual(readdirSync(work).filter((f) => f.startsWith(".site-build")), [], "no build folder is left behind");
  });

  test("replaces the site on success, escapes notebook text, numbers cells, and writes nothing to HOME", async () => {
    const nbs = join(work, "good");
    mkdirSync(nbs);
    writeNotebook(nbs, "00-escape.ipynb", [
      ["markdown", '# <script>alert("t")</script> & co\n\nSummary with <img src=x onerror=alert(1)>.'],
      ["code", 'console.log("one");'],
      ["code", 'console.log("two");'],
    ]);
    const out = join(work, "site-new");
    mkdirSync(out);
    writeFileSync(join(out, "marker.txt"), "old site");
    const home = join(work, "home");
    mkdirSync(home);

    const result = await exportSite({ notebooksDir: nbs, outDir: out, python, log: quiet, env: { HOME: home } });
    assert.equal(result.ok, true, result.pages[0].error);
    assert.deepEqual(readdirSync(out).sort(), ["00-escape.html", "assets", "index.html"]);
    assert.deepEqual(readdirSync(home), [], "nothing was written to HOME");

    const index = readFileSync(join(out, "index.html"), "utf8");
    assert.ok(index.includes("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; co"), index);
    assert.ok(index.includes("Summary with &lt;img src=x onerror=alert(1)&gt;."));
    assert.ok(!index.includes("<script") && !index.includes("<img"));
    const page = readFileSync(join(out, "00-escape.html"), "utf8");
    // nbconvert 7's lab template escapes the title but keeps quotes, harmless in an element's text.
    assert.ok(page.includes('<title>&lt;script&gt;alert("t")&lt;/script&gt; &amp; co</title>'), page.slice(0, 400));
    const prompts = [...page.matchAll(/jp-InputPrompt[^>]*>In(?:&nbsp;|\s)\[(\d*)\]:/g)].map((m) => m[1]);
    assert.deepEqual(prompts, ["1", "2"], "code cells are numbered");
    for (const asset of ["plotly.min.js", "require.js", "jquery.min.js", "mathjax/MathJax.js"]) {
      assert.ok(existsSync(join(out, "assets", asset)), asset);
    }
  });

  test("keeps each notebook's time in the timings file, starts the longest first next time, and says how far it got every 5 s", async () => {
    const nbs = join(work, "timed");
    mkdirSync(nbs);
    writeNotebook(nbs, "01-quick.ipynb", [["markdown", "# Quick"], ["code", "1 + 1"]]);
    writeNotebook(nbs, "02-slow.ipynb", [["markdown", "# Slow"], ["code", "const t0 = Date.now();\nwhile (Date.now() - t0 < 5500) {}"]]);
    const timingsFile = join(work, "timings", "export-seconds.json");
    const lines: string[] = [];
    const first = await exportSite({ notebooksDir: nbs, outDir: join(work, "site-timed"), python, timingsFile, jobs: 1, log: (l) => lines.push(l) });
    assert.equal(first.ok, true, first.pages.map((p) => p.error).join("\n"));
    const seconds = JSON.parse(readFileSync(timingsFile, "utf8"));
    assert.deepEqual(Object.keys(seconds).sort(), ["01-quick.ipynb", "02-slow.ipynb"]);
    assert.ok(seconds["02-slow.ipynb"] > seconds["01-quick.ipynb"], JSON.stringify(seconds));
    assert.ok(lines.every((l) => !l.includes("longest first")), "the first export has no timings to go by");
    // The slow notebook alone keeps the export busy past 5 s: at least one progress line.
    assert.ok(lines.some((l) => /^export: (\d+ min )?\d+ s, [012] of 2 notebooks done \(no past run to estimate the time left from\)$/.test(l)), lines.join("\n"));

    lines.length = 0;
    const second = await exportSite({ notebooksDir: nbs, outDir: join(work, "site-timed"), python, timingsFile, jobs: 1, log: (l) => lines.push(l) });
    assert.equal(second.ok, true);
    assert.ok(lines.some((l) => l.includes("longest first, by the last export's timings")), lines.join("\n"));
    const started = lines.filter((l) => /\.ipynb/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    assert.deepEqual(started, ["02-slow.ipynb", "01-quick.ipynb"], "with one job, the slow notebook ran first");
    assert.ok(lines.some((l) => /^export: (\d+ min )?\d+ s, [012] of 2 notebooks done, (about .* left|.* longer than the last run took)$/.test(l)), "now with the time left: " + lines.join("\n"));
    assert.deepEqual(second.pages.map((p) => p.notebook), ["01-quick.ipynb", "02-slow.ipynb"], "pages keep the reading order");
  });
});

test("longestFirst: known notebooks by time, longest first; unknown ones after them in reading order", () => {
  const names = ["00-a.ipynb", "01-b.ipynb", "02-c.ipynb", "03-d.ipynb"];
  assert.deepEqual(longestFirst(names, {}), [0, 1, 2, 3]);
  assert.deepEqual(longestFirst(names, { "01-b.ipynb": 3, "03-d.ipynb": 9 }), [3, 1, 0, 2]);
  assert.deepEqual(longestFirst(names, { "00-a.ipynb": 5, "02-c.ipynb": 5, "01-b.ipynb": Number.NaN }), [0, 2, 1, 3]);
});
