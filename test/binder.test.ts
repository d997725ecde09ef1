/**
 * binder/ (the repo2docker files for Binder and JupyterHub) agrees with the project's own set-up:
 * the same apt packages as scripts/lib/project.ts and .ci/run (minus the browser), the same
 * Jupyter packages as the pip route, a Node that package.json accepts, the same npm steps, and the
 * same tslab kernelspec. repo2docker itself needs Docker, so postBuild runs here dry: npm is a stub
 * that records its calls, and the kernel goes into a temporary prefix.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { delimiter, join, resolve } from "path";
import { listNotebooks, readNotebook } from "../scripts/lib/notebooks";
import { APT_CHROMIUM, APT_JUPYTER, NOTEBOOKS, PIP_PACKAGES, ROOT, jupyterEnv } from "../scripts/lib/project";

const BINDER = join(ROOT, "binder");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
/** A file's lines without comments and blank lines. */
const lines = (text: string) => text.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);

/** The `dependencies:` list of a conda environment.yml (plain strings only, as ours has). */
function condaDependencies(yml: string): string[] {
  const out: string[] = [];
  let inList = false;
  for (const raw of yml.split("\n")) {
    const line = raw.replace(/#.*$/, "").trimEnd();
    if (/^\S/.test(line)) inList = /^dependencies:\s*$/.test(line);
    else if (inList && /^\s+-\s+/.test(line)) out.push(line.replace(/^\s+-\s+/, "").replace(/\s+/g, ""));
  }
  return out;
}

/** The PACKAGES=(...) array of .ci/run. */
function ciPackages(): string[] {
  const m = /^PACKAGES=\(([^)]*)\)/m.exec(read(".ci/run"));
  assert.ok(m, ".ci/run has a PACKAGES=(...) line");
  return m[1].trim().split(/\s+/);
}

const sorted = (xs: string[]) => [...xs].sort();

describe("binder/apt.txt", () => {
  const apt = lines(read("binder/apt.txt"));

  test("lists the project's Jupyter packages, as scripts/lib/project.ts and .ci/run install them", () => {
    assert.deepEqual(sorted(apt), sorted(APT_JUPYTER));
    assert.deepEqual(sorted(ciPackages()), sorted([...APT_JUPYTER, ...APT_CHROMIUM]), ".ci/run installs the same packages as scripts/lib/project.ts");
  });

  test("leaves out what only the browser tests need", () => {
    for (const pkg of APT_CHROMIUM) assert.ok(!apt.includes(pkg), pkg);
  });
});

describe("binder/environment.yml", () => {
  const yml = read("binder/environment.yml");
  const deps = condaDependencies(yml);

  test("Node.js from conda-forge, a version that package.json's engines accepts", () => {
    assert.match(yml, /^channels:\s*\n\s+-\s+conda-forge\s*$/m);
    const node = deps.find((d) => /^nodejs\b/.test(d));
    assert.ok(node, "nodejs is a dependency");
    const major = Number(/^nodejs=(\d+)/.exec(node)?.[1]);
    const engines = JSON.parse(read("package.json")).engines.node as string;
    const min = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
    assert.ok(Number.isInteger(major) && major >= min, `nodejs=${major} satisfies engines.node ${engines}`);
  });

  test("the Jupyter packages are the project's own (PIP_PACKAGES, the pip route of npm run setup)", () => {
    const jupyter = deps.filter((d) => !/^nodejs\b/.test(d));
    assert.deepEqual(sorted(jupyter), sorted(PIP_PACKAGES.map((p) => p.replace(/\s+/g, ""))));
  });
});

describe("binder/postBuild", () => {
  let work: string;
  let calls: string[];
  let prefix: string;
  let run: ReturnType<typeof spawnSync>;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "scratchnet-binder-"));
    prefix = join(work, "conda-env");
    const log = join(work, "npm-calls.txt");
    writeFileSync(join(work, "npm"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\n`);
    chmodSync(join(work, "npm"), 0o755);
    run = spawnSync("bash", [join(BINDER, "postBuild")], {
      cwd: ROOT,
      env: { ...process.env, PATH: [work, process.env.PATH].join(delimiter), NB_PYTHON_PREFIX: prefix },
      encoding: "utf8",
    });
    calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test("is a bash script that stops at the first failure", () => {
    const text = read("binder/postBuild");
    assert.match(text, /^#!\/bin\/bash\n/);
    assert.match(text, /^set -euo pipefail$/m);
    const syntax = spawnSync("bash", ["-n", join(BINDER, "postBuild")], { encoding: "utf8" });
    assert.equal(syntax.status, 0, syntax.stderr);
  });

  test("runs, dry, the project's steps: npm ci (as .ci/run), build, the student edition", () => {
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(calls, ["ci", "run build", "run student -- --no-site", "cache clean --force"]);
    assert.match(read(".ci/run"), /npm ci/, ".ci/run installs with npm ci too");
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    for (const name of ["build", "student"]) assert.ok(scripts[name], `package.json has a "${name}" script`);
  });

  test("installs the project's tslab kernelspec: same name, same argv, {resource_dir} resolved", () => {
    const own = JSON.parse(read("jupyter/kernels/tslab/kernel.json"));
    const installedFile = join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json");
    assert.ok(existsSync(installedFile), "postBuild wrote <prefix>/share/jupyter/kernels/tslab/kernel.json");
    const installed = JSON.parse(readFileSync(installedFile, "utf8"));
    const { argv: ownArgv, ...ownRest } = own;
    const { argv: installedArgv, ...installedRest } = installed;
    assert.deepEqual(installedRest, ownRest);
    const kernelDir = join(ROOT, "jupyter", "kernels", "tslab");
    assert.deepEqual(installedArgv, (ownArgv as string[]).map((a) => (a.includes("{resource_dir}") ? resolve(a.replace("{resource_dir}", kernelDir)) : a)));
    const launcher = installedArgv.find((a: string) => a.endsWith("launch.cjs"));
    assert.equal(launcher, join(kernelDir, "launch.cjs"));
    assert.ok(existsSync(launcher), "the kernel's launcher exists");
    // The launcher starts tslab from the project's node_modules, found from its own folder.
    assert.match(readFileSync(launcher, "utf8"), /join\(__dirname, "\.\.", "\.\.", "\.\.", "node_modules", "tslab", "dist", "main\.js"\)/);
    assert.ok(existsSync(join(kernelDir, "..", "..", "..", "node_modules", "tslab", "dist", "main.js")), "and tslab's main.js is there");
  });

  test("that kernel is the one the notebooks ask for and the project's own Jupyter uses", () => {
    for (const file of listNotebooks(NOTEBOOKS)) assert.equal(readNotebook(file).metadata.kernelspec?.name, "tslab", file);
    assert.equal(jupyterEnv().JUPYTER_PATH, join(ROOT, "jupyter"), "the project's commands find jupyter/kernels/tslab");
  });
});
