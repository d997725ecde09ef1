/**
 * Notebooks are committed clean: no outputs, no execution counts, tslab as the kernel, and a
 * `# Title` plus a summary paragraph for the site's table of contents. Fix with `npm run clean:notebooks`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { basename, join } from "path";
import { nbformatJson } from "../../scripts/clean-notebooks";
import { Notebook, cleaned, hygieneProblems, listNotebooks, plainText, readNotebook, titleAndSummary } from "../../scripts/lib/notebooks";

const NOTEBOOKS = join(__dirname, "..", "..", "notebooks");

describe("every committed notebook is clean", () => {
  const files = listNotebooks(NOTEBOOKS);
  test("there is at least one notebook", () => assert.ok(files.length > 0));
  for (const file of files) {
    test(basename(file), () => {
      const problems = hygieneProblems(readNotebook(file), basename(file));
      assert.deepEqual(problems, [], `${basename(file)}:\n  ${problems.join("\n  ")}\n(outputs and counts: npm run clean:notebooks)`);
    });
  }
});

function notebook(cells: Notebook["cells"], kernel = "tslab"): Notebook {
  return { cells, metadata: { kernelspec: { name: kernel, display_name: "TypeScript", language: "typescript" } }, nbformat: 4, nbformat_minor: 5 };
}
const intro = { cell_type: "markdown" as const, source: "# A title\n\nWhat you will do.\n", metadata: {} };

describe("the hygiene check", () => {
  test("passes a clean notebook", () => {
    const nb = notebook([intro, { cell_type: "code", source: "1", outputs: [], execution_count: null, metadata: {} }]);
    assert.deepEqual(hygieneProblems(nb, "01-a-topic.ipynb"), []);
  });

  test("fails on outputs, execution counts, another kernel, no title, a bad name", () => {
    const dirty = notebook(
      [{ cell_type: "code", source: "1", outputs: [{ output_type: "stream" }], execution_count: 3, metadata: {} }],
      "python3",
    );
    assert.deepEqual(hygieneProblems(dirty, "intro.ipynb"), [
      "file name should look like 01-some-topic.ipynb (reading order)",
      'kernelspec is "python3", expected "tslab"',
      "code cell 1 (cell 1) has outputs",
      "code cell 1 (cell 1) has execution_count 3",
      "the first markdown cell should start with a `# Title`",
    ]);
    assert.deepEqual(hygieneProblems(notebook([{ ...intro, source: "# Only a title" }]), "01-x.ipynb"), [
      "the first markdown cell should have a one-paragraph summary after its title",
    ]);
  });

  test("clean:notebooks writes what nbformat writes: sorted keys, indent 1, sources as lines", () => {
    const nb = notebook([{ cell_type: "markdown", source: "# T\n\nsummary", metadata: {} }]);
    assert.equal(
      nbformatJson(nb),
      '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "metadata": {},\n   "source": [\n    "# T\\n",\n    "\\n",\n    "summary"\n   ]\n  }\n ],\n' +
        ' "metadata": {\n  "kernelspec": {\n   "display_name": "TypeScript",\n   "language": "typescript",\n   "name": "tslab"\n  }\n },\n' +
        ' "nbformat": 4,\n "nbformat_minor": 5\n}\n',
    );
  });

  test("cleaned() strips outputs, counts and timings, and keeps the rest", () => {
    const nb = notebook([
      intro,
      { cell_type: "code", source: "1", outputs: [{}], execution_count: 2, metadata: { execution: { a: 1 }, tags: ["x"] } },
    ]);
    const clean = cleaned(nb);
    assert.deepEqual(clean.cells[1], { cell_type: "code", source: "1", outputs: [], execution_count: null, metadata: { tags: ["x"] } });
    assert.deepEqual(clean.cells[0], intro);
    assert.deepEqual(hygieneProblems(clean, "01-x.ipynb"), []);
  });
});

describe("title and summary for the table of contents", () => {
  test("the first markdown cell's # heading, then its first paragraph as one line", () => {
    const nb = notebook([
      { cell_type: "markdown", source: ["# One *neuron*\n", "\n", "You build a [neuron](x.html) and\n", "train it.\n", "\n", "More.\n"], metadata: {} },
    ]);
    assert.deepEqual(titleAndSummary(nb), { title: "One neuron", summary: "You build a neuron and train it." });
  });

  test("plain text keeps identifiers and HTML-looking text as text", () => {
    assert.equal(plainText("`weight_minus_135` and **bold** <script>x</script>"), "weight_minus_135 and bold <script>x</script>");
  });
});
