/**
 * The course's notebooks as files: their reading order, title and summary, and the hygiene rules
 * a committed notebook follows. Shared by the export, the hygiene test and clean-notebooks.
 *
 * Reading order is the file name order: `NN-slug.ipynb`. The title is the first markdown cell's
 * `# Heading`; the summary is the first paragraph after it, as plain text.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string }; [k: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

export const NAME_PATTERN = /^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$/;

/** The .ipynb files of a folder in reading order (file name order). */
export function listNotebooks(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => join(dir, f));
}

export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, "utf8")) as Notebook;
}

export function sourceOf(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * Markdown to one line of plain text: links keep their text, emphasis and code marks go. HTML tags
 * stay as they are (they are text here: whoever puts this into a page escapes it).
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(?<!\w)(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1(?!\w)/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
}

/** Title and one-line summary from the first markdown cell; undefined parts are missing. */
export function titleAndSummary(nb: Notebook): { title?: string; summary?: string } {
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  if (!first) return {};
  const lines = sourceOf(first).split("\n");
  const h = lines.findIndex((l) => /^#\s+\S/.test(l));
  if (h < 0) return {};
  const title = plainText(lines[h].replace(/^#\s+/, ""));
  const rest = lines.slice(h + 1);
  const start = rest.findIndex((l) => l.trim() !== "" && !/^#/.test(l));
  if (start < 0) return { title };
  const end = rest.findIndex((l, i) => i > start && (l.trim() === "" || /^#/.test(l)));
  const summary = plainText(rest.slice(start, end < 0 ? undefined : end).join(" "));
  return { title, summary: summary || undefined };
}

/**
 * What is wrong with a notebook as committed: outputs, execution counts, a kernel other than
 * tslab, or no title and summary for the table of contents. Empty when it is clean.
 */
export function hygieneProblems(nb: Notebook, fileName: string): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(fileName)) problems.push(`file name should look like 01-some-topic.ipynb (reading order)`);
  if (nb.nbformat !== 4) problems.push(`nbformat is ${nb.nbformat}, expected 4`);
  if (nb.metadata?.kernelspec?.name !== "tslab") {
    problems.push(`kernelspec is ${JSON.stringify(nb.metadata?.kernelspec?.name)}, expected "tslab"`);
  }
  let code = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    code++;
    if (cell.outputs && cell.outputs.length > 0) problems.push(`code cell ${code} (cell ${i + 1}) has outputs`);
    if (cell.execution_count !== null && cell.execution_count !== undefined) {
      problems.push(`code cell ${code} (cell ${i + 1}) has execution_count ${cell.execution_count}`);
    }
  });
  const { title, summary } = titleAndSummary(nb);
  if (!title) problems.push("the first markdown cell should start with a `# Title`");
  else if (!summary) problems.push("the first markdown cell should have a one-paragraph summary after its title");
  return problems;
}

/** The notebook without outputs, execution counts or execution timings (what gets committed). */
export function cleaned(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      if (cell.cell_type !== "code") return cell;
      const metadata = { ...(cell.metadata ?? {}) };
      delete metadata.execution;
      return { ...cell, metadata, outputs: [], execution_count: null };
    }),
  };
}
