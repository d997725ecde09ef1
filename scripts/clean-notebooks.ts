/**
 * `npm run clean:notebooks`: strip outputs, execution counts and timings from notebooks/*.ipynb
 * (or the files named), so commits hold sources only. A notebook with nothing to strip is left
 * byte for byte; one that is cleaned is written the way Jupyter writes it.
 *   node --import tsx scripts/clean-notebooks.ts [--check] [files...]
 * --check changes nothing and fails if a notebook has something to strip.
 */
import { writeFileSync } from "fs";
import { basename } from "path";
import { Notebook, cleaned, listNotebooks, readNotebook, sourceOf } from "./lib/notebooks";
import { NOTEBOOKS } from "./lib/project";
import { commandArgs } from "./lib/args";

/** JSON as nbformat writes it: keys sorted, indent 1, sources as lists of lines, a final newline. */
export function nbformatJson(nb: Notebook): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v;
  const cells = nb.cells.map((cell) => ({ ...cell, source: sourceOf(cell).split(/(?<=\n)/).filter((l) => l !== "") }));
  return JSON.stringify(sort({ ...nb, cells }), null, 1) + "\n";
}

function main(): void {
  const usage = "usage: npm run clean:notebooks -- [--check] [files...]\n  strips outputs, execution counts and timings (default: notebooks/*.ipynb)\n  --check   change nothing; fail if a notebook has something to strip";
  const { values, positionals: files } = commandArgs(usage, { check: { type: "boolean", default: false } }, process.argv.slice(2), true);
  const check = values.check === true;
  let dirty = 0;
  for (const file of files.length ? files : listNotebooks(NOTEBOOKS)) {
    const nb = readNotebook(file);
    if (JSON.stringify(cleaned(nb)) === JSON.stringify(nb)) continue;
    dirty++;
    if (check) process.stderr.write(`${basename(file)} has outputs, execution counts or timings\n`);
    else {
      writeFileSync(file, nbformatJson(cleaned(nb)));
      process.stderr.write(`cleaned ${basename(file)}\n`);
    }
  }
  if (check && dirty) {
    process.stderr.write("run `npm run clean:notebooks`\n");
    process.exit(1);
  }
}

if (require.main === module) main();
