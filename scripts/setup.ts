/**
 * `npm run setup`: everything the course needs, installed where it can be, and checked.
 *   node --import tsx scripts/setup.ts [--for start|export|test|browser] [--check]
 * --for picks what to check (default: everything); --check never installs, only says what is missing.
 * Installs go to a project .venv with pip where PyPI is reachable, else to Debian/Ubuntu packages
 * when this user may install them without a password; otherwise it stops with the exact command.
 */
import { Need, SetupError, log, moduleVersion, setup } from "./lib/project";

const NEEDS: Record<string, Need[]> = {
  all: ["notebook", "chromium"],
  start: ["notebook"],
  export: ["nbconvert"],
  test: ["notebook", "chromium"],
  browser: ["notebook", "chromium"],
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const forIndex = args.indexOf("--for");
  const target = forIndex >= 0 ? args[forIndex + 1] : "all";
  const needs = NEEDS[target];
  if (!needs) throw new SetupError(`unknown --for ${target}; use one of ${Object.keys(NEEDS).join(", ")}`);
  const result = await setup(needs, { install: !args.includes("--check") });
  const parts = ["library built and linked as \"scratchnet\""];
  if (result.python) parts.push(`Jupyter: ${result.python} (nbconvert ${moduleVersion(result.python, "nbconvert")})`);
  if (result.chromium) parts.push(`Chromium: ${result.chromium}`);
  log(`ready: ${parts.join("; ")}`);
}

main().catch((err: unknown) => {
  log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
  process.exit(1);
});
