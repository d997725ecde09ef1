/**
 * The student edition (`npm run student`): solution blocks become TODOs, strictly; then the whole
 * student edition is executed through the export, where every check must print "not done yet"
 * for its exercise, no cell may fail, every other cell must run, and every engine piece the
 * learner writes (issue 33) must be replaced by the library's version after its check, saying so.
 * Then the student edition with the solutions filled in is executed: every engine check passes,
 * nothing falls back to the library, and the articles' numbers come from the learner's code.
 * The instructor edition's checks all passing is execute.test.ts's part; here we also make sure
 * no instructor exercise is itself left as a TODO, which would pass silently.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { basename, join } from "path";
import { nbformatJson } from "../../scripts/clean-notebooks";
import { ExportResult, exportSite } from "../../scripts/export";
import { Notebook, NotebookCell, listNotebooks, readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS } from "../../scripts/lib/project";
import { MarkerError, checkName, exercises, solutionBlocks, stripSolutions, studentNotebook, withTodoImport } from "../../scripts/lib/student";
import { STUDENT, StudentNotebook, writeStudentNotebooks } from "../../scripts/student";

const code = (source: string): NotebookCell => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null });
const markdown = (source: string): NotebookCell => ({ cell_type: "markdown", source, metadata: {} });
const notebook = (cells: NotebookCell[]): Notebook => ({
  cells,
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
});

/** Asserts that `fn` throws a MarkerError whose message matches `message`. */
function throwsMarker(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof MarkerError && message.test(e.message), String(message));
}

describe("solution blocks become TODOs", () => {
  test("a block is replaced at its indentation; the code around it stays", () => {
    const source = [
      "function area(w: number, h: number): number {",
      "  const unit = 1; // kept",
      "  // BEGIN SOLUTION",
      "  return w * h * unit;",
      "  // END SOLUTION",
      "}",
      "console.log(area(2, 3));",
    ].join("\n");
    assert.equal(
      stripSolutions(source, "x.ipynb, cell 2", "area"),
      [
        "function area(w: number, h: number): number {",
        "  const unit = 1; // kept",
        "  // TODO: write your code here, then run this cell and the check below it.",
        '  return todo("area");',
        "}",
        "console.log(area(2, 3));",
      ].join("\n"),
    );
  });

  test("several blocks in one cell, deeper indentation, and a cell without blocks", () => {
    const source = "class A {\n  f() {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n  }\n  g() {\n    // BEGIN SOLUTION\n    return 2;\n    // END SOLUTION\n  }\n}";
    const out = stripSolutions(source, "x.ipynb, cell 1", "twoMethods");
    assert.equal(out.match(/return todo\("twoMethods"\);/g)?.length, 2);
    assert.ok(out.includes('\n    return todo("twoMethods");\n  }\n  g() {'));
    assert.ok(!/return [12];|SOLUTION/.test(out));
    assert.equal(stripSolutions("const a = 1;", "x.ipynb, cell 1", "a"), "const a = 1;");
  });

  test("marker errors name the notebook, the cell and the line", () => {
    const cases: [string, RegExp][] = [
      ["// BEGIN SOLUTION\nreturn 1;", /^x\.ipynb, cell 4, line 1: BEGIN SOLUTION is never closed/],
      ["return 1;\n// END SOLUTION", /^x\.ipynb, cell 4, line 2: END SOLUTION without a BEGIN SOLUTION/],
      ["// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION", /^x\.ipynb, cell 4, line 2: BEGIN SOLUTION inside the block opened on line 1/],
      ["//BEGIN SOLUTION\n// END SOLUTION", /^x\.ipynb, cell 4, line 1: a solution marker must be a line of its own/],
      ["// BEGIN SOLUTION: the loop\n// END SOLUTION", /line 1: a solution marker must be a line of its own/],
      ["x(); // END SOLUTION", /line 1: a solution marker must be a line of its own/],
      ["  // BEGIN SOLUTION\n  x();\n// END SOLUTION", /line 3: END SOLUTION is indented differently from the BEGIN SOLUTION on line 1/],
    ];
    for (const [source, message] of cases) throwsMarker(() => solutionBlocks(source, "x.ipynb, cell 4"), message);
  });

  test("the check cell names the exercise; an exercise without one is an error", () => {
    assert.equal(checkName('check("totalInput", totalInput, ref, {\n  hint: "h",\n});'), "totalInput");
    assert.equal(checkName("const r = 1;\ncheck('adamSteps', adamSteps, ref);"), "adamSteps");
    assert.equal(checkName("mycheck(1)"), undefined);
    const lonely = notebook([markdown("# T\n\nS."), code("function f(): number {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}"), code("console.log(f());")]);
    throwsMarker(() => exercises(lonely, "03-x.ipynb"), /^03-x\.ipynb, cell 2: an exercise must be followed by a check cell/);
  });

  test("todo is added to the first scratchnet import, once", () => {
    const cells = ['import * as assert from "assert";\nimport { Matrix, check } from "scratchnet";', 'import { showPlot } from "scratchnet";'];
    assert.deepEqual(withTodoImport(cells, "x.ipynb"), ['import * as assert from "assert";\nimport { Matrix, check, todo } from "scratchnet";', cells[1]]);
    const already = ['import { check, todo } from "scratchnet";'];
    assert.deepEqual(withTodoImport(already, "x.ipynb"), already);
    throwsMarker(() => withTodoImport(['import * as fs from "fs";'], "x.ipynb"), /^x\.ipynb: the TODOs need `todo`/);
  });

  test("text that mentions the solution markers is refused: the learner never sees them", () => {
    for (const text of ["Write between `BEGIN SOLUTION` and `END SOLUTION`.", "Code goes above the end solution line."]) {
      const nb = notebook([markdown("# T\n\nS."), markdown(text), code('import { check } from "scratchnet";')]);
      throwsMarker(() => studentNotebook(nb, "02-x.ipynb"),
        /^02-x\.ipynb, cell 2: the text mentions BEGIN\/END SOLUTION, which the student edition does not have; point to "the \/\/ TODO lines" instead$/);
    }
  });

  test("a whole notebook: exercises found, solutions gone, markdown and other cells untouched, outputs dropped", () => {
    const nb = notebook([
      markdown("# Title\n\nSummary.\n\nWrite in place of the `// TODO` lines."),
      { ...code('import { check } from "scratchnet";'), outputs: [{ output_type: "stream" }], execution_count: 1 },
      code("function twice(x: number): number {\n  // BEGIN SOLUTION\n  return 2 * x;\n  // END SOLUTION\n}"),
      code('check("twice", twice, (x: number) => x + x);'),
    ]);
    const { notebook: out, exercises: found } = studentNotebook(nb, "01-x.ipynb");
    assert.deepEqual(found, [{ name: "twice", cell: 2, checkCell: 3 }]);
    assert.ok(sourceOf(out.cells[0]).startsWith("# Title\n\nSummary.\n\nWrite in place of the `// TODO` lines."));
    assert.ok(sourceOf(out.cells[0]).includes("Student edition"));
    assert.equal(sourceOf(out.cells[1]), 'import { check, todo } from "scratchnet";');
    assert.deepEqual([out.cells[1].outputs, out.cells[1].execution_count], [[], null]);
    assert.equal(sourceOf(out.cells[2]), 'function twice(x: number): number {\n  // TODO: write your code here, then run this cell and the check below it.\n  return todo("twice");\n}');
    assert.equal(sourceOf(out.cells[3]), sourceOf(nb.cells[3]));
    assert.equal(sourceOf(nb.cells[2]).includes("return 2 * x;"), true, "the instructor notebook is not modified");
  });
});

describe("the course's notebooks as exercises", () => {
  const files = listNotebooks(NOTEBOOKS);
  for (const file of files) {
    test(`${basename(file)} has exercises, each followed by its check, and no instructor TODO`, () => {
      const nb = readNotebook(file);
      const found = exercises(nb, basename(file));
      assert.ok(found.length > 0, "every notebook has at least one exercise");
      for (const ex of found) {
        assert.ok(!/\btodo\(/.test(sourceOf(nb.cells[ex.cell])), `${ex.name}: the instructor edition holds the solution, not a TODO`);
      }
    });
  }
});

/** The text a cell printed (stdout and stderr), and its errors. */
function printed(cell: NotebookCell): { text: string; errors: string[] } {
  const outputs = (cell.outputs ?? []) as { output_type: string; text?: string | string[]; ename?: string; evalue?: string }[];
  const text = outputs.filter((o) => o.output_type === "stream").map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))).join("");
  const errors = outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);
  return { text, errors };
}

describe("the student edition, executed", () => {
  let written: StudentNotebook[];
  let result: ExportResult;
  let executed: string;
  before(async () => {
    executed = mkdtempSync(join(tmpdir(), "scratchnet-student-"));
    written = writeStudentNotebooks(NOTEBOOKS, join(STUDENT, "notebooks"));
    result = await exportSite({
      notebooksDir: join(STUDENT, "notebooks"),
      outDir: join(STUDENT, "site"),
      executedDir: join(executed, "notebooks"),
      edition: "student edition",
      log: (line) => process.stderr.write(line + "\n"),
    });
  });
  after(() => rmSync(executed, { recursive: true, force: true }));

  test("no solution reaches the student notebooks", () => {
    for (const { notebook, exercises: found } of written) {
      const instructor = readNotebook(join(NOTEBOOKS, notebook));
      const student = readNotebook(join(STUDENT, "notebooks", notebook));
      assert.equal(student.cells.length, instructor.cells.length, notebook);
      for (const ex of found) {
        const solution = sourceOf(instructor.cells[ex.cell]).split("\n");
        const [block] = solutionBlocks(solution.join("\n"), notebook);
        const answer = solution.slice(block.begin + 1, block.end).filter((l) => /[A-Za-z0-9]/.test(l));
        const given = sourceOf(student.cells[ex.cell]);
        assert.ok(given.includes(`return todo(${JSON.stringify(ex.name)});`), `${notebook}: ${ex.name}`);
        for (const line of answer) assert.ok(!given.includes(line), `${notebook}: ${ex.name} still has ${JSON.stringify(line)}`);
      }
      assert.ok(student.cells.every((c) => c.cell_type !== "code" || !/SOLUTION/.test(sourceOf(c))), notebook);
    }
  });

  test("every notebook runs to the end without a cell error (the export succeeds)", () => {
    for (const page of result.pages) assert.equal(page.error, undefined, `\n${page.error}`);
    assert.ok(result.ok);
    const index = readFileSync(join(result.outDir, "index.html"), "utf8");
    assert.ok(index.includes("(student edition)"));
    for (const page of result.pages) {
      assert.ok(existsSync(join(result.outDir, page.page)), page.page);
      if (page.slides) assert.ok(existsSync(join(result.outDir, page.slides)), page.slides);
    }
  });

  test("every engine piece ran on the library's fallback after its check, said once, and Run All reached the end", () => {
    for (const [prefix, names] of Object.entries(ENGINE)) {
      const entry = written.find((w) => w.notebook.startsWith(`${prefix}-`))!;
      const nb = readNotebook(join(executed, "notebooks", entry.notebook));
      const texts = nb.cells.map((c) => (c.cell_type === "code" ? printed(c).text : ""));
      for (const name of names) {
        const ex = entry.exercises.find((e) => e.name === name);
        assert.ok(ex, `${entry.notebook}: ${name} is an exercise`);
        if (NO_LATER_CELL.has(name)) continue;
        const line = `using the library's ${name} until yours passes`;
        const saidAt = texts.flatMap((t, i) => (t.includes(line) ? [i] : []));
        assert.equal(saidAt.length, 1, `${entry.notebook}: "${line}" printed once, in cells ${saidAt.map((i) => i + 1)}`);
        assert.ok(saidAt[0] > ex.checkCell, `${entry.notebook}: ${name}'s fallback comes after its check`);
      }
      const lastCode = nb.cells.map((c, i) => (c.cell_type === "code" ? i : -1)).filter((i) => i >= 0).at(-1)!;
      assert.equal(typeof nb.cells[lastCode].execution_count, "number", `${entry.notebook}: Run All reached the last cell`);
    }
  });

  test("every check prints \"not done yet\" for its exercise, and every other code cell ran", () => {
    for (const { notebook, exercises: found } of written) {
      const nb = readNotebook(join(executed, "notebooks", notebook));
      nb.cells.forEach((cell, i) => {
        if (cell.cell_type !== "code" || sourceOf(cell).trim() === "") return;
        const { text, errors } = printed(cell);
        assert.deepEqual(errors, [], `${notebook}, cell ${i + 1}`);
        assert.equal(typeof cell.execution_count, "number", `${notebook}, cell ${i + 1} did not run`);
        const ex = found.find((e) => e.checkCell === i);
        if (ex) {
          assert.ok(text.includes(`… ${ex.name}: not done yet.`), `${notebook}, cell ${i + 1} (check of ${ex.name}) printed:\n${text}`);
          assert.ok(!/[✓✗]/.test(text), `${notebook}, cell ${i + 1}: ${text}`);
        } else {
          assert.ok(!/not done yet/.test(text), `${notebook}, cell ${i + 1} printed "not done yet" outside a check:\n${text}`);
        }
      });
    }
  });
});

/**
 * The engine the learner writes, notebook by notebook (issue 33). Keep in step with the
 * notebooks: each name is an exercise whose check is named the same, and whose later cells call
 * it through `yours`, so the untouched edition prints the fallback line for each.
 */
const ENGINE: Record<string, string[]> = {
  "01": ["sigma", "sigmaSlope", "neuronOutput"],
  "02": ["layerForward", "feedforward"],
  "03": ["meanSquaredError", "descend"],
  "04": ["backpropBatch", "backwardOne", "trainPerPerson", "trainFullBatch"],
  "05": ["capa", "forwardAll", "articleDirections", "articleStep", "articleError"],
};
// layerForward's later use is inside feedforward's library version, so it prints no line of its own.
const NO_LATER_CELL = new Set(["layerForward"]);

/**
 * The student edition with every engine exercise filled in by the instructor's solution, i.e.
 * the code a learner who solved everything has: it must pass every check, never fall back to the
 * library, and reproduce the articles' numbers (asserted in the cells, and looked for here).
 */
describe("the student edition with the solutions filled in", () => {
  const filledDir = join(STUDENT, "filled-notebooks");
  let executed: string;
  let result: ExportResult;
  const files = Object.keys(ENGINE).map((p) => basename(listNotebooks(NOTEBOOKS).find((f) => basename(f).startsWith(`${p}-`))!));
  before(async () => {
    executed = mkdtempSync(join(tmpdir(), "scratchnet-filled-"));
    rmSync(filledDir, { recursive: true, force: true });
    mkdirSync(filledDir, { recursive: true });
    for (const file of files) {
      const instructor = readNotebook(join(NOTEBOOKS, file));
      const { notebook: student, exercises: found } = studentNotebook(instructor, file);
      // The learner's answers go into the student edition's exercise cells; nothing else changes.
      for (const ex of found) student.cells[ex.cell] = { ...student.cells[ex.cell], source: sourceOf(instructor.cells[ex.cell]) };
      writeFileSync(join(filledDir, file), nbformatJson(student));
    }
    result = await exportSite({ notebooksDir: filledDir, outDir: join(executed, "site"), executedDir: join(executed, "notebooks"),
      slides: false, edition: "filled in", log: (line) => process.stderr.write(line + "\n") });
  });
  after(() => {
    rmSync(executed, { recursive: true, force: true });
    rmSync(filledDir, { recursive: true, force: true });
  });

  test("every engine check passes, no cell falls back to the library, and the articles' numbers come out", () => {
    for (const page of result.pages) assert.equal(page.error, undefined, `\n${page.error}`);
    const want: Record<string, string[]> = {
      "01": ["our function: 0.9990889488055994"],
      "02": ["feedforward: 0.7216325609518421"],
      "03": ["eta = 3: loss 0.3693 (step 0), 0.2492 (step 1)"],
      "04": ["loss after epoch 0: 0.3520679367816475", "Emily: 0.946 -> F   Frank: 0.040 -> M",
        "predictions after 1500 iterations: 0.0100914219817"],
      "05": ["accuracy after the last step: 0.9500", "held-out points 0.9133"],
    };
    for (const file of files) {
      const prefix = file.slice(0, 2);
      const nb = readNotebook(join(executed, "notebooks", file));
      const all = nb.cells.map((c) => (c.cell_type === "code" ? printed(c).text : "")).join("\n");
      for (const name of ENGINE[prefix]) assert.ok(all.includes(`✓ ${name}: correct`), `${file}: ${name} passes its check`);
      assert.ok(!all.includes("using the library's"), `${file}: a cell fell back to the library:\n${all.match(/using the library's .*/)?.[0]}`);
      for (const text of want[prefix]) assert.ok(all.includes(text), `${file} printed ${JSON.stringify(text)}`);
    }
  });
});
