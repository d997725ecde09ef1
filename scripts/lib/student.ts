/**
 * The student edition of a notebook: every solution block, the lines from `// BEGIN SOLUTION` to
 * `// END SOLUTION` in a code cell, becomes a TODO that throws NotDoneYet (the library's `todo`),
 * so the function still compiles, its check cell prints "not done yet", and later cells run.
 * Markers are checked strictly: a misspelt, nested or unclosed marker is an error naming the
 * notebook and the cell, never a solution that slips into the student edition.
 */
import { Notebook, NotebookCell, sourceOf } from "./notebooks";

export const BEGIN_MARKER = "// BEGIN SOLUTION";
export const END_MARKER = "// END SOLUTION";

/** A marker problem; the message names the notebook and the cell. */
export class MarkerError extends Error {}

export interface SolutionBlock {
  /** Line numbers (0-based) of the BEGIN and END markers in the cell. */
  begin: number;
  end: number;
  /** The BEGIN marker's indentation, which the TODO keeps. */
  indent: string;
}

const MENTION = /\b(BEGIN|END)\s+SOLUTION\b/i;
const MARKER = /^([ \t]*)\/\/ (BEGIN|END) SOLUTION[ \t]*$/;

/**
 * The solution blocks of one code cell's source. `where` names the cell in errors,
 * e.g. "01-neuron.ipynb, cell 19".
 */
export function solutionBlocks(source: string, where: string): SolutionBlock[] {
  const lines = source.split("\n");
  const blocks: SolutionBlock[] = [];
  let open: SolutionBlock | undefined;
  lines.forEach((line, i) => {
    if (!MENTION.test(line)) return;
    const m = MARKER.exec(line);
    const at = `${where}, line ${i + 1}`;
    if (!m) throw new MarkerError(`${at}: a solution marker must be a line of its own, exactly "${BEGIN_MARKER}" or "${END_MARKER}": ${JSON.stringify(line.trim())}`);
    if (m[2] === "BEGIN") {
      if (open) throw new MarkerError(`${at}: BEGIN SOLUTION inside the block opened on line ${open.begin + 1} (blocks do not nest)`);
      open = { begin: i, end: -1, indent: m[1] };
    } else {
      if (!open) throw new MarkerError(`${at}: END SOLUTION without a BEGIN SOLUTION above it`);
      if (m[1] !== open.indent) throw new MarkerError(`${at}: END SOLUTION is indented differently from the BEGIN SOLUTION on line ${open.begin + 1}`);
      open.end = i;
      blocks.push(open);
      open = undefined;
    }
  });
  if (open) throw new MarkerError(`${where}, line ${open.begin + 1}: BEGIN SOLUTION is never closed by an END SOLUTION`);
  return blocks;
}

/** What replaces a block: a comment for the learner and `return todo(name)`, at the block's indentation. */
export function todoLines(indent: string, name: string): string[] {
  return [`${indent}// TODO: write your code here, then run this cell and the check below it.`, `${indent}return todo(${JSON.stringify(name)});`];
}

/** The source with every solution block replaced by a TODO that names the exercise. */
export function stripSolutions(source: string, where: string, name: string): string {
  const blocks = solutionBlocks(source, where);
  if (blocks.length === 0) return source;
  const lines = source.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const block of blocks) {
    out.push(...lines.slice(next, block.begin), ...todoLines(block.indent, name));
    next = block.end + 1;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}

/** The name a check cell gives its exercise: the first argument of its first `check("...")`. */
export function checkName(source: string): string | undefined {
  return /(?:^|[^\w$.])check\(\s*(["'`])((?:(?!\1).)+)\1/m.exec(source)?.[2];
}

/** Adds `todo` to the first `import { ... } from "scratchnet"` unless the notebook imports it already. */
export function withTodoImport(sources: string[], where: string): string[] {
  const importsTodo = /import\s*\{[^}]*\btodo\b[^}]*\}\s*from\s*["']scratchnet["']/;
  if (sources.some((s) => importsTodo.test(s))) return sources;
  const named = /^(import\s*\{)([^}]*?)(\s*\}\s*from\s*["']scratchnet["'])/m;
  const i = sources.findIndex((s) => named.test(s));
  if (i < 0) throw new MarkerError(`${where}: the TODOs need \`todo\` from "scratchnet", but no cell has an \`import { ... } from "scratchnet"\` to add it to`);
  const copy = [...sources];
  copy[i] = copy[i].replace(named, (_, head: string, names: string, tail: string) => `${head}${names.replace(/,?\s*$/, "")}, todo${tail}`);
  return copy;
}

export interface Exercise {
  /** The name its check cell gives it (what "not done yet" and the tick are printed with). */
  name: string;
  /** Index in the notebook's cells of the solution cell and of its check cell. */
  cell: number;
  checkCell: number;
}

/**
 * The exercises of a notebook: each code cell with a solution block, and the check cell that must
 * follow it (the next code cell, calling `check`). `file` names the notebook in errors.
 */
export function exercises(nb: Notebook, file: string): Exercise[] {
  const found: Exercise[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const where = `${file}, cell ${i + 1}`;
    if (solutionBlocks(sourceOf(cell), where).length === 0) return;
    const next = nb.cells.findIndex((c, j) => j > i && c.cell_type === "code");
    const name = next >= 0 ? checkName(sourceOf(nb.cells[next])) : undefined;
    if (name === undefined) throw new MarkerError(`${where}: an exercise must be followed by a check cell (the next code cell calls check("name", ...))`);
    if (solutionBlocks(sourceOf(nb.cells[next]), `${file}, cell ${next + 1}`).length > 0) {
      throw new MarkerError(`${file}, cell ${next + 1}: the check cell of the exercise in cell ${i + 1} holds a solution block itself`);
    }
    found.push({ name, cell: i, checkCell: next });
  });
  return found;
}

const NOTE = "\n\n> **Student edition.** In each exercise, replace the `// TODO` comment and the `return todo(...)` line with your code, run the cell, then run the check under it.";

/**
 * Refuses text that points the learner at the solution markers: the student edition has none, so
 * "write between BEGIN SOLUTION and END SOLUTION" would send them looking for lines that are not there.
 */
export function checkProse(nb: Notebook, file: string): void {
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code" && MENTION.test(sourceOf(cell))) {
      throw new MarkerError(`${file}, cell ${i + 1}: the text mentions BEGIN/END SOLUTION, which the student edition does not have; point to "the // TODO lines" instead`);
    }
  });
}

/** The student edition of a notebook, with its exercises. Outputs and counts are dropped. */
export function studentNotebook(nb: Notebook, file: string): { notebook: Notebook; exercises: Exercise[] } {
  checkProse(nb, file);
  const found = exercises(nb, file);
  let sources = nb.cells.map((cell, i) => {
    const source = sourceOf(cell);
    if (cell.cell_type !== "code") return source;
    const ex = found.find((e) => e.cell === i);
    return ex ? stripSolutions(source, `${file}, cell ${i + 1}`, ex.name) : source;
  });
  if (found.length > 0) {
    const codeSources = sources.map((s, i) => (nb.cells[i].cell_type === "code" ? s : ""));
    const withImport = withTodoImport(codeSources, file);
    sources = sources.map((s, i) => (nb.cells[i].cell_type === "code" ? withImport[i] : s));
    const intro = nb.cells.findIndex((c) => c.cell_type === "markdown");
    if (intro >= 0) sources[intro] = sources[intro].replace(/\s*$/, "") + NOTE;
  }
  const cells: NotebookCell[] = nb.cells.map((cell, i) => {
    const copy: NotebookCell = { ...cell, source: sources[i] };
    if (cell.cell_type === "code") {
      const metadata = { ...(cell.metadata ?? {}) };
      delete metadata.execution;
      Object.assign(copy, { metadata, outputs: [], execution_count: null });
    }
    return copy;
  });
  return { notebook: { ...nb, cells }, exercises: found };
}
