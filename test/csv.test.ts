import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { csvLayout, formatCsv, parseCsv, readCsv, tableToMatrix } from "../src/data/csv";

const f = { file: "t.csv" };

test("parseCsv reads a header and numeric rows", () => {
  const t = parseCsv("x,y\n1,2\n3.5,-4e-2\n", f);
  assert.deepEqual(t.columns, ["x", "y"]);
  assert.deepEqual(t.rows, [[1, 2], [3.5, -0.04]]);
  assert.deepEqual(t.lines, [2, 3]);
  assert.equal(t.file, "t.csv");
});

test("parseCsv: BOM and CRLF are transparent, and give the same table as plain text", () => {
  const plain = parseCsv("a,b\n1,2\n3,4\n", f);
  const windows = parseCsv("\uFEFFa,b\r\n1,2\r\n3,4\r\n", f);
  assert.deepEqual(windows, plain);
  assert.deepEqual(parseCsv("a,b\r\n1,2", f).rows, [[1, 2]]); // no final line break
});

test("parseCsv: line numbers stay right with CRLF, blank lines and quoted newlines", () => {
  const t = parseCsv('name,v\r\n"two\r\nlines",1\r\n\r\nc,2\r\n', { ...f, text: ["name"] });
  assert.deepEqual(t.text.name, ["two\nlines", "c"]);
  assert.deepEqual(t.lines, [2, 5]);
  assert.throws(() => parseCsv('name,v\r\n"two\r\nlines",1\r\n\r\nc,x\r\n', { ...f, text: ["name"] }), {
    message: 't.csv, line 5, column 2 ("v"): "x" is not a number; if the column is text, pass { text: ["v"] }',
  });
});

test("parseCsv: quoted fields, doubled quotes, commas inside quotes, quoted numbers", () => {
  const t = parseCsv('name,w\n"Smith, Ann",1\n"say ""hi""", "2"\n', { ...f, text: ["name"] });
  assert.deepEqual(t.text.name, ["Smith, Ann", 'say "hi"']);
  assert.deepEqual(t.rows, [[1], [2]]);
  assert.deepEqual(t.columns, ["w"]);
});

test("parseCsv: spaces around fields are ignored", () => {
  assert.deepEqual(parseCsv(" a , b \n 1 , 2 \n", f).rows, [[1, 2]]);
  assert.deepEqual(parseCsv(" a , b \n 1 , 2 \n", f).columns, ["a", "b"]);
});

test("parseCsv without a header names columns col1, col2, ...", () => {
  const t = parseCsv("1,2,3\n4,5,6\n", { ...f, header: false });
  assert.deepEqual(t.columns, ["col1", "col2", "col3"]);
  assert.deepEqual(t.rows, [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.lines, [1, 2]);
});

test("parseCsv error: a missing value names file, line and column", () => {
  assert.throws(() => parseCsv("a,b,c\n1,2,3\n4,,6\n", f), {
    message: 't.csv, line 3, column 2 ("b"): missing value; this column must hold a number in every row',
  });
  assert.throws(() => parseCsv("a,b\n1,NA\n", f), {
    message: 't.csv, line 2, column 2 ("b"): missing value ("NA"); this column must hold a number in every row',
  });
  assert.throws(() => parseCsv("1,2\n3,\n", { ...f, header: false }), {
    message: "t.csv, line 2, column 2: missing value; this column must hold a number in every row",
  });
});

test("parseCsv error: text in a numeric column", () => {
  assert.throws(() => parseCsv("w,h\n1,2\n3,tall\n", f), {
    message: 't.csv, line 3, column 2 ("h"): "tall" is not a number; if the column is text, pass { text: ["h"] }',
  });
  assert.throws(() => parseCsv("1,0x10\n", { ...f, header: false }), {
    message: 't.csv, line 1, column 2: "0x10" is not a number',
  });
});

test("parseCsv error: ragged rows", () => {
  assert.throws(() => parseCsv("a,b,c\n1,2,3\n4,5\n", f), {
    message: "t.csv, line 3: this row has 2 fields but the header has 3",
  });
  assert.throws(() => parseCsv("1,2\n3,4,5\n", { ...f, header: false }), {
    message: "t.csv, line 2: this row has 3 fields but line 1 has 2",
  });
  assert.throws(() => parseCsv("a,b\n1,2,\n", f), { message: "t.csv, line 2: this row has 3 fields but the header has 2" });
});

test("parseCsv error: empty files and header-only files", () => {
  assert.throws(() => parseCsv("", f), { message: "t.csv is empty: it has no lines with values" });
  assert.throws(() => parseCsv("\uFEFF\r\n\r\n", f), { message: "t.csv is empty: it has no lines with values" });
  assert.throws(() => parseCsv("a,b\n", f), { message: "t.csv has a header line but no data rows" });
});

test("parseCsv error: bad quotes", () => {
  assert.throws(() => parseCsv('a,b\n1,"2\n3,4\n', f), {
    message: "t.csv, line 2, column 2: a quoted field is never closed",
  });
  assert.throws(() => parseCsv('a,b\n1,"2"x\n', f), {
    message: 't.csv, line 2, column 2: unexpected text after a closing quote; write "" for a quote inside a quoted field',
  });
  assert.throws(() => parseCsv('a,b\n1,2"\n', f), {
    message: 't.csv, line 2, column 2: a quote inside an unquoted field; quote the whole field and write "" for the quote',
  });
});

test("parseCsv error: bad headers and text option", () => {
  assert.throws(() => parseCsv("a,,c\n1,2,3\n", f), { message: "t.csv, line 1: column 2 of the header has no name" });
  assert.throws(() => parseCsv("a,b,a\n1,2,3\n", f), {
    message: 't.csv, line 1: the header names column "a" twice (columns 1 and 3)',
  });
  assert.throws(() => parseCsv("a,b\n1,2\n", { ...f, text: ["name"] }), {
    message: 't.csv: the text option names column "name", which is not in the file (columns: a, b)',
  });
  assert.throws(() => parseCsv(42 as unknown as string, f), {
    message: "parseCsv(t.csv): expected the file's text as a string, got number",
  });
});

test("parseCsv names the text '<text>' when no file is given", () => {
  assert.throws(() => parseCsv("a\nx\n"), { message: '<text>, line 2, column 1 ("a"): "x" is not a number; if the column is text, pass { text: ["a"] }' });
});

test("readCsv reads a file from disk and names it in errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-csv-"));
  try {
    const good = join(dir, "good.csv");
    writeFileSync(good, "\uFEFFw,h\r\n1,2\r\n");
    assert.deepEqual(readCsv(good).rows, [[1, 2]]);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "w,h\n1,2\n3,?\n");
    assert.throws(() => readCsv(bad), {
      message: `${bad}, line 3, column 2 ("h"): missing value ("?"); this column must hold a number in every row`,
    });
    assert.throws(() => readCsv(bad, { file: "bad.csv" }), { message: /^bad\.csv, line 3/ });
    assert.throws(() => readCsv(join(dir, "nope.csv")), { message: `readCsv: cannot read ${join(dir, "nope.csv")}: no such file` });
    assert.throws(() => readCsv(dir), { message: `readCsv: cannot read ${dir}: it is a folder` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tableToMatrix picks numeric columns by name, in the order asked", () => {
  const t = parseCsv("name,a,b\nx,1,2\ny,3,4\n", { ...f, text: ["name"] });
  assert.deepEqual(tableToMatrix(t).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(tableToMatrix(t, ["b", "a"]).toArray(), [[2, 1], [4, 3]]);
  assert.throws(() => tableToMatrix(t, ["c"]), { message: 'tableToMatrix(t.csv): no numeric column "c"; numeric columns: a, b' });
  assert.throws(() => tableToMatrix(t, ["name"]), {
    message: 'tableToMatrix(t.csv): no numeric column "name" (it is a text column); numeric columns: a, b',
  });
});

test("formatCsv writes what parseCsv reads back", () => {
  const text = formatCsv(["name", "x"], [["Smith, Ann", -0], ['a "b"', 0.125]]);
  assert.equal(text, 'name,x\n"Smith, Ann",0\n"a ""b""",0.125\n');
  const t = parseCsv(text, { text: ["name"] });
  assert.deepEqual(t.text.name, ["Smith, Ann", 'a "b"']);
  assert.deepEqual(t.rows, [[0], [0.125]]);
  assert.throws(() => formatCsv(["a", "b"], [[1]]), { message: "formatCsv: row 0 has 1 values but there are 2 columns" });
  assert.throws(() => formatCsv(["a"], [[NaN]]), { message: 'formatCsv: row 0, column "a" is NaN, not a finite number' });
});

// --- additions for issue 8: the layout check danfo's reader shares, UTF-16 files, other separators ---

test("csvLayout gives the columns and each data row's line, and the parser's errors for a bad layout", () => {
  assert.deepEqual(csvLayout('x,y\r\n1,2\r\n\r\n"a\nb",4\r\n5,6', f), { columns: ["x", "y"], lines: [2, 4, 6] });
  assert.deepEqual(csvLayout("1,2\n3,4\n", { header: false }), { columns: ["col1", "col2"], lines: [1, 2] });
  // Values are not read: text and missing values are the DataFrame's business.
  assert.deepEqual(csvLayout("a,b\nx,\n", f).lines, [2]);
  assert.throws(() => csvLayout("a,b\n1,2\n3\n", f), { message: "t.csv, line 3: this row has 1 fields but the header has 2" });
  assert.throws(() => csvLayout("\uFEFF", f), { message: "t.csv is empty: it has no lines with values" });
  assert.throws(() => csvLayout("a,b\n\n", f), { message: "t.csv has a header line but no data rows" });
  assert.throws(() => csvLayout('a\n"1\n'), { message: "<text>, line 2, column 1: a quoted field is never closed" });
});

test("readCsv reads UTF-16 files (Excel's Unicode text), little- and big-endian", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-csv16-"));
  try {
    const text = "w,h\r\n1,2\r\n3,4\r\n";
    const le = join(dir, "le.csv");
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const be = join(dir, "be.csv");
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]));
    for (const path of [le, be]) assert.deepEqual(readCsv(path).rows, [[1, 2], [3, 4]], path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file separated by semicolons or tabs is called that, not just 'not a number'", () => {
  assert.throws(() => parseCsv("w;h\n1;2\n", f), {
    message: 't.csv, line 2, column 1 ("w;h"): "1;2" is not a number; the file seems to separate values with semicolons, not commas',
  });
  assert.throws(() => parseCsv("w\th\n1\t2\n", f), {
    message: 't.csv, line 2, column 1 ("w\th"): "1\t2" is not a number; the file seems to separate values with tabs, not commas',
  });
});
