/**
 * `npm run kernel:install` puts "TypeScript (tslab)" in the user's Jupyter data folder (for VS Code
 * and any Jupyter), and `-- --uninstall` takes it away; run here with a HOME of its own. VS Code
 * itself cannot run on this machine: the kernelspec is what it reads.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "../scripts/lib/project";
import { userDataDir } from "../scripts/kernel-install";

const run = (home: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "kernel-install.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH, HOME: home },
  });

test("kernel:install writes the tslab kernelspec for this user, with absolute paths; --uninstall removes it", () => {
  const home = mkdtempSync(join(tmpdir(), "scratchnet-kernel-home-"));
  try {
    const r = run(home);
    assert.equal(r.status, 0, r.stderr);
    const file = join(home, ".local", "share", "jupyter", "kernels", "tslab", "kernel.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(spec.display_name, "TypeScript (tslab)");
    assert.equal(spec.argv[0], process.execPath, "this Node, not whatever node an editor finds on PATH");
    assert.equal(spec.argv[1], join(ROOT, "jupyter", "kernels", "tslab", "launch.cjs"));
    assert.ok(existsSync(spec.argv[1]));
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
    const again = run(home, "--uninstall");
    assert.equal(again.status, 0, again.stderr);
    assert.ok(!existsSync(file));
    assert.deepEqual(readdirSync(join(home, ".local", "share", "jupyter", "kernels")), []);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("kernel:install refuses an unknown flag and has --help", () => {
  const home = mkdtempSync(join(tmpdir(), "scratchnet-kernel-home-"));
  try {
    const bad = run(home, "--unistall");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Unknown option '--unistall'/);
    assert.match(run(home, "--help").stdout, /usage: npm run kernel:install/);
    assert.deepEqual(readdirSync(home), [], "neither wrote anything");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("the user's Jupyter data folder is found as jupyter_core finds it", () => {
  assert.equal(userDataDir({ HOME: "/h" }, "linux"), "/h/.local/share/jupyter");
  assert.equal(userDataDir({ HOME: "/h", XDG_DATA_HOME: "/x" }, "linux"), "/x/jupyter");
  assert.equal(userDataDir({ HOME: "/h" }, "darwin"), "/h/Library/Jupyter");
  assert.equal(userDataDir({ HOME: "/h", JUPYTER_DATA_DIR: "/j" }, "linux"), "/j");
});
