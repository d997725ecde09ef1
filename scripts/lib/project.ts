/**
 * The project's set-up, shared by every command: build and link the library, find (or install)
 * Jupyter and Chromium, and the environment that keeps Jupyter's state inside the project.
 * Nothing here writes outside the project, except the system package manager when it installs.
 */
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "fs";
import { delimiter, dirname, join, resolve } from "path";

export const ROOT = resolve(__dirname, "..", "..");
export const NOTEBOOKS = join(ROOT, "notebooks");
export const JUPYTER_STATE = join(ROOT, ".jupyter");

/** What a command needs from the system. */
export type Need = "nbconvert" | "notebook" | "chromium";

const PYTHON_MODULES: Record<Exclude<Need, "chromium">, string[]> = {
  nbconvert: ["nbconvert", "nbclient", "jupyter_client"],
  notebook: ["nbconvert", "nbclient", "jupyter_client", "notebook"],
};

/** Debian/Ubuntu packages: all of Jupyter at once (export, tests and npm start), and Chromium. */
export const APT_JUPYTER = ["jupyter-nbconvert", "python3-nbclient", "jupyter-client", "jupyter-notebook"];
export const APT_CHROMIUM = ["chromium", "fonts-dejavu-core"];

/** What pip installs into .venv where PyPI is reachable. */
export const PIP_PACKAGES = ["notebook<7", "nbconvert", "nbclient", "jupyter_client"];

export class SetupError extends Error {}

export function log(message: string): void {
  process.stderr.write(`[setup] ${message}\n`);
}

/** The environment for every Jupyter process: kernelspecs, config, data and runtime in the project. */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  for (const dir of ["config", "data", "runtime"]) mkdirSync(join(JUPYTER_STATE, dir), { recursive: true });
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

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, command);
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

/** Pythons to try, best first: an explicit one, the project's venv, Debian's, whatever is on PATH. */
function pythonCandidates(): string[] {
  const list = [
    process.env.SCRATCHNET_PYTHON,
    join(ROOT, ".venv", "bin", "python"),
    "/usr/bin/python3",
    onPath("python3"),
    onPath("python"),
  ].filter((p): p is string => !!p && existsSync(p));
  return [...new Set(list)];
}

/** The first Python that has the Jupyter modules `need` asks for, or undefined. */
export function findPython(need: "nbconvert" | "notebook"): string | undefined {
  return pythonCandidates().find((py) => canImport(py, PYTHON_MODULES[need]));
}

const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** Chromium's path: $CHROMIUM_PATH, else the Debian package's /usr/bin/chromium or a known other. */
export function findChromium(): string | undefined {
  const list = [process.env.CHROMIUM_PATH, ...CHROMIUM_PATHS].filter((p): p is string => !!p);
  return list.find((p) => existsSync(p) && spawnSync(p, ["--version"], { stdio: "ignore", timeout: 30_000 }).status === 0);
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function aptCommand(packages: string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

/** Installs Debian/Ubuntu packages when that needs no password (root, or sudo -n); false otherwise. */
function aptInstall(packages: string[]): boolean {
  if (!onPath("apt-get")) return false;
  const sudo = isRoot() ? [] : ["sudo", "-n"];
  if (sudo.length && (!onPath("sudo") || spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status !== 0)) return false;
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, ...args];
    log(`running: ${[cmd, ...rest].join(" ")}`);
    const r = spawnSync(cmd, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    return r.status === 0;
  };
  return run(["apt-get", "update"]) && run(["apt-get", "install", "-y", "--no-install-recommends", ...packages]);
}

async function pypiReachable(): Promise<boolean> {
  const index = (process.env.PIP_INDEX_URL ?? "https://pypi.org/simple/").replace(/\/?$/, "/");
  try {
    const res = await fetch(`${index}nbclient/`, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** A project-local venv with pip; false when there is no Python with venv + pip, or pip fails. */
function venvInstall(): boolean {
  const base = ["/usr/bin/python3", onPath("python3")].find((p) => p && existsSync(p) && canImport(p, ["venv", "ensurepip"]));
  if (!base) return false;
  const venv = join(ROOT, ".venv");
  log(`creating ${venv} and installing ${PIP_PACKAGES.join(" ")} with pip`);
  if (spawnSync(base, ["-m", "venv", venv], { stdio: "inherit" }).status !== 0) return false;
  const pip = spawnSync(join(venv, "bin", "python"), ["-m", "pip", "install", "--quiet", ...PIP_PACKAGES], { stdio: "inherit" });
  return pip.status === 0;
}

/** Finds Python with Jupyter for `need`, installing it if it is missing and that can be done here. */
export async function ensureJupyter(need: "nbconvert" | "notebook", install = true): Promise<string> {
  const found = findPython(need);
  if (found) return found;
  const apt = APT_JUPYTER;
  if (install && process.env.SCRATCHNET_NO_INSTALL !== "1") {
    log(`Jupyter (${PYTHON_MODULES[need].join(", ")}) is missing`);
    if ((await pypiReachable()) && venvInstall()) {
      const py = findPython(need);
      if (py) return py;
    }
    if (aptInstall(apt)) {
      const py = findPython(need);
      if (py) return py;
    }
  }
  throw new SetupError(
    `Jupyter is missing (Python modules ${PYTHON_MODULES[need].join(", ")}). Install it with one of:\n` +
      `  Debian/Ubuntu:  ${aptCommand(apt)}\n` +
      `  with PyPI:      python3 -m venv .venv && .venv/bin/pip install ${PIP_PACKAGES.map((p) => `"${p}"`).join(" ")}\n` +
      `then run the command again (or set SCRATCHNET_PYTHON to a Python that has them).`,
  );
}

/** Finds Chromium, installing Debian's package if it is missing and that can be done here. */
export function ensureChromium(install = true): string {
  const found = findChromium();
  if (found) return found;
  if (install && process.env.SCRATCHNET_NO_INSTALL !== "1" && aptInstall(APT_CHROMIUM)) {
    const path = findChromium();
    if (path) return path;
  }
  throw new SetupError(
    `Chromium is missing (the browser tests drive it with playwright-core). Install it with:\n` +
      `  ${aptCommand(APT_CHROMIUM)}\n` +
      `or set CHROMIUM_PATH to a Chromium or Chrome binary. (Never \`npx playwright install\`.)`,
  );
}

export interface SetupResult {
  python?: string;
  chromium?: string;
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
  if (needs.includes("notebook")) result.python = await ensureJupyter("notebook", install);
  else if (needs.includes("nbconvert")) result.python = await ensureJupyter("nbconvert", install);
  if (needs.includes("chromium")) result.chromium = ensureChromium(install);
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
