/**
 * From a danfojs DataFrame to a Matrix, checking every cell on the way, and a CSV reader for danfo
 * whose errors name the file, line and column. danfojs is not imported: the reader takes the
 * danfo module as an argument, and any object shaped like a DataFrame converts, so the library
 * does not depend on it.
 */
import { readFileSync } from "fs";
import { csvLayout, MISSING_MARKERS } from "./csv";
import { Matrix } from "../core/matrix";

/** The parts of a danfojs DataFrame that `dataFrameToMatrix` reads. */
export interface DataFrameLike {
  columns: string[];
  column?: (name: string) => { values: unknown };
  values?: unknown;
  index?: ArrayLike<unknown>;
}

/** Options of `dataFrameToMatrix`. */
export interface DataFrameToMatrixOptions {
  /**
   * The file the frame was read from, for error messages; with it, errors also give the line, assuming one
   * header line and no blank lines. A frame from `readDataFrame` needs no `file`: its errors name the file
   * and the exact line.
   */
  file?: string;
}

/** The part of the danfojs module that `readDataFrame` uses. */
export interface DanfoReader<T> {
  readCSV(path: string, options?: Record<string, unknown>): Promise<T>;
}

/** Where a frame from `readDataFrame` came from: its file and the line of each row. */
const origins = new WeakMap<object, { file: string; lines: number[] }>();

/**
 * Reads a CSV file into a danfojs DataFrame, as `dfd.readCSV(path)` does, but checks the file's layout
 * first: an empty file, a header without rows, a row with too many or too few fields, or an unclosed
 * quote gets an error naming the file, the line and the column (danfo's own say neither). Blank
 * lines are skipped (danfo alone fails on a trailing blank line); a byte-order mark and Windows line
 * endings are fine. `dataFrameToMatrix` on the frame then names the file and the exact line of a bad
 * cell without being told, as long as the rows are still in the file's order.
 * @example import * as dfd from "danfojs-node";
 * const df = await readDataFrame(dfd, dataPath("people.csv"));
 * const X = dataFrameToMatrix(df, ["weight_lb", "height_in"]); // (4, 2)
 */
export async function readDataFrame<T extends DataFrameLike>(dfd: DanfoReader<T>, path: string, options: { file?: string } = {}): Promise<T> {
  if (!dfd || typeof dfd.readCSV !== "function") {
    throw new TypeError('readDataFrame: pass the danfojs module first: readDataFrame(dfd, path), after import * as dfd from "danfojs-node"');
  }
  if (typeof path !== "string") throw new TypeError(`readDataFrame: the path must be a string, got ${describeValue(path)}`);
  const file = options.file ?? path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : String((e as Error).message);
    throw new Error(`readDataFrame: cannot read ${path}: ${why}`);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error(`readDataFrame: ${file} is UTF-16 text, which danfo cannot read; save it as "CSV UTF-8", or read it with readCsv`);
  }
  const layout = csvLayout(bytes.toString("utf8"), { file });
  let df: T;
  try {
    df = await dfd.readCSV(path, { skipEmptyLines: "greedy" });
  } catch (e) {
    throw new Error(`readDataFrame: danfo could not read ${file}: ${(e as Error)?.message ?? String(e)}`);
  }
  if (df && typeof df === "object") origins.set(df, { file, lines: layout.lines });
  return df;
}

/**
 * Copies columns of a danfojs DataFrame into a Matrix of shape (rows, columns.length):
 * all columns by default, or the named ones in the order given.
 *
 * Every cell must be a finite number. NaN, null and undefined (danfo's missing
 * values), strings and booleans throw an error naming the file, the column
 * (name and 1-based position), the row (0-based, as `df.print()` numbers it) and,
 * while the rows are still in the file's order, the line of the file.
 * @example const df = await readDataFrame(dfd, "data/loy.csv"); // or dfd.readCSV, then pass { file }
 * const X = dataFrameToMatrix(df, ["x1", "x2", "x3"]); // (4, 3)
 */
export function dataFrameToMatrix(df: DataFrameLike, columns?: string[], options: DataFrameToMatrixOptions = {}): Matrix {
  const origin = df !== null && typeof df === "object" ? origins.get(df) : undefined;
  const file = options.file ?? origin?.file;
  const what = `dataFrameToMatrix${file ? `(${file})` : ""}`;
  if (df === null || typeof df !== "object" || !Array.isArray(df.columns)) {
    throw new TypeError(`${what}: expected a danfojs DataFrame (an object with a .columns array), got ${describeValue(df)}`);
  }
  const all = df.columns;
  const wanted = columns ?? all;
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw new RangeError(`${what}: no columns to convert; the frame has columns ${all.join(", ") || "(none)"}`);
  }
  const cols = wanted.map((name) => {
    const j = all.indexOf(name);
    if (j < 0) throw new RangeError(`${what}: no column "${name}"; the frame has columns ${all.join(", ")}`);
    return columnValues(df, name, j, what);
  });
  const n = cols[0].length;
  if (n === 0) throw new RangeError(`${what}: the frame has no rows`);
  cols.forEach((values, k) => {
    if (values.length !== n) {
      throw new RangeError(`${what}: column "${wanted[k]}" has ${values.length} values but column "${wanted[0]}" has ${n}`);
    }
  });

  // Lines only while the rows are still the file's rows in order: the exact ones of a frame from
  // readDataFrame, else row + 2 (one header line). A reordered frame gets no line rather than a wrong one.
  const inOrder = !df.index || (df.index.length === n && Array.prototype.every.call(df.index, (label, i) => label === i));
  const lines = origin && origin.lines.length === n && inOrder ? origin.lines : undefined;
  const m = new Matrix(n, cols.length); // (rows, columns.length)
  for (let k = 0; k < cols.length; k++) {
    const values = cols[k];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        const label = df.index && df.index.length === n && df.index[i] !== i ? ` (index label ${JSON.stringify(df.index[i])})` : "";
        const line = lines ? `, line ${lines[i]} of the file` : file && inOrder ? `, line ${i + 2} of the file counting its header` : "";
        throw new TypeError(
          `${what}: column "${wanted[k]}" (column ${all.indexOf(wanted[k]) + 1} of ${all.length}), ` +
            `row ${i}${label}${line}: ${problem(v)}`,
        );
      }
      m.data[i * cols.length + k] = v;
    }
  }
  return m;
}

/** Values of one column: `df.column(name).values`, `df[name].values`, or column j of `df.values`. */
function columnValues(df: DataFrameLike, name: string, j: number, what: string): ArrayLike<unknown> {
  if (typeof df.column === "function") {
    const s = df.column(name);
    if (s && isArrayLike(s.values)) return s.values;
  }
  const prop = (df as unknown as Record<string, unknown>)[name] as { values?: unknown } | undefined;
  if (prop && typeof prop === "object" && isArrayLike(prop.values)) return prop.values;
  if (isArrayLike(df.values)) {
    const rows = df.values;
    const out = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      out[i] = isArrayLike(row) ? row[j] : undefined;
    }
    return out;
  }
  throw new TypeError(`${what}: cannot read the values of column "${name}": the frame has no .column(), .${name}.values or .values`);
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return v !== null && typeof v === "object" && typeof (v as ArrayLike<unknown>).length === "number";
}

/** Text that marks a missing value in a CSV (danfo keeps it as a string), as the CSV reader knows it. */
const MISSING_TEXT = new Set(MISSING_MARKERS);

function problem(v: unknown): string {
  if (v === null || v === undefined) return `${v} (a missing value)`;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN (a missing value)" : `${v}, not a finite number`;
  if (typeof v === "string") {
    return MISSING_TEXT.has(v.trim().toLowerCase()) ? `the text ${JSON.stringify(v)} (a missing value)` : `the text ${JSON.stringify(v)}, not a number`;
  }
  return `${describeValue(v)}, not a number`;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
