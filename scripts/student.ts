/**
 * `npm run student`: the student edition of the course. Every solution block becomes a TODO that
 * throws "not done yet" (scripts/lib/student.ts); the instructors' notebooks stay as they are.
 *   node --import tsx scripts/student.ts [--no-site] [--out student]
 * Writes student/notebooks/*.ipynb (clean, ready to hand out) and student/site/, the same static
 * site and slides as `npm run export`, executed from the student notebooks: every check there
 * prints "not done yet" and every other cell runs. --no-site writes the notebooks only (seconds).
 * The notebooks stay inside the project so that `import ... from "scratchnet"` resolves.
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { basename, dirname, join, relative, resolve } from "path";
import { nbformatJson } from "./clean-notebooks";
import { exportSite } from "./export";
import { listNotebooks, readNotebook } from "./lib/notebooks";
import { NOTEBOOKS, ROOT, SetupError, buildLibrary, linkLibrary } from "./lib/project";
import { Exercise, MarkerError, studentNotebook } from "./lib/student";
import { replaceDir } from "./lib/replace-dir";

export const STUDENT = join(ROOT, "student");

export interface StudentNotebook {
  notebook: string; // file name
  exercises: Exercise[];
}

/**
 * Writes the student edition of every notebook in `from` to `to`, which is replaced as a whole
 * only when every notebook converted. Throws MarkerError naming the notebook and cell otherwise.
 */
export function writeStudentNotebooks(from = NOTEBOOKS, to = join(STUDENT, "notebooks")): StudentNotebook[] {
  const files = listNotebooks(from);
  if (files.length === 0) throw new SetupError(`no notebooks in ${from}`);
  const converted = files.map((file) => ({ file, ...studentNotebook(readNotebook(file), basename(file)) }));
  const build = join(dirname(resolve(to)), `.notebooks-build-${process.pid}-${Date.now()}`);
  mkdirSync(build, { recursive: true });
  try {
    for (const { file, notebook } of converted) writeFileSync(join(build, basename(file)), nbformatJson(notebook));
    replaceDir(build, to);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return converted.map(({ file, exercises }) => ({ notebook: basename(file), exercises }));
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const out = resolve(argValue(args, "--out") ?? STUDENT);
  if (relative(ROOT, out).startsWith("..")) {
    throw new SetupError(`--out must be inside the project (${ROOT}), or the notebooks cannot import "scratchnet"`);
  }
  buildLibrary();
  linkLibrary();
  const notebooksDir = join(out, "notebooks");
  const written = writeStudentNotebooks(NOTEBOOKS, notebooksDir);
  for (const { notebook, exercises } of written) {
    process.stderr.write(`student: ${notebook.padEnd(36)} ${exercises.length} exercise(s): ${exercises.map((e) => e.name).join(", ")}\n`);
  }
  const where = relative(process.cwd(), notebooksDir) || ".";
  process.stderr.write(`student: ${written.length} notebook(s) in ${where}/\n`);
  if (args.includes("--no-site")) return;
  const result = await exportSite({ notebooksDir, outDir: join(out, "site"), edition: "student edition" });
  const site = relative(process.cwd(), result.outDir) || ".";
  if (!result.ok) {
    for (const page of result.pages.filter((p) => p.error)) process.stderr.write(`\n${page.error}`);
    process.stderr.write(`\nstudent: the student site failed to build: ${site}/ was left as it was.\n`);
    process.exit(1);
  }
  process.stderr.write(`student: site in ${result.seconds.toFixed(1)} s; open ${site}/index.html\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const known = err instanceof SetupError || err instanceof MarkerError;
    process.stderr.write(`${known ? (err as Error).message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exit(1);
  });
}

