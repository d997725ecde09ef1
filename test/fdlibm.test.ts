/**
 * The browser bundle's e^x and tanh (src/numerics/fdlibm.ts) are Node's Math.exp and Math.tanh, bit
 * for bit: on special values, near the thresholds, and on a million seeded arguments each.
 * If a new Node's V8 changes them, this fails, and the page's numbers would stop being Node's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RandomState } from "../src/numerics/random";
import { fdlibmExp, fdlibmExpm1, fdlibmTanh } from "../src/numerics/fdlibm";

test("fdlibmExp is Node's Math.exp on special and boundary values", () => {
  const values = [0, -0, 1, -1, 0.5, -0.5, 0.34657359027997264, 1.0397207708399179, 2 ** -28, -(2 ** -29), 1e-300,
    709.782712893384, 709.7827128933841, 710, -745.1332191019411, -745.1332191019412, -708.4, -730, -740, 88.7, -87.3,
    Infinity, -Infinity, NaN, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE];
  for (const x of values) assert.ok(Object.is(fdlibmExp(x), Math.exp(x)), `e^${x}: ${fdlibmExp(x)} vs Math.exp ${Math.exp(x)}`);
});

test("fdlibmExp is Node's Math.exp on a million seeded arguments", () => {
  const rng = new RandomState(21);
  const scales = [1e-6, 1, 10, 40, 800];
  let differ = 0;
  let first = "";
  for (const scale of scales) {
    const xs = rng.uniform(-scale, scale, 200_000) as Float64Array;
    for (const x of xs) {
      if (!Object.is(fdlibmExp(x), Math.exp(x))) {
        if (differ++ === 0) first = `e^${x}: ${fdlibmExp(x)} vs ${Math.exp(x)}`;
      }
    }
  }
  assert.equal(differ, 0, first);
});

test("fdlibmTanh and fdlibmExpm1 are Node's Math.tanh and Math.expm1", () => {
  const special = [0, -0, 1, -1, 0.5, 22, -22, 21.99, 2 ** -28, 2 ** -55, 1e-300, 5e-324, 0.34657359027997264, 38.8, -38.8, 709, 710, -800, Infinity, -Infinity, NaN];
  for (const x of special) {
    assert.ok(Object.is(fdlibmTanh(x), Math.tanh(x)), `tanh(${x})`);
    assert.ok(Object.is(fdlibmExpm1(x), Math.expm1(x)), `expm1(${x})`);
  }
  const rng = new RandomState(23);
  let differ = 0;
  for (const scale of [1e-9, 0.3, 1, 3, 30]) {
    for (const x of rng.uniform(-scale, scale, 200_000) as Float64Array) {
      if (!Object.is(fdlibmTanh(x), Math.tanh(x)) || !Object.is(fdlibmExpm1(x), Math.expm1(x))) differ++;
    }
  }
  assert.equal(differ, 0);
});
