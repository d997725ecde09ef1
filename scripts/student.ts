/**
 * `npm run student`: the student edition of the course. Every solution block becomes a TODO that
 * throws "not done yet" (scripts/lib/student.ts); the instructors' notebooks stay as they are.
 *   node --import tsx scripts/student.ts [--no-site] [--out student] [--help]
 * Writes student/notebooks/*.ipynb (clean, ready to hand out) and student/site/, the same static
 * site and slides as `npm run export`, executed from the student notebooks: every check there
 * prints "not done yet" and every other cell runs. --no-site writes the notebooks only (seconds).
 * The notebooks stay inside the project so that `import ... from "scratchnet"` resolves.
 * Executing the site takes minutes, so the export prints a progress line every few seconds, with the time
 * left estimated from the last student build's timings (.jupyter/student-export-seconds.json).
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { cpus } from "os";
import { basename, dirname, join, relative, resolve } from "path";
import { parseArgs } from "util";
import { nbformatJson } from "./clean-notebooks";
import { exportSite } from "./export";
import { listNotebooks, readNotebook } from "./lib/notebooks";
import { JUPYTER_STATE, NOTEBOOKS, ROOT, SetupError, buildLibrary, linkLibrary } from "./lib/project";
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

export const USAGE = `usage: npm run student -- [--no-site] [--out DIR] [--help]

Writes the student edition of the course: every solution becomes a TODO.
  --no-site    write DIR/notebooks/ only (seconds); without it, also execute them into DIR/site/ (minutes)
  --out DIR    where to write, inside the project (default: student)
  --help       print this and exit`;

/** A command line that cannot be run; the message says why and points to --help. */
export class UsageError extends Error {}

export interface StudentArgs {
  help: boolean;
  site: boolean;
  out: string;
}

/** The options of `npm run student`, strictly: an unknown flag or a stray word is a UsageError. */
export function studentArgs(argv: string[]): StudentArgs {
  let values: { help?: boolean; "no-site"?: boolean; out?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, "no-site": { type: "boolean" }, out: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    // node's own wording mentions positional arguments and "--"; say it in this command's terms.
    const code = (e as { code?: string }).code;
    const text = (e as Error).message;
    const flag = /'([^']+)'/.exec(text)?.[1];
    const why =
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? `unknown option ${flag}` :
      code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" ? `unexpected argument ${JSON.stringify(flag)} (every option starts with --)` :
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ? `${flag?.replace(/ <value>$/, "")} needs a value, e.g. --out student` :
      text;
    throw new UsageError(`student: ${why}. See npm run student -- --help`);
  }
  const out = resolve(values.out ?? STUDENT);
  if (!values.help && relative(ROOT, out).startsWith("..")) {
    throw new UsageError(`student: --out must be inside the project (${ROOT}), or the notebooks cannot import "scratchnet"`);
  }
  return { help: values.help ?? false, site: !values["no-site"], out };
}

/** Where the student build keeps its notebooks' last execution times (apart from the full edition's). */
const STUDENT_TIMINGS = join(JUPYTER_STATE, "student-export-seconds.json");

async function main(): Promise<void> {
  const args = studentArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const out = args.out;
  buildLibrary();
  linkLibrary();
  const notebooksDir = join(out, "notebooks");
  const written = writeStudentNotebooks(NOTEBOOKS, notebooksDir);
  for (const { notebook, exercises } of written) {
    process.stderr.write(`student: ${notebook.padEnd(36)} ${exercises.length} exercise(s): ${exercises.map((e) => e.name).join(", ")}\n`);
  }
  const where = relative(process.cwd(), notebooksDir) || ".";
  process.stderr.write(`student: ${written.length} notebook(s) in ${where}/\n`);
  if (!args.site) return;
  const jobs = Number(process.env.SCRATCHNET_EXPORT_JOBS) || Math.min(2, cpus().length);
  const result = await exportSite({
    notebooksDir, outDir: join(out, "site"), edition: "student edition", jobs, timingsFile: STUDENT_TIMINGS, label: "student",
  });
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
    const known = err instanceof SetupError || err instanceof MarkerError || err instanceof UsageError;
    process.stderr.write(`${known ? (err as Error).message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}

