/**
 * Exercise checks: compare a learner's function or value with the library's reference on fresh
 * random inputs, and say kindly what was expected, what came back, and a hint.
 */
import { Matrix } from "../core/matrix";
import { RandomState } from "../numerics/random";

/** Thrown by an exercise that has not been written yet (the student edition's TODOs). */
export class NotDoneYet extends Error {
  constructor(what: string) {
    super(`${what} is not done yet: replace the TODO with your code, then run the cell again.`);
    this.name = "NotDoneYet";
  }
}

/**
 * Marks an unfinished exercise: throws NotDoneYet.
 * @example function sigmoid(x: number): number { return todo("sigmoid"); }
 */
export function todo(what = "this exercise"): never {
  throw new NotDoneYet(what);
}

/**
 * Names whose latest `check` passed in this session (this kernel). A later wrong or unfinished
 * answer under the same name takes the pass away again, so `yours` never trusts code that the
 * learner has since broken.
 */
const passed = new Set<string>();
/** Names for which `yours` has already said it is using the library's version (said once each). */
const announced = new Set<string>();

/**
 * The learner's function once `check(name, …)` has passed in this session, else the library's,
 * saying so once. Later cells call exercises through it, so an unfinished or wrong exercise never
 * stops the rest of the notebook, and a finished one is what the article's numbers come from.
 * @example const sigma = yours("sigma", mySigma, sigmoid);
 */
export function yours<F>(name: string, mine: F, library: F): F {
  if (passed.has(name)) return mine;
  if (!announced.has(name)) {
    announced.add(name);
    console.log(`using the library's ${name} until yours passes`);
  }
  return library;
}

/** Whether `check(name, …)` has passed (and not failed since) in this session. */
export function hasPassed(name: string): boolean {
  return passed.has(name);
}

/** Forgets every pass and announcement (tests, or a learner who wants to start over). */
export function resetChecks(): void {
  passed.clear();
  announced.clear();
}

export interface CheckOptions<A extends unknown[]> {
  /** Draws the arguments of one trial (functions only). Default: one number from N(0, 3^2). */
  inputs?: (rng: RandomState, trial: number) => A;
  /** How many random trials (default 5). */
  trials?: number;
  /** Relative tolerance for numbers (default 1e-9). */
  tolerance?: number;
  /** Shown when the answer is wrong. */
  hint?: string;
  /** Seed of the trial inputs (default: a fresh one each call, so answers cannot be memorised). */
  seed?: number;
  /** Where feedback goes (default console.log). */
  print?: (line: string) => void;
}

/**
 * Checks an exercise. With functions, both are called on the same fresh random inputs; with
 * values, they are compared directly. Correct: prints a tick. Not written yet: prints what to do
 * (no error, so the rest of the notebook runs). Wrong: prints what was expected, what came back
 * and the hint, then throws so the cell shows the failure. Returns nothing, so a notebook cell
 * that ends with a check shows only the feedback.
 * @example check("sigmoid", mySigmoid, sigmoid, { hint: "1 / (1 + e^(-x))" });
 */
export function check<A extends unknown[], R>(
  name: string,
  actual: ((...args: A) => R) | R,
  expected: ((...args: A) => R) | R,
  options: CheckOptions<A> = {},
): void {
  const print = options.print ?? ((line: string) => console.log(line));
  const tolerance = options.tolerance ?? 1e-9;
  // Until this call passes, the name counts as not passed (a wrong retry loses an earlier pass).
  passed.delete(name);
  const fail = (message: string): never => {
    const text = `✗ ${name}: ${message}` + (options.hint ? `\n  Hint: ${options.hint}` : "");
    print(text);
    throw new Error(text);
  };
  try {
    if (typeof expected === "function") {
      if (typeof actual !== "function") fail(`expected a function, got ${describe(actual)}`);
      const rng = new RandomState(options.seed ?? Math.floor(Math.random() * 2 ** 32));
      const draw = options.inputs ?? ((r: RandomState) => [3 * r.randn()] as unknown as A);
      const trials = options.trials ?? 5;
      for (let t = 0; t < trials; t++) {
        const args = draw(rng, t);
        const want = (expected as (...a: A) => R)(...args);
        const got = (actual as (...a: A) => R)(...args);
        const problem = difference(got, want, tolerance);
        if (problem) fail(`for input ${args.map(describe).join(", ")} expected ${describe(want)} but got ${describe(got)} (${problem})`);
      }
    } else {
      const got = typeof actual === "function" ? (actual as () => R)() : actual;
      const problem = difference(got, expected, tolerance);
      if (problem) fail(`expected ${describe(expected)} but got ${describe(got)} (${problem})`);
    }
  } catch (e) {
    if (e instanceof NotDoneYet) {
      print(`… ${name}: not done yet. ${e.message}`);
      return;
    }
    if (e instanceof Error && e.message.startsWith(`✗ ${name}:`)) throw e;
    fail(`your code threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  passed.add(name);
  // A pass after a fallback was announced: say once more if the library is used again later.
  announced.delete(name);
  print(`✓ ${name}: correct`);
}

/** Why `got` differs from `want`, or "" when they agree. */
function difference(got: unknown, want: unknown, tol: number): string {
  if (typeof want === "number") {
    if (typeof got !== "number") return `a number was expected, not ${typeof got}`;
    if (Number.isNaN(got)) return "NaN is never right";
    const ok = got === want || Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
    return ok ? "" : `off by ${Math.abs(got - want).toPrecision(3)}`;
  }
  if (want instanceof Matrix) {
    if (!(got instanceof Matrix)) return `a Matrix ${want.shape} was expected`;
    if (got.rows !== want.rows || got.cols !== want.cols) return `shape ${got.shape} instead of ${want.shape}`;
    return difference(Array.from(got.data), Array.from(want.data), tol);
  }
  if (Array.isArray(want) || ArrayBuffer.isView(want)) {
    const w = want as ArrayLike<unknown>;
    if (!(Array.isArray(got) || ArrayBuffer.isView(got))) return `an array of ${w.length} was expected`;
    const g = got as ArrayLike<unknown>;
    if (g.length !== w.length) return `length ${g.length} instead of ${w.length}`;
    for (let i = 0; i < w.length; i++) {
      const d = difference(g[i], w[i], tol);
      if (d) return `at index ${i}: ${d}`;
    }
    return "";
  }
  return JSON.stringify(got) === JSON.stringify(want) ? "" : "the values differ";
}

function describe(v: unknown): string {
  if (v instanceof Matrix) return v.rows * v.cols <= 12 ? JSON.stringify(v.toArray()) : `a Matrix ${v.shape}`;
  if (typeof v === "number") return String(v);
  if (typeof v === "function") return "a function";
  if (ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v as unknown as ArrayLike<number>));
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 120 ? s.slice(0, 117) + "..." : s;
}
