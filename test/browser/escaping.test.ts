/**
 * Data that looks like HTML, in a real browser: the exported page of a notebook whose CSV labels
 * are `<script>alert(1)</script>` and the like (test/fixtures/hardening/escaping-notebook.ts) shows
 * them as text in the printed table, the printed labels, an error message and the plots' titles,
 * legends and labels, and none of them runs: no dialog, no flag set, no request for `x`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { pathToFileURL } from "url";
import { exportSite } from "../../scripts/export";
import { buildLibrary, ensureJupyter, linkLibrary } from "../../scripts/lib/project";
import { PAYLOADS, writeEscapingNotebook } from "../fixtures/hardening/escaping-notebook";
import { Chromium, guardedContext, launchChromium, screenshot, waitForPlots } from "./chromium";

describe("labels from data in the exported page, in Chromium", () => {
  let chromium: Chromium;
  let work = "";
  before(async () => {
    buildLibrary();
    linkLibrary();
    work = mkdtempSync(join(tmpdir(), "scratchnet-escaping-browser-"));
    writeEscapingNotebook(join(work, "notebooks"));
    const result = await exportSite({ notebooksDir: join(work, "notebooks"), outDir: join(work, "site"), python: await ensureJupyter("nbconvert"), log: () => undefined });
    assert.ok(result.ok, result.pages.map((p) => p.error ?? "").join("\n"));
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("every payload is visible as text, and none ran", async () => {
    const { page, problems } = await guardedContext(chromium.browser, (url) => url.startsWith("file://") || url === "about:blank");
    const p = await page();
    await p.goto(pathToFileURL(join(work, "site", "00-escaping.html")).href, { waitUntil: "load" });
    const [containers, drawn] = await waitForPlots(p);
    assert.equal(containers, 3);
    assert.equal(drawn, 3);

    const text = await p.evaluate(() => document.body.innerText);
    for (const payload of PAYLOADS) assert.ok(text.includes(payload), `${payload} is shown as text`);
    assert.ok(text.includes("│ <script>alert(1…"), "danfo's printed table shows the cell as text");
    assert.ok(text.includes('the text "<script>alert(1)</script>", not a number'), "the error message shows it as text");

    const plotTexts = await p.$$eval(".scratchnet-plot text", (els) => els.map((e) => e.textContent ?? ""));
    for (const payload of PAYLOADS) assert.ok(plotTexts.includes(payload), `${payload} in a plot's title, legend or labels`);

    const ran = await p.evaluate(() => ({
      pwned: (window as unknown as { pwned?: unknown }).pwned ?? null,
      injectedImages: document.querySelectorAll('img[src="x"]').length,
      injectedScripts: Array.from(document.scripts).filter((s) => /^\s*(alert|window\.pwned)/.test(s.textContent ?? "")).length,
    }));
    assert.deepEqual(ran, { pwned: null, injectedImages: 0, injectedScripts: 0 });
    await screenshot(p, "escaping");
    assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] });
  });
});
