/**
 * `npm run student`'s command line (node:util parseArgs: --help, and an error for anything it does
 * not know) and the progress lines of its long run. Cheap: nothing here executes a notebook.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../scripts/lib/project";
import { duration, expectedSeconds, progressLine, readSeconds, startProgress } from "../scripts/lib/progress";
import { STUDENT, USAGE, UsageError, studentArgs } from "../scripts/student";

/** Asserts that the arguments are refused with exactly this message. */
function refused(argv: string[], message: string): void {
  assert.throws(() => studentArgs(argv), (e: unknown) => e instanceof UsageError && e.message === message, message);
}

describe("npm run student: the command line", () => {
  test("defaults, --no-site, --out and --help", () => {
    assert.deepEqual(studentArgs([]), { help: false, site: true, out: STUDENT });
    assert.deepEqual(studentArgs(["--no-site"]), { help: false, site: false, out: STUDENT });
    assert.deepEqual(studentArgs(["--out", "build/student", "--no-site"]), { help: false, site: false, out: join(process.cwd(), "build/student") });
    assert.equal(studentArgs(["--help"]).help, true);
    assert.equal(studentArgs(["-h"]).help, true);
  });

  test("every mistake is refused with a message that says what and points to --help", () => {
    refused(["--job", "3"], "student: unknown option --job. See npm run student -- --help");
    refused(["--no-site", "--slides"], "student: unknown option --slides. See npm run student -- --help");
    refused(["notebooks"], 'student: unexpected argument "notebooks" (every option starts with --). See npm run student -- --help');
    refused(["--out"], "student: --out needs a value, e.g. --out student. See npm run student -- --help");
    refused(["--out", "/tmp/elsewhere"], `student: --out must be inside the project (${ROOT}), or the notebooks cannot import "scratchnet"`);
  });

  test("the script itself: --help prints the usage and exits 0; an unknown flag exits 2 before building anything", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "student.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
    const help = run(["--help"]);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stdout, USAGE + "\n");
    for (const flag of ["--no-site", "--out DIR", "--help"]) assert.ok(USAGE.includes(flag), flag);
    const wrong = run(["--job", "3"]);
    assert.equal(wrong.status, 2);
    assert.equal(wrong.stderr, "student: unknown option --job. See npm run student -- --help\n");
    assert.equal(wrong.stdout, "");
  });
});

describe("progress of a long run", () => {
  test("the expected time of a longest-first pool, and none without every past time", () => {
    assert.equal(expectedSeconds([10, 20, 30], 1), 60);
    // 2 workers: 30 | 20, then 10 goes to the one free at 20: 30 and 30.
    assert.equal(expectedSeconds([10, 20, 30], 2), 30);
    assert.equal(expectedSeconds([5, 40, 5, 5], 2), 40);
    assert.equal(expectedSeconds([7], 4), 7);
    assert.equal(expectedSeconds([10, undefined], 2), undefined);
    assert.equal(expectedSeconds([], 2), 0);
  });

  test("durations and lines", () => {
    assert.deepEqual([duration(8.4), duration(59.6), duration(75), duration(600)], ["8 s", "1 min 00 s", "1 min 15 s", "10 min 00 s"]);
    assert.equal(progressLine("student", 40, 3, 10, 120), "student: 40 s, 3 of 10 notebooks done, about 1 min 20 s left");
    assert.equal(progressLine("student", 130, 9, 10, 120), "student: 2 min 10 s, 9 of 10 notebooks done, 10 s longer than the last run took");
    assert.equal(progressLine("student", 120.4, 9, 10, 120), "student: 2 min 00 s, 9 of 10 notebooks done, about 0 s left");
    assert.equal(progressLine("student", 5, 0, 10), "student: 5 s, 0 of 10 notebooks done (no past run to estimate the time left from)");
    assert.equal(progressLine("hub:load", 30, 4, 30, 67, "students"), "hub:load: 30 s, 4 of 30 students done, about 37 s left");
  });

  test("a line at every tick until stopped, counting what is done; 5 s apart by default", () => {
    const lines: string[] = [];
    let clock = 0;
    let tick = () => {};
    let every = 0;
    let stopped = false;
    const schedule = (ms: number, fn: () => void) => ((every = ms), (tick = fn), () => void (stopped = true));
    const progress = startProgress({ label: "t", total: 2, expected: 100, write: (l) => lines.push(l), now: () => clock, schedule });
    assert.equal(every, 5000);
    clock = 10_000;
    tick();
    progress.done();
    clock = 20_000;
    tick();
    assert.deepEqual(lines, ["t: 10 s, 0 of 2 notebooks done, about 1 min 30 s left", "t: 20 s, 1 of 2 notebooks done, about 1 min 20 s left"]);
    assert.equal(stopped, false);
    progress.stop();
    assert.equal(stopped, true);
  });

  test("the real timer ticks, and stops", async () => {
    const lines: string[] = [];
    const progress = startProgress({ label: "t", total: 1, everyMs: 5, write: (l) => lines.push(l) });
    const deadline = Date.now() + 5000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    progress.stop();
    const seen = lines.length;
    assert.ok(seen > 0, "a line within 5 s");
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(lines.length, seen, "no line after stop");
  });

  test("past timings: numbers kept, anything else ignored, a missing file is no timings", () => {
    assert.deepEqual(readSeconds(join(ROOT, "no-such-timings.json")), {});
    assert.deepEqual(readSeconds(join(ROOT, "package.json")), {}); // an object without numbers
  });
});
