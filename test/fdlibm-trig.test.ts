/**
 * The browser bundle's sin and cos (src/numerics/fdlibm-trig.ts) are Node's Math.sin and Math.cos,
 * bit for bit: on special values, next to multiples of pi/2 (where the reduction cancels), and on
 * 1.4 million seeded arguments each. If a new Node's V8 changes them, this fails.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RandomState } from "../src/numerics/random";
import { fdlibmCos, fdlibmSin } from "../src/numerics/fdlibm-trig";

const same = (x: number) => Object.is(fdlibmSin(x), Math.sin(x)) && Object.is(fdlibmCos(x), Math.cos(x));

test("fdlibmSin and fdlibmCos are Node's on special values and next to multiples of pi/2", () => {
  const special = [0, -0, 1, -1, Math.PI, -Math.PI, Math.PI / 2, Math.PI / 4, 0.7853981633974483, 2 ** -27, 2 ** -30, 5e-324,
    2.356194490192345, 823549.6, -823549.6, 1e6, 1e300, Infinity, -Infinity, NaN];
  for (const x of special) assert.ok(same(x), `sin/cos(${x}): ${fdlibmSin(x)} ${fdlibmCos(x)} vs ${Math.sin(x)} ${Math.cos(x)}`);
  let differ = 0;
  for (let n = -64; n <= 64; n++) {
    let x = (n * Math.PI) / 2;
    for (let k = 0; k < 40; k++, x = nextUp(x)) if (!same(x)) differ++;
  }
  assert.equal(differ, 0);
});

test("fdlibmSin and fdlibmCos are Node's on 1.4 million seeded arguments", () => {
  const rng = new RandomState(3);
  let differ = 0;
  let first = "";
  for (const scale of [1e-9, 1, 4, 10, 100, 1e5, 8e5]) {
    for (const x of rng.uniform(-scale, scale, 200_000) as Float64Array) {
      if (!same(x) && differ++ === 0) first = `x = ${x}`;
    }
  }
  assert.equal(differ, 0, first);
});

/** The next double above x. */
function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  if (x === 0) return 5e-324;
  b[0] += x > 0 ? 1n : -1n;
  return f[0];
}
