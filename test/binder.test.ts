/**
 * binder/ (the repo2docker files for Binder and JupyterHub) agrees with the project's own set-up:
 * the same pinned Jupyter as the .venv (jupyter/requirements.txt and constraints.txt), a Node that
 * package.json accepts, the same npm steps, and the same tslab kernelspec. repo2docker itself needs Docker, so postBuild runs here dry: npm is a stub
 * that records its calls, and the kernel goes into a temporary prefix.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { delimiter, join, relative, resolve } from "path";
import { listNotebooks, readNotebook } from "../scripts/lib/notebooks";
import { NOTEBOOKS, ROOT, jupyterEnv, requirements } from "../scripts/lib/project";
import { parseArgs as parseHubArgs } from "../scripts/hub";
import { STUDENT } from "../scripts/student";
import { SIZING_HEADER, sizingRow } from "../scripts/lib/hub-report";

const BINDER = join(ROOT, "binder");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
/** A file's lines without comments and blank lines. */
const lines = (text: string) => text.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);

const sorted = (xs: string[]) => [...xs].sort();

describe("binder/environment.yml", () => {
  const env = parseYaml(read("binder/environment.yml")) as { channels: string[]; dependencies: (string | { pip: string[] })[] };
  const conda = env.dependencies.filter((d): d is string => typeof d === "string");
  const pip = env.dependencies.find((d): d is { pip: string[] } => typeof d === "object" && Array.isArray(d.pip))?.pip ?? [];

  test("Node.js from conda-forge, a version that package.json's engines accepts", () => {
    assert.deepEqual(env.channels, ["conda-forge"]);
    const node = conda.find((d) => /^nodejs\b/.test(d));
    assert.ok(node, "nodejs is a dependency");
    const major = Number(/^nodejs=(\d+)/.exec(node)?.[1]);
    const engines = JSON.parse(read("package.json")).engines.node as string;
    const min = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
    assert.ok(Number.isInteger(major) && major >= min, `nodejs=${major} satisfies engines.node ${engines}`);
  });

  test("pins from pip exactly the .venv's Jupyter: jupyter/requirements.txt, and each at constraints.txt's version", () => {
    assert.deepEqual(sorted(pip), sorted(requirements()), "binder/environment.yml pip: == jupyter/requirements.txt");
    const locked = new Map(lines(read("jupyter/constraints.txt")).map((l) => l.split("==") as [string, string]));
    const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
    const lockedByName = new Map([...locked].map(([n, v]) => [norm(n), v]));
    for (const pin of pip) {
      const [name, version] = pin.split("==");
      assert.equal(lockedByName.get(norm(name)), version, `${name} is ${version} in jupyter/constraints.txt too`);
    }
    assert.ok(!conda.some((d) => /^(notebook|jupyterlab|nbconvert)\b/.test(d)), "Jupyter comes from pip only, never also from conda");
  });

  test("no apt.txt: the image takes Jupyter from pip, not Debian's classic packages", () => {
    assert.ok(!existsSync(join(BINDER, "apt.txt")));
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
    // The launcher starts tslab (through kernel-main.cjs beside it, with or without the start-up
    // snapshot) from the project's node_modules, found from its own folder.
    assert.match(readFileSync(join(kernelDir, "kernel-main.cjs"), "utf8"), /const TSLAB = join\(__dirname, "\.\.", "\.\.", "\.\.", "node_modules", "tslab", "dist"\)/);
    assert.ok(existsSync(join(kernelDir, "..", "..", "..", "node_modules", "tslab", "dist", "main.js")), "and tslab's main.js is there");
  });

  test("that kernel is the one the notebooks ask for and the project's own Jupyter uses", () => {
    for (const file of listNotebooks(NOTEBOOKS)) assert.equal(readNotebook(file).metadata.kernelspec?.name, "tslab", file);
    assert.equal(jupyterEnv().JUPYTER_PATH, join(ROOT, "jupyter"), "the project's commands find jupyter/kernels/tslab");
  });
});

/**
 * binder/zero-to-jupyterhub.yaml, the Helm values for a class on Kubernetes. It cannot be run here
 * (no Docker, no Kubernetes): it is checked against the image binder/ builds and against the sizes
 * `npm run hub:load` measured on one machine (jupyter/hub/measured/hub-load-*.json).
 */
describe("binder/zero-to-jupyterhub.yaml", () => {
  const HOME = "/home/jovyan"; // where repo2docker puts the repository, and the notebook user's home
  let values: any;
  before(() => {
    // The npm package `yaml` (a devDependency): a unit test needs no Python.
    values = parseYaml(read("binder/zero-to-jupyterhub.yaml"));
  });

  /** Kubernetes quantities: 512M, 1G, 1Gi ... in bytes. */
  const bytes = (q: string | number) => {
    const m = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(String(q));
    assert.ok(m, `a memory quantity: ${q}`);
    const unit = m[2] ?? "";
    const power = "KMGT".indexOf(unit[0] ?? "") + 1;
    return Number(m[1]) * (unit.endsWith("i") ? 1024 : 1000) ** power;
  };
  const measured = () => {
    const dir = join(ROOT, "jupyter", "hub", "measured");
    const runs = readdirSync(dir).filter((f) => /^hub-load-\d+(-[\w-]+)?\.json$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
    const classes = runs.filter((r) => r.notebook === "01-neuron.ipynb").map((r) => r.students).sort((a, b) => a - b);
    assert.deepEqual(classes, [5, 10, 20, 30], "the load test's reports at 5, 10, 20 and 30 students are kept");
    return runs;
  };

  test("the image is the one binder/ builds; the learner's copy comes from its student edition, never overwritten", () => {
    const su = values.singleuser;
    assert.match(su.image.name, /\/scratchnet-course$/);
    assert.equal(typeof su.image.tag, "string", "the tag is a string (quoted), or YAML may turn it into a number");
    const command = su.lifecycleHooks.postStart.exec.command.join(" ");
    // binder/postBuild builds the student edition into student/notebooks, in the repository (= $HOME)
    assert.match(read("binder/postBuild"), /^npm run student -- --no-site/m);
    assert.equal(relative(ROOT, join(STUDENT, "notebooks")), "student/notebooks");
    assert.ok(command.includes(`cp -n ${HOME}/student/notebooks/*.ipynb ${su.storage.homeMountPath}/notebooks/`), command);
    assert.ok(su.storage.homeMountPath.startsWith(`${HOME}/`), "the learner's disk is mounted below the home, so the image's files stay visible");
    assert.equal(su.defaultUrl, `/tree/${relative(HOME, su.storage.homeMountPath)}/notebooks`);
    // the library resolves from the work folder upward: the image's node_modules is in the home
    assert.ok(existsSync(join(ROOT, "node_modules", "scratchnet")), "node_modules/scratchnet (linked by npm ci's prepare)");
  });

  test("memory and CPU from the measured sizes", () => {
    const runs = measured();
    const mem = values.singleuser.memory;
    const cpu = values.singleuser.cpu;
    const MiB = 1024 * 1024;
    const perStudent = Math.max(...runs.filter((r) => r.notebook.startsWith("01-")).map((r) => r.perStudentRssMiB.max)) * MiB;
    const largest = Math.max(...runs.map((r) => r.perStudentRssMiB.max)) * MiB;
    assert.ok(bytes(mem.guarantee) >= perStudent, `guarantee ${mem.guarantee} covers a learner after 01-neuron (${(perStudent / MiB).toFixed(0)} MiB measured)`);
    assert.ok(bytes(mem.guarantee) <= 2 * perStudent, `guarantee ${mem.guarantee} is not far above what was measured, or a node holds fewer learners than it could`);
    assert.ok(bytes(mem.limit) >= largest, `limit ${mem.limit} covers the largest measured learner (${(largest / MiB).toFixed(0)} MiB)`);
    assert.ok(bytes(mem.limit) >= 535e6 + Math.max(...runs.map((r) => r.serverRssMiB.max)) * MiB, "and the largest kernel (notebooks 05 and 08, about 535 MB) with its server");
    const startCpu = Math.max(...runs.map((r) => r.kernelStartCpuS.median));
    assert.ok(cpu.limit >= 1, "a tslab kernel is one busy thread: a limit under one core slows every cell");
    assert.ok(cpu.guarantee > 0 && cpu.guarantee <= cpu.limit);
    assert.ok(startCpu < 10 * cpu.limit, `a kernel start (${startCpu} s of CPU) takes seconds, not minutes, within the limit`);
  });

  test("docs/workshop.md's measured table is the load test's reports, row for row", () => {
    const readme = read("docs/workshop.md");
    const runs = measured().filter((r) => r.notebook === "01-neuron.ipynb").sort((a, b) => a.students - b.students);
    const table = [...SIZING_HEADER, ...runs.map((r) => sizingRow(r))].join("\n");
    assert.ok(readme.includes(table), `docs/workshop.md has the table:\n${table}`);
  });

  test("idle servers are culled after the same hour as `npm run hub`'s default", () => {
    assert.equal(values.cull.enabled, true);
    assert.equal(parseHubArgs([]).cullMinutes, 60, "npm run hub's default --cull-idle");
    assert.equal(values.cull.timeout, 60 * 60);
  });

  test("the authentication is the instructor's choice, and the committed password is a placeholder", () => {
    const hub = values.hub.config;
    assert.equal(hub.JupyterHub.authenticator_class, "dummy");
    assert.match(hub.DummyAuthenticator.password, /^CHANGE-ME/);
    assert.deepEqual(hub.Authenticator.admin_users, ["instructor"]);
  });
});
