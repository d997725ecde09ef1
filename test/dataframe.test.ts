import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { dataFrameToMatrix, DataFrameLike, readDataFrame } from "../src/data/dataframe";

const dfd = require("danfojs-node");
dfd.tensorflow.env().set("PROD", true); // silences danfo's "install the node backend" banner

let dir = "";
const csv = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), "scratchnet-df-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("a danfo frame read from CSV becomes a Matrix: all columns, or the ones named in order", async () => {
  const df = await dfd.readCSV(csv("people.csv", "name,weight_lb,height_in,gender\nAlice,133,65,1\nBob,160,72,0\n"));
  assert.deepEqual(dataFrameToMatrix(df, ["weight_lb", "height_in"]).toArray(), [[133, 65], [160, 72]]);
  assert.deepEqual(dataFrameToMatrix(df, ["gender", "weight_lb"]).toArray(), [[1, 133], [0, 160]]);
  const nums = await dfd.readCSV(csv("nums.csv", "a,b\n1.5,2\n3,4\n"));
  const X = dataFrameToMatrix(nums);
  assert.equal(X.shape, "(2, 2)");
  assert.deepEqual(X.toArray(), [[1.5, 2], [3, 4]]);
});

test("errors name the file, the column and the row for missing values and text", async () => {
  const df = await dfd.readCSV(csv("bad.csv", "name,w,h\nAlice,133,65\nBob,,72\nCharlie,152,abc\n"));
  assert.throws(() => dataFrameToMatrix(df, ["w", "h"], { file: "bad.csv" }), {
    message: 'dataFrameToMatrix(bad.csv): column "w" (column 2 of 3), row 1, line 3 of the file counting its header: null (a missing value)',
  });
  assert.throws(() => dataFrameToMatrix(df, ["h"], { file: "bad.csv" }), {
    message: 'dataFrameToMatrix(bad.csv): column "h" (column 3 of 3), row 2, line 4 of the file counting its header: the text "abc", not a number',
  });
  assert.throws(() => dataFrameToMatrix(df), {
    message: 'dataFrameToMatrix: column "name" (column 1 of 3), row 0: the text "Alice", not a number',
  });
  assert.throws(() => dataFrameToMatrix(df, ["weight"], { file: "bad.csv" }), {
    message: 'dataFrameToMatrix(bad.csv): no column "weight"; the frame has columns name, w, h',
  });
});

test("NaN, undefined, booleans and infinities in a frame built in code are refused", () => {
  const df = new dfd.DataFrame({ a: [1, 2, NaN], b: [1, undefined, 3], c: [true, false, true], d: [1, Infinity, 2] });
  assert.throws(() => dataFrameToMatrix(df, ["a"]), { message: 'dataFrameToMatrix: column "a" (column 1 of 4), row 2: NaN (a missing value)' });
  assert.throws(() => dataFrameToMatrix(df, ["b"]), { message: 'dataFrameToMatrix: column "b" (column 2 of 4), row 1: undefined (a missing value)' });
  assert.throws(() => dataFrameToMatrix(df, ["c"]), { message: 'dataFrameToMatrix: column "c" (column 3 of 4), row 0: boolean true, not a number' });
  assert.throws(() => dataFrameToMatrix(df, ["d"]), { message: 'dataFrameToMatrix: column "d" (column 4 of 4), row 1: Infinity, not a finite number' });
});

test("a frame with its own index labels shows the label next to the row", () => {
  const df = new dfd.DataFrame([[1, 2], [3, null]], { columns: ["p", "q"], index: ["r1", "r2"] });
  assert.throws(() => dataFrameToMatrix(df), {
    message: 'dataFrameToMatrix: column "q" (column 2 of 2), row 1 (index label "r2"): null (a missing value)',
  });
});

test("duck typing: df[col].values and df.values work without danfo", () => {
  const bySeries = { columns: ["x", "y"], x: { values: [1, 2] }, y: { values: [3, 4] } } as unknown as DataFrameLike;
  assert.deepEqual(dataFrameToMatrix(bySeries).toArray(), [[1, 3], [2, 4]]);
  const byRows: DataFrameLike = { columns: ["x", "y"], values: [[1, 3], [2, 4]] };
  assert.deepEqual(dataFrameToMatrix(byRows, ["y"]).toArray(), [[3], [4]]);
});

test("errors for things that are not data frames, and for empty selections", () => {
  assert.throws(() => dataFrameToMatrix([[1, 2]] as unknown as DataFrameLike), {
    message: "dataFrameToMatrix: expected a danfojs DataFrame (an object with a .columns array), got an array",
  });
  assert.throws(() => dataFrameToMatrix(null as unknown as DataFrameLike, undefined, { file: "a.csv" }), {
    message: "dataFrameToMatrix(a.csv): expected a danfojs DataFrame (an object with a .columns array), got null",
  });
  assert.throws(() => dataFrameToMatrix({ columns: ["x"] }), {
    message: 'dataFrameToMatrix: cannot read the values of column "x": the frame has no .column(), .x.values or .values',
  });
  assert.throws(() => dataFrameToMatrix({ columns: ["x"], values: [] }), { message: "dataFrameToMatrix: the frame has no rows" });
  assert.throws(() => dataFrameToMatrix({ columns: ["x"], values: [[1]] }, []), {
    message: "dataFrameToMatrix: no columns to convert; the frame has columns x",
  });
  const uneven = { columns: ["x", "y"], x: { values: [1, 2] }, y: { values: [3] } } as unknown as DataFrameLike;
  assert.throws(() => dataFrameToMatrix(uneven), { message: 'dataFrameToMatrix: column "y" has 1 values but column "x" has 2' });
});

// --- readDataFrame: danfo's readCSV with the CSV reader's checks first ----------------------------

test("readDataFrame reads what dfd.readCSV reads, and the frame's errors name the file and exact line unasked", async () => {
  const p = csv("rd-ok.csv", "name,w\nAlice,133\n\n\"Bob\nBobson\",\n");
  const df = await readDataFrame(dfd, p);
  assert.deepEqual(df.columns, ["name", "w"]);
  // The blank line 3 and the quoted newline in line 4 do not throw the line count off.
  assert.throws(() => dataFrameToMatrix(df, ["w"]), {
    message: `dataFrameToMatrix(${p}): column "w" (column 2 of 2), row 1, line 4 of the file: null (a missing value)`,
  });
  assert.throws(() => dataFrameToMatrix(df, ["w"], { file: "other.csv" }), { message: /^dataFrameToMatrix\(other\.csv\): .* line 4 of the file: / });
});

test("readDataFrame skips trailing blank lines, on which bare danfo fails", async () => {
  const p = csv("rd-trailing.csv", "a,b\n1,2\n3,4\n\n\n");
  await assert.rejects(dfd.readCSV(p), /Too few fields/);
  assert.deepEqual(dataFrameToMatrix(await readDataFrame(dfd, p)).toArray(), [[1, 2], [3, 4]]);
});

test("readDataFrame errors: a missing file, a folder, UTF-16 text, bad layouts, and no danfo module", async () => {
  await assert.rejects(readDataFrame(dfd, join(dir, "nope.csv")), { message: `readDataFrame: cannot read ${join(dir, "nope.csv")}: no such file` });
  await assert.rejects(readDataFrame(dfd, dir), { message: `readDataFrame: cannot read ${dir}: it is a folder` });
  const utf16 = join(dir, "rd-utf16.csv");
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a,b\n1,2\n", "utf16le")]));
  await assert.rejects(readDataFrame(dfd, utf16), {
    message: `readDataFrame: ${utf16} is UTF-16 text, which danfo cannot read; save it as "CSV UTF-8", or read it with readCsv`,
  });
  await assert.rejects(readDataFrame(dfd, csv("rd-header.csv", "a,b\n")), { message: `${join(dir, "rd-header.csv")} has a header line but no data rows` });
  await assert.rejects(readDataFrame(dfd, csv("rd-quote.csv", 'a,b\n1,"2\n')), { message: `${join(dir, "rd-quote.csv")}, line 2, column 2: a quoted field is never closed` });
  await assert.rejects(readDataFrame(dfd, csv("rd-dup.csv", "a,a\n1,2\n"), { file: "dup.csv" }), {
    message: 'dup.csv, line 1: the header names column "a" twice (columns 1 and 2)',
  });
  await assert.rejects(readDataFrame(undefined as never, "x.csv"), {
    message: 'readDataFrame: pass the danfojs module first: readDataFrame(dfd, path), after import * as dfd from "danfojs-node"',
  });
  await assert.rejects(readDataFrame(dfd, 42 as never), { message: "readDataFrame: the path must be a string, got number 42" });
});

test("text that marks a missing value (NA, ?, n/a) is called a missing value, not text", async () => {
  const df = await readDataFrame(dfd, csv("rd-na.csv", "a,b\n1,NA\n2,?\n"));
  assert.throws(() => dataFrameToMatrix(df, ["b"]), { message: /row 0, line 2 of the file: the text "NA" \(a missing value\)$/ });
});

test("a frame whose rows were reordered gives no line number, rather than a wrong one", async () => {
  const df = await readDataFrame<DataFrameLike & { sortValues(column: string, options: object): void }>(dfd, csv("rd-sorted.csv", "a,b\n3,x\n1,2\n"));
  df.sortValues("a", { inplace: true });
  assert.throws(() => dataFrameToMatrix(df, ["b"]), {
    message: `dataFrameToMatrix(${join(dir, "rd-sorted.csv")}): column "b" (column 2 of 2), row 1 (index label 0): the text "x", not a number`,
  });
});
