/**
 * Every command of the project's own: `--help` prints its usage and does nothing else; an unknown
 * flag (a typo such as `--job 3`) stops it with exit code 2 and says which, instead of being ignored.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "child_process";
import { join } from "path";
import { ROOT } from "../scripts/lib/project";

const COMMANDS: Record<string, string> = {
  setup: "npm run setup",
  start: "npm start",
  export: "npm run export",
  slides: "npm run slides",
  "run-notebook": "npm run notebook",
  "clean-notebooks": "npm run clean:notebooks",
  "kernel-install": "npm run kernel:install",
};

const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

for (const [script, command] of Object.entries(COMMANDS)) {
  test(`${command}: --help prints the usage; an unknown flag fails with exit 2 and names it`, () => {
    const help = run(script, "--help");
    assert.equal(help.status, 0, help.stderr);
    assert.ok(help.stdout.startsWith(`usage: ${command}`), help.stdout);
    const bad = run(script, "--job", "3");
    assert.equal(bad.status, 2, `${bad.stdout}\n${bad.stderr}`);
    assert.match(bad.stderr, /Unknown option '--job'/);
    assert.ok(bad.stderr.includes(`usage: ${command}`), "and shows the usage");
  });
}
