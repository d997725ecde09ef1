/**
 * `npm run setup`: everything the course needs, installed where it can be, checked, and reported.
 *   npm run setup -- [--for start|export|hub|browser|test|all] [--check] [--help]
 * Jupyter goes into the project's .venv with pip (jupyter/requirements.txt, pinned by
 * jupyter/constraints.txt); Debian's classic Jupyter is the fallback only where PyPI cannot be
 * reached. Chromium (and python3-venv on a bare machine) come from apt. `npm test` runs
 * `--for test`, so a fresh machine with only Node and git gets everything its tests use.
 */
import { commandArgs } from "./lib/args";
import { Need, SetupError, installed, log, moduleVersion, setup } from "./lib/project";

/**
 * What each command needs; "test" is everything `npm test` runs: the hub tests, and the classic
 * Notebook 6.4 for the live tests of the fallback without PyPI.
 */
export const NEEDS: Record<string, Need[]> = {
  all: ["jupyter", "hub", "chromium"],
  start: ["jupyter"],
  export: ["jupyter"],
  hub: ["jupyter", "hub"],
  browser: ["jupyter", "chromium"],
  test: ["jupyter", "hub", "chromium", "classic"],
};

const HELP = `usage: npm run setup -- [--for ${Object.keys(NEEDS).join("|")}] [--check]
  --for NAME   what to set up (default: all)
  --check      install nothing; fail and say what is missing
  --help       this text`;

async function main(): Promise<void> {
  const { values } = commandArgs(HELP, { for: { type: "string", default: "all" }, check: { type: "boolean", default: false } });
  const needs = NEEDS[values.for as string];
  if (!needs) throw new SetupError(`unknown --for ${values.for}; use one of ${Object.keys(NEEDS).join(", ")}`);
  const result = await setup(needs, { install: !values.check });
  const parts = ['library built and linked as "scratchnet"'];
  const j = result.jupyter;
  if (j) {
    const names = j.flavour === "pypi" ? ["jupyterlab", "notebook", "nbconvert"] : ["notebook", "nbconvert"];
    if (needs.includes("hub")) names.push("jupyterhub");
    parts.push(`Jupyter (${names.map((m) => `${m} ${moduleVersion(j.python, m)}`).join(", ")}) at ${j.python}: ${j.why}`);
  }
  if (result.chromium) parts.push(`Chromium: ${result.chromium}`);
  if (result.classic) parts.push(result.classic);
  log(`ready: ${parts.join("; ")}`);
  log(installed.length ? `installed: ${installed.join("; ")}` : "installed: nothing (everything was already there)");
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
    process.exit(1);
  });
}
