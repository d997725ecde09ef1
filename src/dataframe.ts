/**
 * From a danfojs DataFrame to a Matrix, checking every cell on the way.
 * danfojs is not imported: any object shaped like a DataFrame works, so the library does not depend on it.
 */
import { Matrix } from "./matrix";

/** The parts of a danfojs DataFrame that `dataFrameToMatrix` reads. */
export interface DataFrameLike {
  columns: string[];
  column?: (name: string) => { values: unknown };
  values?: unknown;
  index?: ArrayLike<unknown>;
}

/** Options of `dataFrameToMatrix`. */
export interface DataFrameToMatrixOptions {
  /** The file the frame was read from, for error messages; with it, errors also give the line, assuming one header line. */
  file?: string;
}

/**
 * Copies columns of a danfojs DataFrame into a Matrix of shape (rows, columns.length):
 * all columns by default, or the named ones in the order given.
 *
 * Every cell must be a finite number. NaN, null and undefined (danfo's missing
 * values), strings and booleans throw an error naming the file, the column
 * (name and 1-based position) and the row (0-based, as `df.print()` numbers it).
 * @example const df = await dfd.readCSV("data/loy.csv");
 * const X = dataFrameToMatrix(df, ["x1", "x2", "x3"], { file: "loy.csv" }); // (4, 3)
 */
export function dataFrameToMatrix(df: DataFrameLike, columns?: string[], options: DataFrameToMatrixOptions = {}): Matrix {
  const file = options.file;
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

  const m = new Matrix(n, cols.length); // (rows, columns.length)
  for (let k = 0; k < cols.length; k++) {
    const values = cols[k];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        const label = df.index && df.index.length === n && df.index[i] !== i ? ` (index label ${JSON.stringify(df.index[i])})` : "";
        const line = file ? `, line ${i + 2} of the file counting its header` : "";
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

function problem(v: unknown): string {
  if (v === null || v === undefined) return `${v} (a missing value)`;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN (a missing value)" : `${v}, not a finite number`;
  if (typeof v === "string") return `the text ${JSON.stringify(v)}, not a number`;
  return `${describeValue(v)}, not a number`;
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
