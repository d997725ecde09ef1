/**
 * The export never replaces the site with a half-built one, even when it is killed: the export
 * process (and its nbconvert, in the same process group) is SIGKILLed while notebooks execute,
 * and the old site must be there, untouched, and no tslab kernel left running. Then
 * crashes right before and right after the swap that puts the new site in place: the site's
 * place always holds a whole site. (A failing notebook is covered by execute.test.ts.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildLibrary, ensureJupyter, linkLibrary } from "../../scripts/lib/project";

const CHILD = join(__dirname, "..", "fixtures", "hardening", "export-child.ts");

function writeNotebook(path: string, cells: string[]): void {
  const nb = {
    cells: [
      { cell_type: "markdown", source: "# A slow notebook\n\nIt waits, so that the export can be killed while it runs.", metadata: {} },
      ...cells.map((source) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null })),
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 4,
  };
  writeFileSync(path, JSON.stringify(nb));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ready: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ready()) return true;
    await sleep(20);
  }
  return false;
}

/** The tslab kernels working in `dir` (nbconvert starts them there for the notebooks it runs), by id. */
function kernelsIn(dir: string): number[] {
  const real = realpathSync(dir);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      // A first kernel start builds the start-up snapshot in the background (launch.cjs
      // --build-snapshot): not a kernel, and it ends by itself once the snapshot is written.
      if (cmdline.includes("--build-snapshot")) continue;
      if (cmdline.includes("tslab") && readlinkSync(`/proc/${entry}/cwd`) === real) pids.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return pids;
}

describe("an export that is killed", () => {
  let work = "";
  let notebooks = "";
  let site = "";
  const oldSite = { "index.html": "<p>the old site</p>\n", "marker.txt": "old\n" };
  const orphans = new Set<number>();
  let kernelsAtKill = 0; // kernels running when the exports were killed

  const writeOldSite = () => {
    rmSync(site, { recursive: true, force: true });
    mkdirSync(site);
    for (const [name, text] of Object.entries(oldSite)) writeFileSync(join(site, name), text);
  };
  const siteIsOld = () =>
    existsSync(site) && readdirSync(site).sort().join() === Object.keys(oldSite).join() &&
    Object.entries(oldSite).every(([name, text]) => readFileSync(join(site, name), "utf8") === text);
  const builds = () => readdirSync(work).filter((f) => f.startsWith(".site-build"));

  function start(mode?: string): ChildProcess {
    // Its own process group, so that the kill takes nbconvert with it, as a closed terminal would.
    return spawn(process.execPath, ["--import", "tsx", CHILD, notebooks, site, ...(mode ? [mode] : [])], { detached: true, stdio: "ignore" });
  }
  async function killGroup(child: ChildProcess): Promise<void> {
    const exited = new Promise((r) => child.once("exit", r));
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    await exited;
  }

  before(async () => {
    await ensureJupyter("nbconvert");
    buildLibrary();
    linkLibrary();
    work = mkdtempSync(join(tmpdir(), "scratchnet-export-kill-"));
    notebooks = join(work, "notebooks");
    site = join(work, "site");
    mkdirSync(notebooks);
    writeNotebook(join(notebooks, "01-slow.ipynb"), ['console.log("one");', "await new Promise((r) => setTimeout(r, 4000));"]);
    writeNotebook(join(notebooks, "02-slow.ipynb"), ['console.log("two");', "await new Promise((r) => setTimeout(r, 4000));"]);
  });
  after(() => {
    for (const pid of orphans) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(work, { recursive: true, force: true });
  });

  test("killed while the first notebook runs, and while the second does: the old site is untouched", async () => {
    for (const moment of ["first notebook", "second notebook"]) {
      writeOldSite();
      const earlier = new Set(builds());
      const child = start();
      const built = () => builds().find((f) => !f.includes("-old-") && !earlier.has(f));
      const reached = await until(() => {
        const b = built();
        if (!b) return false;
        const pages = readdirSync(join(work, b)).filter((f) => f.endsWith(".html"));
        return moment === "first notebook" ? kernelsIn(notebooks).length > 0 : pages.includes("01-slow.html");
      }, 120_000);
      assert.ok(reached, `the export reached the ${moment}`);
      await sleep(500);
      kernelsAtKill += kernelsIn(notebooks).length;
      await killGroup(child);
      assert.ok(siteIsOld(), `killed during the ${moment}: the old site is there, untouched`);
      // The kernels' launcher (jupyter/kernels/tslab/launch.cjs) sees within a second that its parent is gone.
      await until(() => kernelsIn(notebooks).length === 0, 5000);
      for (const pid of kernelsIn(notebooks)) orphans.add(pid);
    }
    console.log("# bad inputs: 2 (exports killed while notebooks run)");
  });

  test("an export after a killed one replaces the site", async () => {
    writeOldSite();
    const child = start();
    const code = await new Promise((r) => child.once("exit", r));
    assert.equal(code, 0);
    assert.deepEqual(readdirSync(site).sort(), ["01-slow.html", "02-slow.html", "assets", "index.html"]);
    // The killed exports' build folders stay behind (.site-build-*, git-ignored); nothing removes them.
    console.log(`# build folders left by killed exports: ${builds().length}`);
  });

  test("a killed export leaves no kernel running", () => {
    // jupyter_client starts each kernel in a session of its own, so killing the export's process
    // group does not reach it, and tslab does not watch for its parent going away; the kernel's
    // launcher does, and exits when its parent is gone.
    assert.ok(kernelsAtKill > 0, "kernels were running when the exports above were killed");
    assert.deepEqual([...orphans], [], `tslab kernels left running by killed exports: ${[...orphans].join(", ")}`);
  });

  test("killed right before the swap, and right after it: the site's place holds the old site or the new one, whole", async () => {
    // scripts/lib/replace-dir.ts swaps the two folders in one step (renameat2, RENAME_EXCHANGE), so
    // there is no moment without a whole site at its place.
    const newSite = ["01-slow.html", "02-slow.html", "assets", "index.html"];
    for (const moment of ["before", "after"]) {
      writeOldSite();
      const earlier = new Set(builds());
      const child = start(`crash-${moment}-swap`);
      const signal = await new Promise((r) => child.once("exit", (_code, sig) => r(sig)));
      assert.equal(signal, "SIGKILL", `the child crashed ${moment} the swap`);
      const left = builds().filter((f) => !earlier.has(f));
      assert.equal(left.length, 1, `one build folder is left by the crash ${moment} the swap: ${left.join(", ")}`);
      const leftHolds = readdirSync(join(work, left[0])).sort();
      if (moment === "before") {
        assert.ok(siteIsOld(), `right before the swap the site's place holds the old site: ${readdirSync(site).join(", ")}`);
      } else {
        assert.deepEqual(readdirSync(site).sort(), newSite, "right after the swap the site's place holds the new site");
        assert.ok(readFileSync(join(site, "01-slow.html"), "utf8").includes("one"), "the new page has its notebook's output");
        // The old site is whole where the new one was built (git-ignored; removed when not interrupted).
        assert.deepEqual(leftHolds, Object.keys(oldSite), "the old site, swapped into the build folder");
      }
    }
  });
});
