/**
 * Two commands on a fresh machine: `.ci/run` is exactly `npm ci && npm test`, `npm test` runs the
 * project's own set-up before any test that needs Jupyter or Chromium, and that set-up provides
 * every program the scripts and tests run (scripts/lib/project.ts PROVIDED), beyond a bare Debian
 * with Node and git. No Jupyter needed: this reads the sources.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync, readdirSync, statSync } from "fs";
import { join, relative } from "path";
import { PROVIDED, ROOT, requirements } from "../scripts/lib/project";
import { NEEDS } from "../scripts/setup";

/**
 * On Debian with Node and git: Essential/required packages and those two. coreutils (cat, chmod,
 * chown, ...), util-linux (setsid), libc-bin (getent), passwd (useradd ...), login (nologin).
 */
const BASE = new Set(["node", "npm", "npx", "git", "bash", "sh", "cat", "env", "mkdir", "rm", "cp", "chmod", "chown", "setsid", "getent", "nologin", "useradd", "userdel", "groupdel", "apt-get", "dpkg"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "fixtures" ? [] : sources(path);
    return /\.(ts|cjs)$/.test(name) ? [path] : [];
  });
}

/** The programs run by name or by absolute path: spawn*("x", …), exec*("x", …) and "/usr/bin/x" literals. */
function programsRun(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of ["scripts", "test", "bench"].flatMap((d) => sources(join(ROOT, d)))) {
    if (file === __filename) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(?:spawnSync|spawn|execFileSync|execFile|execSync)\(\s*"([^"\s]+)"/g)) found.set(m[1].replace(/^.*\//, ""), relative(ROOT, file));
    for (const m of text.matchAll(/"\/usr\/(?:local\/)?s?bin\/([\w.+-]+)"/g)) found.set(m[1], relative(ROOT, file));
  }
  return found;
}

test("every program a script or test runs is either in a bare Debian with Node and git, or installed by the set-up", () => {
  const runs = programsRun();
  assert.ok(runs.has("chromium") && runs.has("python3"), "the scan finds what the tests are known to run");
  const missing = [...runs].filter(([program]) => !BASE.has(program) && !PROVIDED[program]);
  assert.deepEqual(missing, [], "add an install step to scripts/lib/project.ts (and PROVIDED) for these");
});

test("what PROVIDED names is really installed: its apt packages are the set-up's, its pip package is pinned", () => {
  const pins = requirements().map((r) => r.split("==")[0].toLowerCase());
  for (const [program, how] of Object.entries(PROVIDED)) {
    if (how.pip) assert.ok(pins.includes(how.pip), `${program}: ${how.pip} is in jupyter/requirements.txt`);
    assert.ok(how.apt || how.pip, program);
  }
  assert.ok(requirements().every((r) => /^[\w.-]+==[\w.]+$/.test(r)), "every top-level requirement is pinned with ==");
});

test("npm test sets up everything first (Jupyter, the hub, Chromium), after the unit tier that needs none", () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const steps = scripts.test.split("&&").map((s) => s.trim());
  const setupAt = steps.findIndex((s) => /scripts\/setup\.ts --for test$/.test(s));
  assert.ok(setupAt > 0, `npm test runs setup --for test: ${scripts.test}`);
  assert.equal(steps[0], "npm run test:unit", "the unit tier needs no set-up and runs first");
  for (const later of ["test:integration", "test:notebooks", "test:browser", "test:hub"]) {
    assert.ok(steps.findIndex((s) => s.endsWith(later)) > setupAt, `${later} runs after the set-up`);
  }
  assert.deepEqual([...NEEDS.test].sort(), ["chromium", "classic", "hub", "jupyter"]);
});

test(".ci/run is the README's two commands and nothing more: no apt-get, no pip", () => {
  const run = readFileSync(join(ROOT, ".ci", "run"), "utf8");
  const code = run.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  assert.deepEqual(code, ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "export CI=true", "npm ci && npm test"]);
});
