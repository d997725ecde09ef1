/**
 * One runner for the test tiers that need something built first (test/browser/run.ts,
 * lite/test/run.ts): make a temporary folder, tell the tests where it is through `envVar`, build
 * into it, run every `*.test.ts` of `testDir` one file at a time, and remove the folder, whatever
 * happened. The tests never read a stale build from the working tree.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export interface BuiltRun {
  /** Directory whose `*.test.ts` files are run, in name order. */
  testDir: string;
  /** Environment variable that carries the built folder's path to the tests. */
  envVar: string;
  /** Prefix of the temporary folder's name. */
  prefix: string;
  /** A folder inside the temporary one to build into, for builds that make their folder themselves. */
  subdir?: string;
  /** Builds into `dir` (run in a child process, so its failure is an exit status, not a throw). */
  build: (dir: string) => { module: string; call: string };
}

/** Runs the build, then the tests; returns the exit status for `process.exit`. */
export function runBuilt(run: BuiltRun): number {
  const tmp = mkdtempSync(join(tmpdir(), run.prefix));
  const dir = run.subdir ? join(tmp, run.subdir) : tmp;
  process.env[run.envVar] = dir;
  try {
    const files = readdirSync(run.testDir).filter((f) => f.endsWith(".test.ts")).sort().map((f) => join(run.testDir, f));
    const { module, call } = run.build(dir);
    const script = `require(${JSON.stringify(module)}).${call}.catch((e) => { console.error(e.message); process.exit(1); })`;
    const built = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { stdio: "inherit" }).status ?? 1;
    if (built !== 0) return built;
    return spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], { stdio: "inherit" }).status ?? 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
