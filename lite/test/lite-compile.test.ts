/**
 * The lite kernel's cell compiler (lite/runtime/compile.ts), in Node with the same TypeScript
 * package the site ships: tslab's semantics (names that outlive a cell, imports, top-level await,
 * the last value), and errors that point at the learner's line. No browser needed: these run
 * the compiled bodies as the worker does, as async functions over the global object.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as ts from "typescript";
import { CellSyntaxError, compileCell, decodeLines, REQUIRE } from "../../lite/runtime/compile";
import { liteLink } from "../../scripts/lib/lite-link";

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (body: string) => () => Promise<unknown>;
const g = globalThis as Record<string, unknown>;
const loaded: string[] = [];
g[REQUIRE] = (name: string) => {
  loaded.push(name);
  if (name === "lite-test-module") return { answer: 42, default: "the default" };
  if (name === "lite-test-cjs") return { plain: true };
  throw new Error(`no module ${name}`);
};

/** Runs one cell as the worker does; returns its value, or the line of the error it threw. */
async function run(source: string): Promise<unknown> {
  const cell = compileCell(ts, source);
  for (const name of cell.names) if (!(name in g)) g[name] = undefined;
  return new AsyncFunction(`${cell.body}\n//# sourceURL=lite-test-cell.ts`)();
}

function errorLine(err: Error, source: string): number | undefined {
  const cell = compileCell(ts, source);
  const at = /lite-test-cell\.ts:(\d+):\d+/.exec(err.stack ?? "");
  if (!at) return undefined;
  const original = cell.lineMap[Number(at[1]) - 2 - 1]; // V8's two header lines of new AsyncFunction
  return original === undefined ? undefined : original + 1;
}

describe("lite kernel: a cell compiled with tslab's semantics", () => {
  test("const, let, destructuring, function and class of one cell are visible in the next", async () => {
    await run(["interface Point { x: number }", "const p: Point = { x: 2 }, { a, b: [c] } = { a: 3, b: [4] };", "let count: number = 1;",
      "function twice(n: number): number {", "  return 2 * n;", "}", "class Box { v = twice(p.x) }"].join("\n"));
    assert.equal(await run("count += 1;\nnew Box().v + a + c + count"), 4 + 3 + 4 + 2);
  });

  test("a function may be called above its declaration, as hoisting allows", async () => {
    assert.equal(await run("const early = later(1);\nfunction later(n: number) { return n + 1; }\nearly"), 2);
  });

  test("imports: namespace, default, named and renamed, all visible later; a type-only import loads nothing", async () => {
    loaded.length = 0;
    await run('import * as ns from "lite-test-module";\nimport dflt, { answer as reply } from "lite-test-module";\nimport cjs from "lite-test-cjs";\nimport type { Foo } from "nothing-at-runtime";');
    assert.deepEqual(loaded, ["lite-test-module", "lite-test-module", "lite-test-cjs"]);
    assert.deepEqual(await run("[ns.answer, dflt, reply, cjs.plain]"), [42, "the default", 42, true]);
  });

  test("top-level await, and the last expression's value is the cell's result (none after a statement)", async () => {
    assert.equal(await run("const waited = await Promise.resolve(5);\nwaited * 2"), 10);
    assert.equal(await run("const nothing = 1;"), undefined);
  });

  test("a syntax error names the cell's line and column", () => {
    assert.throws(() => compileCell(ts, "const ok = 1;\nconst broken = (1;"), (err: unknown) => {
      assert.ok(err instanceof CellSyntaxError);
      assert.equal(err.message, "')' expected.");
      assert.deepEqual([err.line, err.column], [2, 18]);
      return true;
    });
  });

  test("a runtime error maps back to the learner's line, past removed types and rewritten declarations", async () => {
    const source = ["type Id = string;", "interface Row {", "  id: Id;", "}", "const rows: Row[] = [];", "", "const first = rows[0].id;"].join("\n");
    const err = await run(source).then(() => null, (e: Error) => e);
    assert.ok(err instanceof TypeError);
    assert.equal(errorLine(err, source), 7);
  });

  test("source-map lines decode (VLQ): ';' per generated line, the third field relative", () => {
    // AAAA: line 0; AACA: +1 -> 1; ;(empty line); AAEA: +2 -> 3
    assert.deepEqual(decodeLines("AAAA;AACA;;AAEA"), [0, 1, undefined, 3]);
  });
});

describe("the exported index's hook into the lite site (scripts/lib/lite-link.ts)", () => {
  test("no SCRATCHNET_LITE_URL, no link; with one, each notebook's page links to its edition's lite copy", () => {
    assert.equal(liteLink("01-neuron.html", "One neuron", undefined, undefined), "");
    assert.equal(
      liteLink("01-neuron.html", 'One "neuron"', undefined, "../lite-site"),
      ' <a class="slides-link" href="../lite-site/full/notebooks/index.html?path=01-neuron.ipynb">run in your browser<span class="visually-hidden">: One &quot;neuron&quot;</span></a>',
    );
    assert.match(liteLink("01-neuron.html", "One neuron", "student edition", "https://example.org/lite/"), /href="https:\/\/example\.org\/lite\/student\/notebooks\/index\.html\?path=01-neuron\.ipynb"/);
  });
});
