/**
 * Text that comes from data is escaped in the exported HTML: a notebook reads labels such as
 * `<script>alert(1)</script>` from a CSV and shows them through the plot helpers, danfo's table
 * print and a library error message; the exported page holds them only in escaped forms.
 * (test/browser/escaping.test.ts opens the same page in Chromium: visible as text, nothing runs.)
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { exportSite } from "../../scripts/export";
import { buildLibrary, ensureJupyter, linkLibrary } from "../../scripts/lib/project";
import { PAYLOADS, writeEscapingNotebook } from "../fixtures/hardening/escaping-notebook";

let work = "";
let page = "";

before(async () => {
  buildLibrary();
  linkLibrary();
  work = mkdtempSync(join(tmpdir(), "scratchnet-escaping-"));
  writeEscapingNotebook(join(work, "notebooks"));
  const result = await exportSite({ notebooksDir: join(work, "notebooks"), outDir: join(work, "site"), python: await ensureJupyter("nbconvert"), log: () => undefined });
  assert.ok(result.ok, result.pages.map((p) => p.error ?? "").join("\n"));
  page = readFileSync(join(work, "site", "00-escaping.html"), "utf8");
});
after(() => rmSync(work, { recursive: true, force: true }));

test("no payload appears in the exported page as markup", () => {
  for (const p of PAYLOADS) assert.ok(!page.includes(p), `${p} is in the page as it is`);
  console.log(`# bad inputs: ${PAYLOADS.length} (HTML payloads in data labels, each shown through danfo's table, a print, an error message and three plots)`);
  assert.deepEqual(page.match(/<(script|img)\b[^>]*?(alert|pwned|onerror|src=x)/gi), null);
  assert.deepEqual(page.match(/<script>\s*(alert|window\.pwned)/gi), null);
});

test("the printed table, the printed labels and the error message show the payloads escaped as text", () => {
  const escaped = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  assert.ok(page.includes(escaped("║ 0          │ <script>alert(1…")), "danfo's table, escaped");
  for (const p of PAYLOADS) assert.ok(page.includes(escaped(p)), `${p} printed as text`);
  // nbconvert writes a quote as &#34;
  assert.ok(/the text (&#34;|&quot;|")&lt;script&gt;alert\(1\)&lt;\/script&gt;(&#34;|&quot;|"), not a number/.test(page), "the error message, escaped");
});

test("inside the plot scripts, the payloads are JSON with < written as \\u003c, and entity-escaped for plotly", () => {
  const specs = [...page.matchAll(/var spec = (\{.*?\}), id = /g)].map((m) => m[1]);
  assert.equal(specs.length, 3);
  for (const s of specs) assert.ok(!s.includes("<"), "no < inside a plot script");
  const texts = specs.map((s) => JSON.stringify(JSON.parse(s)));
  assert.ok(texts.some((t) => t.includes("&lt;script&gt;alert(1)&lt;/script&gt;")), "plotly gets the label entity-escaped");
});
