/**
 * `npm run notebook -- notebooks/03-loss.ipynb [...]`: executes notebooks headlessly, one by one,
 * the way the export does, and reports each cell error with its notebook, cell number and source.
 * The executed copies go to a temporary folder (printed), never over the committed notebooks.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { basename, dirname, join, resolve } from "path";
import { buildLibrary, ensureJupyter, jupyterEnv, linkLibrary, ROOT } from "./lib/project";
import { commandArgs } from "./lib/args";

async function main(): Promise<number> {
  const usage = "usage: npm run notebook -- notebooks/NN-name.ipynb [more.ipynb ...]\n  executes each notebook headlessly (nbconvert) and reports the first failing cell";
  const files = commandArgs(usage, {}, process.argv.slice(2), true).positionals.map((f) => resolve(f));
  if (files.length === 0) {
    console.error(usage);
    return 2;
  }
  buildLibrary();
  linkLibrary();
  const python = await ensureJupyter("nbconvert");
  const out = mkdtempSync(join(tmpdir(), "scratchnet-run-"));
  let failures = 0;
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`no such notebook: ${file}`);
      failures++;
      continue;
    }
    const name = basename(file, ".ipynb");
    const errorFile = join(out, `${name}.error.txt`);
    const t0 = Date.now();
    const args = ["-m", "nbconvert", "--config", join(ROOT, "jupyter", "nbconvert_config.py"), "--to", "notebook",
      "--output-dir", out, "--output", name, file];
    const r = spawnSync(python, args, { cwd: dirname(file), env: jupyterEnv({ SCRATCHNET_ERROR_FILE: errorFile }), encoding: "utf8" });
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (r.status === 0) {
      console.log(`ok     ${basename(file)} (${seconds} s) -> ${join(out, name + ".ipynb")}`);
    } else {
      failures++;
      console.log(`FAILED ${basename(file)} (${seconds} s)`);
      console.log(existsSync(errorFile) ? readFileSync(errorFile, "utf8") : (r.stderr ?? "").split("\n").slice(-40).join("\n"));
    }
  }
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
