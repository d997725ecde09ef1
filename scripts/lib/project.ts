/**
 * The project's set-up, shared by every command: build and link the library, find (or install)
 * Jupyter and Chromium, and the environment that keeps Jupyter's state inside the project.
 * Nothing here writes outside the project, except the system package manager when it installs.
 */
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "fs";
import { delimiter, dirname, join, resolve } from "path";

export const ROOT = resolve(__dirname, "..", "..");
export const NOTEBOOKS = join(ROOT, "notebooks");
/** Jupyter's config, data and runtime: .jupyter/, or a test server's own (SCRATCHNET_JUPYTER_STATE). */
export const JUPYTER_STATE = process.env.SCRATCHNET_JUPYTER_STATE ?? join(ROOT, ".jupyter");

/**
 * What a command needs from the system. "jupyter" is nbconvert, JupyterLab and Notebook 7 (or, as the
 * fallback without PyPI, Debian's classic Notebook 6.4); "hub" adds JupyterHub; "chromium" the browser;
 * "classic" is Debian's classic Notebook 6.4 itself, beside the .venv, so that the tests of the
 * fallback run on every machine that can install it (`npm test` asks for it, `npm start` never).
 * "nbconvert" and "notebook" are the older names for "jupyter", kept for the commands that use them.
 */
export type Need = "jupyter" | "nbconvert" | "notebook" | "hub" | "chromium" | "classic";

/** The project's Python environment, made with pip from jupyter/requirements.txt (pinned by constraints.txt). */
export const VENV = join(ROOT, ".venv");
export const VENV_PYTHON = join(VENV, "bin", "python");
export const REQUIREMENTS = join(ROOT, "jupyter", "requirements.txt");
export const CONSTRAINTS = join(ROOT, "jupyter", "constraints.txt");
/** Written into .venv after a successful install: the hash of the two files it was installed from. */
const VENV_STAMP = join(VENV, "scratchnet-requirements.sha256");

/** The Python modules each Jupyter flavour must import. */
const MODULES = {
  pypi: ["jupyterlab", "notebook", "nbconvert", "nbclient", "jupyter_client"],
  debian: ["notebook", "nbconvert", "nbclient", "jupyter_client"],
  hub: ["jupyterhub"],
};

/**
 * Debian/Ubuntu packages: Jupyter only as the fallback where PyPI cannot be reached (Debian has no
 * JupyterLab: classic Notebook 6.4, nbconvert 6.5); Chromium and its font on every machine.
 */
export const APT_JUPYTER = ["jupyter-nbconvert", "python3-nbclient", "jupyter-client", "jupyter-notebook"];
export const APT_CHROMIUM = ["chromium", "fonts-dejavu-core"];
/** A Python that can make the .venv: a fresh Debian with only Node and git has none. */
export const APT_PYTHON = ["python3", "python3-venv"];

/**
 * Every program the project's commands and tests run that a bare Debian with Node and git lacks,
 * and what installs it. test/setup.test.ts fails when a script or test runs a program that is
 * neither here nor part of that base system, so a missing install step shows here, not in CI.
 */
export const PROVIDED: Record<string, { apt?: string[]; pip?: string }> = {
  python3: { apt: APT_PYTHON },
  chromium: { apt: APT_CHROMIUM },
  "chromium-browser": { apt: APT_CHROMIUM },
  "google-chrome": { apt: APT_CHROMIUM }, // only when CHROMIUM_PATH or the machine has it; never installed
  "google-chrome-stable": { apt: APT_CHROMIUM },
  jupyter: { pip: "jupyterlab", apt: APT_JUPYTER },
  jupyterhub: { pip: "jupyterhub", apt: ["jupyterhub"] },
  "jupyterhub-singleuser": { pip: "jupyterhub", apt: ["jupyterhub"] },
  sudo: { apt: [] }, // only asked for when not root, and only whether it works (sudo -n true)
};

/** The top-level pins of jupyter/requirements.txt, as "name==version". */
export function requirements(): string[] {
  return readFileSync(REQUIREMENTS, "utf8").split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
}

export class SetupError extends Error {}

export function log(message: string): void {
  process.stderr.write(`[setup] ${message}\n`);
}

/** What this process installed, in order: `npm run setup` reports it (CI's log shows it). */
export const installed: string[] = [];

/** The environment for every Jupyter process: kernelspecs, config, data and runtime in the project. */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  for (const dir of ["config", "data"]) mkdirSync(join(JUPYTER_STATE, dir), { recursive: true });
  // The runtime folder holds the server's token and the kernels' connection keys: the user's alone.
  mkdirSync(join(JUPYTER_STATE, "runtime"), { recursive: true, mode: 0o700 });
  chmodSync(join(JUPYTER_STATE, "runtime"), 0o700);
  const env = process.env;
  return {
    ...env,
    JUPYTER_PATH: join(ROOT, "jupyter"),
    JUPYTER_CONFIG_DIR: join(JUPYTER_STATE, "config"),
    JUPYTER_DATA_DIR: join(JUPYTER_STATE, "data"),
    JUPYTER_RUNTIME_DIR: join(JUPYTER_STATE, "runtime"),
    IPYTHONDIR: join(JUPYTER_STATE, "ipython"),
    JUPYTER_PLATFORM_DIRS: "1",
    PYTHONPATH: [join(ROOT, "jupyter"), env.PYTHONPATH].filter(Boolean).join(delimiter),
    PYTHONDONTWRITEBYTECODE: "1",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    // kernel.json runs "node": make it this node.
    PATH: [dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter),
    ...extra,
  };
}

function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, suffix));
    else if (entry.name.endsWith(suffix)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ as `npm run build` does (the TypeScript, then the WebAssembly kernels) when src/
 * or tsconfig.json is newer than dist/index.js or dist/kernels.wasm.
 */
export function buildLibrary(): void {
  const outputs = ["index.js", "kernels.wasm", "kernels-fma.wasm"].map((f) => join(ROOT, "dist", f));
  const newestSource = Math.max(newestMtime(join(ROOT, "src"), ".ts"), statSync(join(ROOT, "tsconfig.json")).mtimeMs);
  if (outputs.every((out) => existsSync(out) && statSync(out).mtimeMs >= newestSource)) return buildWidgets();
  log("building the library (npm run build)");
  const asc = join(ROOT, "node_modules", "assemblyscript", "bin", "asc.js");
  const kernels = ["src/kernels/assembly/kernels.ts", "--config", "src/kernels/assembly/asconfig.json", "--target"];
  const steps = [
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json")],
    [asc, ...kernels, "plain"],
    [asc, ...kernels, "fma"],
  ];
  for (const step of steps) {
    const result = spawnSync(process.execPath, step, { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) throw new SetupError("the library does not build: fix the errors above (npm run build)");
  }
  buildWidgets();
}

/**
 * Builds the browser bundle dist/widgets.js (npm run build:widgets) when src/ or the compiled
 * kernels are newer than it: showWidget() sends it to the notebook and the export copies it.
 */
export function buildWidgets(): void {
  const out = join(ROOT, "dist", "widgets.js");
  const kernels = join(ROOT, "dist", "kernels.wasm");
  const newest = Math.max(newestMtime(join(ROOT, "src"), ".ts"), existsSync(kernels) ? statSync(kernels).mtimeMs : 0);
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return;
  log("building the widgets' browser bundle (npm run build:widgets)");
  const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "build-widgets.ts")], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new SetupError("the widgets' bundle does not build: fix the errors above (npm run build:widgets)");
}

/**
 * node_modules/scratchnet -> .. so that notebooks `import ... from "scratchnet"` get the built
 * library (package.json main/types). npm install prunes the link; `prepare` and every command
 * remake it (scripts/link-library.cjs), and this checks that the name resolves to dist/.
 */
export function linkLibrary(): void {
  const { linkLibrary: link } = require(join(ROOT, "scripts", "link-library.cjs")) as { linkLibrary(): boolean };
  if (link()) log("linked node_modules/scratchnet -> the project root");
  const resolved = require.resolve("scratchnet", { paths: [NOTEBOOKS] });
  if (resolve(resolved) !== join(ROOT, "dist", "index.js")) {
    throw new SetupError(`"scratchnet" resolves to ${resolved}, expected dist/index.js`);
  }
}

function canImport(python: string, modules: string[]): boolean {
  const r = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { stdio: "ignore", env: jupyterEnv(), timeout: 60_000 });
  return r.status === 0;
}

/** The path of `command` on PATH, or undefined. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, command);
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** The command a user runs to install `packages` by hand, for messages. */
export function aptCommand(packages: string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

/**
 * Installs Debian/Ubuntu packages when that needs no password (root, or sudo -n); false otherwise,
 * or when SCRATCHNET_NO_INSTALL=1. Every package installed is added to `installed`.
 */
export function aptInstall(packages: string[]): boolean {
  if (process.env.SCRATCHNET_NO_INSTALL === "1" || !onPath("apt-get")) return false;
  const sudo = isRoot() ? [] : ["sudo", "-n"];
  if (sudo.length && (!onPath("sudo") || spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status !== 0)) return false;
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, ...args];
    log(`running: ${[cmd, ...rest].join(" ")}`);
    const r = spawnSync(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    return r.status === 0;
  };
  const ok = run(["apt-get", "update"]) && run(["apt-get", "install", "-y", "--no-install-recommends", ...packages]);
  if (ok) installed.push(`apt: ${packages.join(" ")}`);
  return ok;
}

/** Whether pip's index answers (PIP_INDEX_URL, else PyPI), within 5 s. */
export async function pypiReachable(): Promise<boolean> {
  const index = (process.env.PIP_INDEX_URL ?? "https://pypi.org/simple/").replace(/\/?$/, "/");
  try {
    const res = await fetch(`${index}nbclient/`, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The hash of requirements.txt and constraints.txt: a .venv made from other pins is remade. */
function requirementsHash(): string {
  const hash = createHash("sha256");
  for (const file of [REQUIREMENTS, CONSTRAINTS]) hash.update(readFileSync(file));
  return hash.digest("hex");
}

/** Whether .venv holds exactly the pinned Jupyter (installed from today's requirements and constraints). */
export function venvCurrent(): boolean {
  return existsSync(VENV_PYTHON) && existsSync(VENV_STAMP) && readFileSync(VENV_STAMP, "utf8").trim() === requirementsHash();
}

/** A Python that can make a venv with pip: Debian's, else the first python3 on PATH. */
function basePython(): string | undefined {
  const list = ["/usr/bin/python3", onPath("python3")].filter((p): p is string => !!p && existsSync(p));
  return list.find((p) => canImport(p, ["venv", "ensurepip"]));
}

/**
 * Makes (or brings up to date) .venv with pip: `pip install -r requirements.txt -c constraints.txt`.
 * Installs python3 and python3-venv with apt first when no Python can make a venv.
 */
function venvInstall(): boolean {
  const base = basePython() ?? (aptInstall(APT_PYTHON) ? basePython() : undefined);
  if (!base) return false;
  if (!existsSync(VENV_PYTHON)) {
    log(`creating ${VENV} with ${base}`);
    if (spawnSync(base, ["-m", "venv", VENV], { stdio: "inherit" }).status !== 0) return false;
  }
  log(`installing jupyter/requirements.txt (${requirements().join(" ")}) into .venv with pip, pinned by jupyter/constraints.txt`);
  const args = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS, "-c", CONSTRAINTS];
  if (spawnSync(VENV_PYTHON, args, { stdio: "inherit" }).status !== 0) return false;
  writeFileSync(VENV_STAMP, requirementsHash() + "\n");
  installed.push(`pip into .venv: ${requirements().join(" ")}`);
  return true;
}

/** Which Jupyter a command runs, and why that one. */
export interface Jupyter {
  python: string;
  /** "pypi": JupyterLab 4 and Notebook 7 from .venv; "debian": the classic Notebook 6.4 fallback. */
  flavour: "pypi" | "debian";
  why: string;
}

let chosen: Jupyter | undefined;

/**
 * Finds Jupyter: SCRATCHNET_PYTHON if set; else the project's .venv (made or updated with pip where
 * PyPI answers); else, only where PyPI cannot be reached, Debian's packages (installed with apt
 * when that needs no password). `hub` also asks for JupyterHub.
 */
export async function findJupyter(options: { install?: boolean; hub?: boolean } = {}): Promise<Jupyter> {
  const install = (options.install ?? true) && process.env.SCRATCHNET_NO_INSTALL !== "1";
  const needs = (flavour: "pypi" | "debian") => [...MODULES[flavour], ...(options.hub ? MODULES.hub : [])];
  if (chosen && canImport(chosen.python, needs(chosen.flavour))) return chosen;
  const explicit = process.env.SCRATCHNET_PYTHON;
  if (explicit) {
    const flavour = canImport(explicit, needs("pypi")) ? "pypi" : "debian";
    if (!canImport(explicit, needs(flavour))) throw new SetupError(`SCRATCHNET_PYTHON=${explicit} cannot import ${needs("debian").join(", ")}`);
    return (chosen = { python: explicit, flavour, why: "SCRATCHNET_PYTHON names it" });
  }
  const venvOk = () => venvCurrent() && canImport(VENV_PYTHON, needs("pypi"));
  if (venvOk()) return (chosen = { python: VENV_PYTHON, flavour: "pypi", why: ".venv has the pinned Jupyter (jupyter/requirements.txt)" });
  const reachable = install && (await pypiReachable());
  if (reachable) {
    if (venvInstall() && venvOk()) return (chosen = { python: VENV_PYTHON, flavour: "pypi", why: "installed from PyPI into .venv, pinned by jupyter/constraints.txt" });
    throw new SetupError("pip could not install jupyter/requirements.txt into .venv: see pip's messages above");
  }
  // Without PyPI (or with installs turned off), an older .venv still beats the classic fallback.
  if (existsSync(VENV_PYTHON) && canImport(VENV_PYTHON, needs("pypi"))) {
    return (chosen = { python: VENV_PYTHON, flavour: "pypi", why: ".venv has Jupyter, though not from today's pins (PyPI not reached to update it)" });
  }
  const debian = "/usr/bin/python3";
  const fallbackWhy = install ? "PyPI cannot be reached, so Debian's packages are the fallback" : "no .venv, and installs are off";
  const aptPackages = [...APT_JUPYTER, ...(options.hub ? ["jupyterhub"] : [])];
  if (existsSync(debian) && canImport(debian, needs("debian"))) return (chosen = { python: debian, flavour: "debian", why: fallbackWhy });
  if (install && aptInstall(aptPackages) && canImport(debian, needs("debian"))) return (chosen = { python: debian, flavour: "debian", why: fallbackWhy });
  throw new SetupError(
    `Jupyter is missing. Install it with one of:\n` +
      `  with PyPI:      python3 -m venv .venv && .venv/bin/pip install -r jupyter/requirements.txt -c jupyter/constraints.txt\n` +
      `  Debian/Ubuntu:  ${aptCommand(aptPackages)}   (classic Notebook 6.4, no JupyterLab)\n` +
      `then run the command again (or set SCRATCHNET_PYTHON to a Python that has them).`,
  );
}

/** The Python of findJupyter(), for commands that only need nbconvert or a notebook server. */
export async function ensureJupyter(_need: "nbconvert" | "notebook" | "jupyter" | "hub" = "jupyter", install = true): Promise<string> {
  return (await findJupyter({ install, hub: _need === "hub" })).python;
}

const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
/** fonts-dejavu-core: without a font the pages' text (and the screenshots) differ from machine to machine. */
const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** Chromium's path: $CHROMIUM_PATH, else the Debian package's /usr/bin/chromium or a known other. */
export function findChromium(): string | undefined {
  const list = [process.env.CHROMIUM_PATH, ...CHROMIUM_PATHS].filter((p): p is string => !!p);
  return list.find((p) => existsSync(p) && spawnSync(p, ["--version"], { stdio: "ignore", timeout: 30_000 }).status === 0);
}

/** Finds Chromium (and its font), installing Debian's packages if they are missing and that can be done here. */
export function ensureChromium(install = true): string {
  const found = findChromium();
  if (found && existsSync(DEJAVU)) return found;
  if (install && aptInstall(APT_CHROMIUM)) {
    const path = findChromium();
    if (path) return path;
  }
  if (found) return found; // the font only steadies the look; a test runs without it
  throw new SetupError(
    `Chromium is missing (the browser tests drive it with playwright-core). Install it with:\n` +
      `  ${aptCommand(APT_CHROMIUM)}\n` +
      `or set CHROMIUM_PATH to a Chromium or Chrome binary. (Never \`npx playwright install\`.)`,
  );
}

/** Debian's Python when it has the classic Notebook 6.4 (the fallback's), else undefined. */
export function classicPython(): string | undefined {
  const py = "/usr/bin/python3";
  return existsSync(py) && canImport(py, MODULES.debian) && moduleVersion(py, "notebook").startsWith("6.") ? py : undefined;
}

/**
 * Debian's classic Notebook 6.4 for the fallback's tests: found, or installed with apt where that
 * needs no password. Where it cannot be, this says so and those tests report themselves skipped.
 */
export function ensureClassic(install = true): string {
  const found = classicPython() ?? (install && aptInstall(APT_JUPYTER) ? classicPython() : undefined);
  return found
    ? `classic Notebook ${moduleVersion(found, "notebook")} at ${found} (the fallback, for its tests)`
    : `classic Notebook 6.4 not installed (${aptCommand(APT_JUPYTER)}): the fallback's live tests will be skipped`;
}

export interface SetupResult {
  jupyter?: Jupyter;
  chromium?: string;
  /** What ensureClassic found or could not install. */
  classic?: string;
}

/** Everything a command needs, in order: the library built and linked, then the system parts. */
export async function setup(needs: Need[], options: { install?: boolean } = {}): Promise<SetupResult> {
  const install = options.install ?? true;
  if (!existsSync(join(ROOT, "node_modules", "tslab"))) {
    throw new SetupError("node_modules is missing: run `npm ci` (or `npm install`) first");
  }
  buildLibrary();
  linkLibrary();
  const result: SetupResult = {};
  if (needs.some((n) => n !== "chromium" && n !== "classic")) result.jupyter = await findJupyter({ install, hub: needs.includes("hub") });
  if (needs.includes("chromium")) result.chromium = ensureChromium(install);
  if (needs.includes("classic")) result.classic = ensureClassic(install);
  jupyterEnv();
  return result;
}

/** The version of a Python module, for messages. */
export function moduleVersion(python: string, module: string): string {
  try {
    return execFileSync(python, ["-c", `import ${module}; print(${module}.__version__)`], { env: jupyterEnv(), encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}
