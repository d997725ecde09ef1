// Exercise checks: a tick for a right answer, a kind "not done yet", and a clear failure for a wrong one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { check, hasPassed, Matrix, NotDoneYet, resetChecks, sigmoid, todo, yours } from "../src/index";

const quiet = () => {
  const lines: string[] = [];
  return { lines, print: (l: string) => lines.push(l) };
};

test("a right function passes on fresh random inputs", () => {
  const out = quiet();
  const mine = (x: number) => 1 / (1 + Math.exp(-x));
  check("sigmoid", mine, sigmoid, { print: out.print });
  assert.deepEqual(out.lines, ["✓ sigmoid: correct"]);
});

test("a wrong function fails with what was expected, what came back, and the hint", () => {
  const out = quiet();
  const mine = (x: number) => 1 / (1 + Math.exp(x));
  assert.throws(
    () => check("sigmoid", mine, sigmoid, { print: out.print, seed: 1, inputs: () => [2] as [number], hint: "mind the sign of the exponent" }),
    { message: `✗ sigmoid: for input 2 expected ${sigmoid(2)} but got ${sigmoid(-2)} (off by ${Math.abs(sigmoid(2) - sigmoid(-2)).toPrecision(3)})\n  Hint: mind the sign of the exponent` },
  );
  assert.equal(out.lines.length, 1);
});

test("an unfinished exercise says so without throwing, so the notebook goes on", () => {
  const out = quiet();
  const mine = (_x: number): number => todo("sigmoid");
  check("sigmoid", mine, sigmoid, { print: out.print });
  assert.equal(out.lines.length, 1);
  assert.match(out.lines[0], /^… sigmoid: not done yet\. sigmoid is not done yet: replace the TODO/);
  assert.throws(() => todo("x"), NotDoneYet);
});

test("values, arrays and matrices are compared with a tolerance, and shapes are named", () => {
  const out = quiet();
  check("loss", 0.5 + 1e-12, 0.5, { print: out.print });
  check("list", [1, 2], [1, 2 + 1e-13], { print: out.print });
  assert.deepEqual(out.lines, ["✓ loss: correct", "✓ list: correct"]);
  assert.throws(() => check("W", Matrix.from([[1, 2]]), Matrix.from([[1], [2]]), { print: out.print }), /shape \(1, 2\) instead of \(2, 1\)/);
  assert.throws(() => check("list", [1, 3], [1, 2], { print: out.print }), /at index 1: off by 1.00/);
  assert.throws(() => check("nan", NaN, 1, { print: out.print }), /NaN is never right/);
  assert.throws(() => check("f", 3, (x: number) => x, { print: out.print }), /expected a function, got 3/);
  assert.throws(() => check("boom", () => { throw new RangeError("bad"); }, () => 1, { print: out.print }), /your code threw RangeError: bad/);
});

// The fallback: later cells call an exercise through `yours`, which trusts only a passed check.
test("yours uses the library's function until the learner's check passes, saying so once", (t) => {
  resetChecks();
  const said = t.mock.method(console, "log", () => {});
  const mine = (x: number) => 1 / (1 + Math.exp(-x));
  assert.equal(yours("sigma", mine, sigmoid), sigmoid);
  assert.equal(yours("sigma", mine, sigmoid), sigmoid);
  assert.deepEqual(said.mock.calls.map((c) => c.arguments[0]), ["using the library's sigma until yours passes"]);
  check("sigma", mine, sigmoid, { print: () => {} });
  assert.equal(hasPassed("sigma"), true);
  assert.equal(yours("sigma", mine, sigmoid), mine);
  assert.equal(said.mock.calls.length, 1, "no fallback line once the learner's version is used");
});

test("yours falls back again after a wrong or unfinished retry of a passed exercise", (t) => {
  resetChecks();
  t.mock.method(console, "log", () => {});
  const right = (x: number) => 1 / (1 + Math.exp(-x));
  const wrong = (x: number) => 1 / (1 + Math.exp(x));
  check("sigma", right, sigmoid, { print: () => {} });
  assert.throws(() => check("sigma", wrong, sigmoid, { print: () => {} }));
  assert.equal(yours("sigma", wrong, sigmoid), sigmoid);
  check("sigma", right, sigmoid, { print: () => {} });
  check("sigma", (_x: number): number => todo("sigma"), sigmoid, { print: () => {} });
  assert.equal(hasPassed("sigma"), false);
  assert.equal(yours("sigma", right, sigmoid), sigmoid);
});

test("passes are kept per name: one exercise passing does not unlock another", (t) => {
  resetChecks();
  t.mock.method(console, "log", () => {});
  const mine = (x: number) => 1 / (1 + Math.exp(-x));
  check("sigma", mine, sigmoid, { print: () => {} });
  const slope = (x: number) => x;
  assert.equal(yours("sigmaSlope", slope, sigmoid as unknown as typeof slope), sigmoid);
  assert.equal(yours("sigma", mine, sigmoid), mine);
});
