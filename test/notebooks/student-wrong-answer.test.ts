/**
 * A wrong answer, seen as a learner (issue 33): the student edition of 01 with a WRONG `sigma`
 * (1 / (1 + e^z), the sign of the exponent forgotten) and every other exercise left as a TODO.
 * Its check cell must fail, printing the input, the expected value, the value it got and the
 * hint; the cells after it must run on the library's sigmoid, saying so once, to the last cell.
 *
 * How it runs: nbconvert with the project's NumberedExecutePreprocessor, but with allow_errors,
 * as a learner who reads the failure and then runs the cells below it. A pause after a failing
 * cell is part of that: tslab cancels every request that reaches it within 200 ms of an error
 * (its way of stopping "Run All" at the first failure), so without it the next cells would be
 * dropped, not run. Cheap: one short notebook, about 15 s.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { sigmoid } from "../../src";
import { nbformatJson } from "../../scripts/clean-notebooks";
import { Notebook, NotebookCell, listNotebooks, readNotebook, sourceOf } from "../../scripts/lib/notebooks";
import { NOTEBOOKS, ROOT, buildLibrary, ensureJupyter, jupyterEnv, linkLibrary } from "../../scripts/lib/project";
import { Exercise, studentNotebook } from "../../scripts/lib/student";
import { STUDENT } from "../../scripts/student";

const WRONG_SIGMA = "function sigma(z: number): number {\n  return 1 / (1 + Math.exp(z)); // the sign of z forgotten\n}";

/** The nbconvert config: the project's preprocessor, errors allowed, a learner's pause after one. */
const CONFIG = `import os, sys, time
sys.path.insert(0, ${JSON.stringify(join(ROOT, "jupyter"))})
from scratchnet_nbconvert import NumberedExecutePreprocessor

class LearnerRunsOn(NumberedExecutePreprocessor):
    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        failed = any(o.get("output_type") == "error" or o.get("name") == "stderr" for o in cell.get("outputs", []))
        if failed:
            time.sleep(0.5)  # past tslab's 200 ms, in which it cancels whatever arrives
        return cell, resources

c = get_config()
c.Exporter.preprocessors = [LearnerRunsOn]
c.LearnerRunsOn.allow_errors = True
c.LearnerRunsOn.timeout = 300
c.LearnerRunsOn.startup_timeout = 120
`;

type Output = { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string };
const textOf = (o: Output) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""));
/** What a cell printed on stdout, and its failure (stderr and error outputs). */
function outputs(cell: NotebookCell): { stdout: string; failure: string } {
  const all = (cell.outputs ?? []) as Output[];
  return {
    stdout: all.filter((o) => o.output_type === "stream" && o.name === "stdout").map(textOf).join(""),
    failure: all.map((o) => (o.output_type === "error" ? `${o.ename}: ${o.evalue}` : o.name === "stderr" ? textOf(o) : "")).join(""),
  };
}

describe("a wrong answer in the student edition of 01", () => {
  const file = basename(listNotebooks(NOTEBOOKS).find((f) => basename(f).startsWith("01-"))!);
  const dir = join(STUDENT, "wrong-answer-notebooks"); // inside the project, so "scratchnet" resolves
  let scratch: string;
  let executed: Notebook;
  let found: Exercise[];
  before(async () => {
    buildLibrary();
    linkLibrary();
    const python = await ensureJupyter("nbconvert");
    scratch = mkdtempSync(join(tmpdir(), "scratchnet-wrong-"));
    const { notebook, exercises } = studentNotebook(readNotebook(join(NOTEBOOKS, file)), file);
    found = exercises;
    const sigma = found.find((e) => e.name === "sigma")!;
    notebook.cells[sigma.cell] = { ...notebook.cells[sigma.cell], source: WRONG_SIGMA };
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), nbformatJson(notebook));
    writeFileSync(join(scratch, "learner_config.py"), CONFIG);
    const name = basename(file, ".ipynb");
    const r = spawnSync(python, ["-m", "nbconvert", "--config", join(scratch, "learner_config.py"), "--to", "notebook",
      "--output-dir", scratch, "--output", name, join(dir, file)], { cwd: dir, env: jupyterEnv(), encoding: "utf8" });
    assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr}`);
    executed = readNotebook(join(scratch, `${name}.ipynb`));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("sigma's check fails with the input, the expected value, the value it got and the hint", () => {
    const sigma = found.find((e) => e.name === "sigma")!;
    const { stdout, failure } = outputs(executed.cells[sigma.checkCell]);
    const m = /✗ sigma: for input (\S+) expected (\S+) but got (\S+) \(off by \S+\)\n {2}Hint: (.*)\n/.exec(stdout);
    assert.ok(m, `the check printed:\n${stdout}`);
    const [x, want, got] = [Number(m[1]), Number(m[2]), Number(m[3])];
    assert.equal(want, sigmoid(x), "expected is the library's sigmoid at the printed input");
    assert.equal(got, 1 / (1 + Math.exp(x)), "got is the wrong sigma at the printed input");
    assert.equal(m[4], "σ(z) = 1 / (1 + e^(−z)), and Math.exp(-z) is e^(−z)");
    assert.ok(failure.includes("✗ sigma: for input"), `the cell fails, showing the same message:\n${failure}`);
  });

  test("every later cell runs, on the library's sigmoid, said once, and the notebook reaches its end", () => {
    const sigma = found.find((e) => e.name === "sigma")!;
    const code = executed.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code" && sourceOf(c).trim() !== "");
    const after = code.filter(({ i }) => i > sigma.checkCell);
    for (const { c, i } of code) {
      assert.equal(typeof c.execution_count, "number", `cell ${i + 1} ran`);
      if (i !== sigma.checkCell) assert.equal(outputs(c).failure, "", `cell ${i + 1} did not fail`);
    }
    const said = after.filter(({ c }) => outputs(c).stdout.includes("using the library's sigma until yours passes"));
    assert.equal(said.length, 1, "the fallback is said once");
    // The other engine pieces are still TODOs: their checks say so, and their later cells fall back too.
    for (const name of ["sigmaSlope", "neuronOutput"]) {
      const ex = found.find((e) => e.name === name)!;
      assert.ok(outputs(executed.cells[ex.checkCell]).stdout.includes(`… ${name}: not done yet.`), name);
      assert.ok(after.some(({ c }) => outputs(c).stdout.includes(`using the library's ${name} until yours passes`)), name);
    }
    // What comes out of the library's versions: the article's number, and the last cell ran.
    const all = after.map(({ c }) => outputs(c).stdout).join("\n");
    assert.ok(all.includes("σ and σSlope agree with the library's sigmoid and sigmoidDerivative"));
    assert.ok(all.includes("our function: 0.9990889488055994"));
    assert.equal(code.at(-1)!.i, executed.cells.map((c) => c.cell_type).lastIndexOf("code"));
    assert.ok(outputs(code.at(-1)!.c).stdout.includes("… biasForOneHalf: not done yet."));
  });
});
