/**
 * Node's `assert` as the notebooks use it (ok, equal, deepEqual, deepStrictEqual, match, and the
 * strict forms), failing with an AssertionError whose message reads like Node's.
 */
import { inspect } from "./inspect";

export class AssertionError extends Error {
  code = "ERR_ASSERTION";
  constructor(message: string, readonly actual?: unknown, readonly expected?: unknown, readonly operator?: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function fail(message: string | Error | undefined, fallback: string, actual?: unknown, expected?: unknown, operator?: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback, actual, expected, operator);
}

export function ok(value: unknown, message?: string | Error): void {
  if (!value) fail(message, `The expression evaluated to a falsy value:\n\n  assert.ok(${inspect(value)})\n`, value, true, "==");
}

export function equal(actual: unknown, expected: unknown, message?: string | Error): void {
  // Node's legacy equal is ==, but NaN equals NaN.
  if (!(actual == expected || (actual !== actual && expected !== expected))) fail(message, `${inspect(actual)} == ${inspect(expected)}`, actual, expected, "==");
}
export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (actual == expected) fail(message, `${inspect(actual)} != ${inspect(expected)}`, actual, expected, "!=");
}
export function strictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (!Object.is(actual, expected)) fail(message, `Expected values to be strictly equal:\n\n${inspect(actual)} !== ${inspect(expected)}\n`, actual, expected, "strictEqual");
}
export function notStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (Object.is(actual, expected)) fail(message, `Expected "actual" to be strictly unequal to: ${inspect(expected)}`, actual, expected, "notStrictEqual");
}

function deep(a: any, b: any, strict: boolean, seen = new Map<any, any>()): boolean {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deep(v, b.get(k), strict, seen)) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deep(a[k], b[k], strict, seen));
}

export function deepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (!deep(actual, expected, false)) fail(message, `Expected values to be loosely deep-equal:\n\n${inspect(actual)}\n\nshould loosely deep-equal\n\n${inspect(expected)}`, actual, expected, "deepEqual");
}
export function deepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (!deep(actual, expected, true)) fail(message, `Expected values to be strictly deep-equal:\n${inspect(actual)}\n\nshould equal\n\n${inspect(expected)}`, actual, expected, "deepStrictEqual");
}
export function notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (deep(actual, expected, true)) fail(message, `Expected "actual" not to be strictly deep-equal to: ${inspect(expected)}`, actual, expected, "notDeepStrictEqual");
}
export function match(text: string, re: RegExp, message?: string | Error): void {
  if (typeof text !== "string" || !re.test(text)) fail(message, `The input did not match the regular expression ${re}. Input:\n\n${inspect(text)}\n`, text, re, "match");
}

function matches(err: any, expected: any): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(err?.message ?? err));
  if (typeof expected === "function") return expected.prototype !== undefined && err instanceof expected ? true : expected.prototype === undefined ? expected(err) === true : false;
  return Object.keys(expected).every((k) => (expected[k] instanceof RegExp ? expected[k].test(err?.[k]) : deep(err?.[k], expected[k], true)));
}
export function throws(fn: () => unknown, expected?: any, message?: string): void {
  try {
    fn();
  } catch (err) {
    if (!matches(err, expected)) fail(message, `The error thrown did not match: ${inspect((err as Error)?.message ?? err)}`);
    return;
  }
  fail(message, "Missing expected exception.");
}
export async function rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: any, message?: string): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    if (!matches(err, expected)) fail(message, `The error thrown did not match: ${inspect((err as Error)?.message ?? err)}`);
    return;
  }
  fail(message, "Missing expected rejection.");
}
export function doesNotThrow(fn: () => unknown, message?: string): void {
  try {
    fn();
  } catch (err) {
    fail(message, `Got unwanted exception: ${(err as Error)?.message ?? err}`);
  }
}

/** `assert(value)` is `assert.ok(value)`; the module is also its own `strict` form. */
const assert = Object.assign((value: unknown, message?: string | Error) => ok(value, message), {
  ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, deepStrictEqual, notDeepStrictEqual, match, throws, rejects, doesNotThrow, AssertionError,
});
export const strict = Object.assign((value: unknown, message?: string | Error) => ok(value, message), assert, {
  equal: strictEqual, deepEqual: deepStrictEqual, notEqual: notStrictEqual,
});
export default assert;
