/**
 * CSV: a small, strict reader (and writer) for the course's numeric data files.
 * It refuses anything it would otherwise have to guess about; it is not a general CSV library.
 */
import { readFileSync } from "fs";
import { Matrix } from "../core/matrix";

/** Options of `parseCsv` and `readCsv`. */
export interface CsvOptions {
  /** The first line names the columns (default true). Without one, columns are named `col1`, `col2`, ... */
  header?: boolean;
  /** The name used in error messages (default: the path for `readCsv`, `"<text>"` for `parseCsv`). */
  file?: string;
  /** Columns allowed to hold text, by name; every other column must be numeric. */
  text?: string[];
}

/** A parsed file: the numeric columns as rows of numbers, the text columns as strings. */
export interface CsvTable {
  /** The name errors use for this file. */
  file: string;
  /** Names of the numeric columns, in file order; `rows[i][j]` is the value of `columns[j]`. */
  columns: string[];
  /** One array per data row, numeric columns only. */
  rows: number[][];
  /** The text columns (those listed in the `text` option), by name. */
  text: Record<string, string[]>;
  /** For each data row, the 1-based line of the file it starts on, for later error messages. */
  lines: number[];
}

/** Field values (lower-cased, trimmed) that mean "no value here"; reported as missing rather than as text. */
export const MISSING_MARKERS: readonly string[] = ["", "na", "n/a", "nan", "null", "none", "?", "-"];
const MISSING = new Set(MISSING_MARKERS);
/** A plain decimal number: no hex, no "Infinity", no thousands separators. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface RawRecord {
  line: number;
  fields: string[];
}

/**
 * Parses CSV text into numeric rows. Fields are separated by commas and may be
 * quoted (`"a, b"`, with `""` for a quote inside); a UTF-8 byte-order mark and
 * Windows (CRLF) line endings are accepted; blank lines are skipped.
 *
 * Errors name the file, the line (1-based, as an editor shows it) and the column
 * (1-based, with its name) for a missing value, text in a numeric column, a row
 * with the wrong number of fields, an unclosed quote, and an empty file.
 * @example const t = parseCsv("x,y\n1,2\n3,4\n", { file: "pts.csv" });
 * t.rows // [[1, 2], [3, 4]]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const file = options.file ?? "<text>";
  const header = options.header ?? true;
  if (typeof text !== "string") {
    throw new TypeError(`parseCsv(${file}): expected the file's text as a string, got ${typeof text}`);
  }
  const { names, data, width, firstLine } = layoutOf(text, file, header);

  const textCols = new Set(options.text ?? []);
  for (const t of textCols) {
    if (!names.includes(t)) {
      throw new Error(`${file}: the text option names column "${t}", which is not in the file (columns: ${names.join(", ")})`);
    }
  }

  const numeric: number[] = [];
  names.forEach((n, j) => { if (!textCols.has(n)) numeric.push(j); });
  const table: CsvTable = { file, columns: numeric.map((j) => names[j]), rows: [], text: {}, lines: [] };
  for (const t of textCols) table.text[t] = [];

  for (const rec of data) {
    if (rec.fields.length !== width) throw raggedRow(file, rec, width, header, firstLine);
    const row = new Array<number>(numeric.length);
    numeric.forEach((j, k) => {
      const raw = rec.fields[j].trim();
      const where = `${file}, line ${rec.line}, column ${j + 1}${header ? ` ("${names[j]}")` : ""}`;
      if (MISSING.has(raw.toLowerCase())) {
        throw new Error(`${where}: missing value${raw === "" ? "" : ` ("${raw}")`}; this column must hold a number in every row`);
      }
      if (!NUMBER.test(raw)) {
        const hint = /[;\t]/.test(raw) && width === 1 ? `; the file seems to separate values with ${raw.includes(";") ? "semicolons" : "tabs"}, not commas` : "";
        throw new Error(`${where}: "${raw}" is not a number` + (hint || (header ? `; if the column is text, pass { text: ["${names[j]}"] }` : "")));
      }
      row[k] = Number(raw);
    });
    for (const t of textCols) table.text[t].push(rec.fields[names.indexOf(t)].trim());
    table.rows.push(row);
    table.lines.push(rec.line);
  }
  return table;
}

/**
 * Reads a CSV file from disk and parses it with `parseCsv` (UTF-8, BOM and CRLF accepted; a file
 * that starts with a UTF-16 byte-order mark is read as UTF-16).
 * @example const t = readCsv(dataPath("people.csv"), { text: ["name"] });
 * t.columns // ["weight_lb", "height_in", "gender", ...]
 */
export function readCsv(path: string, options: CsvOptions = {}): CsvTable {
  const bytes = readBytes(path, "readCsv");
  // Excel's "Unicode text" and some editors write UTF-16 with a byte-order mark; read it as such.
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = bytes.subarray(2).toString("utf16le");
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2))).swap16().toString("utf16le");
  else text = bytes.toString("utf8");
  return parseCsv(text, { ...options, file: options.file ?? path });
}

/** What `csvLayout` finds: the column names and, for each data row, the line it starts on. */
export interface CsvLayout {
  columns: string[];
  /** 1-based line of each data row (blank lines skipped), as in `CsvTable.lines`. */
  lines: number[];
}

/**
 * Checks a CSV's layout without reading its values: not empty, a header (when `header` is true)
 * with distinct names, data rows, the same number of fields in every row, quotes closed.
 * Errors are the ones `parseCsv` gives, naming the file, line and column. `readDataFrame` runs
 * it before danfo parses the file, so that these mistakes are reported the same way there.
 * @example csvLayout("x,y\n1,2\n\n3,4\n").lines // [2, 4]
 */
export function csvLayout(text: string, options: Pick<CsvOptions, "file" | "header"> = {}): CsvLayout {
  const file = options.file ?? "<text>";
  const header = options.header ?? true;
  const { names, data, width, firstLine } = layoutOf(text, file, header);
  for (const rec of data) {
    if (rec.fields.length !== width) throw raggedRow(file, rec, width, header, firstLine);
  }
  return { columns: names, lines: data.map((r) => r.line) };
}

/** A file's bytes, or an error naming the file and saying plainly what is wrong. */
function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : String((e as Error).message);
    throw new Error(`${what}: cannot read ${path}: ${why}`);
  }
}

/** The records of a CSV text split into header names and data rows, after the checks every reader shares. */
function layoutOf(text: string, file: string, header: boolean): { names: string[]; data: RawRecord[]; width: number; firstLine: number } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = splitRecords(body, file).filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ""));
  if (records.length === 0) throw new Error(`${file} is empty: it has no lines with values`);

  const width = records[0].fields.length;
  let names: string[];
  if (header) {
    names = records[0].fields.map((f) => f.trim());
    names.forEach((name, j) => {
      if (name === "") throw new Error(`${file}, line ${records[0].line}: column ${j + 1} of the header has no name`);
      const first = names.indexOf(name);
      if (first !== j) {
        throw new Error(`${file}, line ${records[0].line}: the header names column "${name}" twice (columns ${first + 1} and ${j + 1})`);
      }
    });
  } else {
    names = records[0].fields.map((_, j) => `col${j + 1}`);
  }
  const data = header ? records.slice(1) : records;
  if (data.length === 0) throw new Error(`${file} has a header line but no data rows`);
  return { names, data, width, firstLine: records[0].line };
}

function raggedRow(file: string, rec: RawRecord, width: number, header: boolean, firstLine: number): Error {
  const ref = header ? "the header has" : `line ${firstLine} has`;
  return new Error(`${file}, line ${rec.line}: this row has ${rec.fields.length} fields but ${ref} ${width}`);
}

/**
 * The numeric columns of a table as a Matrix of shape (rows, columns.length),
 * all of them by default, or the named ones in the order given.
 * @example const X = tableToMatrix(readCsv("loy.csv"), ["x1", "x2", "x3"]);
 * X.shape // "(4, 3)"
 */
export function tableToMatrix(table: CsvTable, columns: string[] = table.columns): Matrix {
  const idx = columns.map((c) => {
    const j = table.columns.indexOf(c);
    if (j < 0) {
      const hint = c in table.text ? " (it is a text column)" : "";
      throw new Error(`tableToMatrix(${table.file}): no numeric column "${c}"${hint}; numeric columns: ${table.columns.join(", ")}`);
    }
    return j;
  });
  const m = new Matrix(table.rows.length, idx.length);
  table.rows.forEach((row, i) => idx.forEach((j, k) => { m.data[i * idx.length + k] = row[j]; }));
  return m;
}

/**
 * Writes rows as CSV text with a header line and "\n" line endings (the format
 * `parseCsv` reads back). Text containing a comma, quote or newline is quoted.
 * @example formatCsv(["x", "label"], [[0.5, 1]])
 * // "x,label\n0.5,1\n"
 */
export function formatCsv(columns: string[], rows: (number | string)[][]): string {
  const lines = [columns.map(quote).join(",")];
  rows.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new RangeError(`formatCsv: row ${i} has ${row.length} values but there are ${columns.length} columns`);
    }
    lines.push(
      row
        .map((v, j) => {
          if (typeof v === "string") return quote(v);
          if (!Number.isFinite(v)) throw new RangeError(`formatCsv: row ${i}, column "${columns[j]}" is ${v}, not a finite number`);
          return String(Object.is(v, -0) ? 0 : v);
        })
        .join(","),
    );
  });
  return lines.join("\n") + "\n";
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Splits text into records of raw fields, tracking the line each record starts on. */
function splitRecords(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const rec: RawRecord = { line, fields: [] };
    for (;;) {
      let k = i;
      while (text[k] === " " || text[k] === "\t") k++;
      let field: string;
      if (text[k] === '"') {
        const openLine = line;
        i = k + 1;
        field = "";
        for (;;) {
          if (i >= n) {
            throw new Error(`${file}, line ${openLine}, column ${rec.fields.length + 1}: a quoted field is never closed`);
          }
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          // A newline inside quotes belongs to the field but still moves the editor's line count.
          if (c === "\r" || c === "\n") {
            i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
            field += "\n";
            line++;
            continue;
          }
          field += c;
          i++;
        }
        while (text[i] === " " || text[i] === "\t") i++;
        if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          throw new Error(
            `${file}, line ${line}, column ${rec.fields.length + 1}: unexpected text after a closing quote; ` +
              `write "" for a quote inside a quoted field`,
          );
        }
      } else {
        const start = i;
        while (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') {
            throw new Error(
              `${file}, line ${line}, column ${rec.fields.length + 1}: a quote inside an unquoted field; ` +
                `quote the whole field and write "" for the quote`,
            );
          }
          i++;
        }
        field = text.slice(start, i);
      }
      rec.fields.push(field);
      if (i >= n) break;
      if (text[i] === ",") {
        i++;
        continue;
      }
      i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      break;
    }
    records.push(rec);
  }
  return records;
}
