/**
 * RandomState: seeded randomness that reproduces NumPy's legacy `np.random` streams (MT19937),
 * so a notebook seeded here prints the numbers the NumPy articles print. No other bit generators.
 */
import { Matrix } from "../core/matrix";
import { correctlyRoundedLog } from "./correctly-rounded-log";

// MT19937 constants (Matsumoto & Nishimura 1998).
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_SEED = 4294967295; // 2**32 - 1, the largest seed np.random.seed accepts
const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/**
 * The complete state of a {@link RandomState}, as plain JSON.
 *
 * Field for field the same as NumPy's `np.random.get_state(legacy=False)`
 * (`state.key`, `state.pos`, `has_gauss`, `gauss`), so a state can be carried between the two.
 */
export interface RandomStateJSON {
  /** Always `"MT19937"`: names the generator so a foreign state is refused, not misread. */
  bitGenerator: "MT19937";
  /** The 624 words of the Mersenne Twister, each an integer in [0, 2**32 - 1]. */
  key: number[];
  /** How many words of `key` have been used since the last twist, 0..624. */
  pos: number;
  /** Whether a second normal value from the last Box-Muller pair is waiting. */
  hasGauss: boolean;
  /** That waiting value (0 when `hasGauss` is false). */
  gauss: number;
}

/** Anything `shuffle` can permute in place: arrays, typed arrays, array-like objects. */
export interface MutableArrayLike<T> {
  length: number;
  [index: number]: T;
}

/**
 * A seeded random number generator that draws exactly NumPy's legacy streams.
 *
 * `new RandomState(s)` gives the same numbers as `np.random.seed(s)` for `random`, `rand`, `randn`,
 * `normal`, `uniform`, `integer` (`np.random.randint(n)`), `shuffle` and `permutation`, bit for bit,
 * with one caveat: the normals take a correctly rounded log where NumPy takes the C library's, so
 * on glibc about 1 normal in 3,000 differs from NumPy's in the last bit (see `correctlyRoundedLog`).
 * The methods that take a size return a number for no size, a `Float64Array` for `(n)` and a
 * `Matrix` for `(rows, cols)`, filled in row-major order as NumPy fills its arrays.
 * @example const rng = new RandomState(0);
 * rng.randn(); // 1.764052345967664, as np.random.seed(0); np.random.randn()
 */
export class RandomState {
  // The MT19937 words; Uint32Array wraps every store to 32 bits, so no masking is needed.
  private readonly key = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gaussValue = 0;

  /**
   * A generator seeded like `np.random.seed(seed)`; seed is an integer in [0, 2**32 - 1].
   * @example const rng = new RandomState(42);
   * rng.rand(); // 0.3745401188473625
   */
  constructor(seed: number) {
    this.seed(seed);
  }

  /**
   * A generator resuming exactly from a state saved by {@link RandomState.getState}.
   * @example const copy = RandomState.fromState(rng.getState());
   * copy.randn() === rng.randn(); // true
   */
  static fromState(state: RandomStateJSON): RandomState {
    const rng = new RandomState(0);
    rng.setState(state);
    return rng;
  }

  /**
   * Re-seeds like `np.random.seed(seed)` (MT19937 `init_genrand`) and drops any cached normal.
   * @example rng.seed(0);
   * rng.rand(); // 0.5488135039273248
   */
  seed(seed: number): void {
    if (typeof seed !== "number") {
      throw new TypeError(`seed must be a number, an integer in [0, 2**32 - 1], got ${describe(seed)}`);
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new RangeError(`seed must be an integer in [0, 2**32 - 1] (0 to ${MAX_SEED}), got ${seed}`);
    }
    // NumPy seeds an integer with init_genrand, not init_by_array.
    const key = this.key;
    let s = seed >>> 0;
    key[0] = s;
    for (let i = 1; i < N; i++) {
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i) >>> 0;
      key[i] = s;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gaussValue = 0;
  }

  /**
   * The full state as a plain object: JSON-serialisable, for checkpoints that resume exactly.
   * @example const saved = JSON.stringify(rng.getState());
   * rng.setState(JSON.parse(saved)); // later: the stream continues where it was saved
   */
  getState(): RandomStateJSON {
    return {
      bitGenerator: "MT19937",
      key: Array.from(this.key),
      pos: this.pos,
      hasGauss: this.hasGauss,
      gauss: this.gaussValue,
    };
  }

  /**
   * Restores a state from {@link RandomState.getState}, or NumPy's `get_state(legacy=False)` with
   * its fields renamed, after checking every field; a refused state leaves the generator as it was.
   * @example const saved = rng.getState(); const a = rng.rand(5);
   * rng.setState(saved); rng.rand(5); // the same five numbers as a
   */
  setState(state: RandomStateJSON): void {
    const what = "RandomState.setState";
    if (state === null || typeof state !== "object") {
      throw new TypeError(`${what} expects an object from getState(), got ${describe(state)}`);
    }
    if (state.bitGenerator !== "MT19937") {
      throw new RangeError(`${what}: bitGenerator must be "MT19937", got ${describe(state.bitGenerator)}`);
    }
    const key: unknown = state.key;
    if (!Array.isArray(key) || key.length !== N) {
      const got = Array.isArray(key) ? `an array of ${key.length}` : describe(key);
      throw new RangeError(`${what}: key must be an array of ${N} integers, got ${got}`);
    }
    for (let i = 0; i < N; i++) {
      const w: unknown = key[i];
      if (typeof w !== "number" || !Number.isInteger(w) || w < 0 || w > MAX_SEED) {
        throw new RangeError(`${what}: key[${i}] must be an integer in [0, 2**32 - 1], got ${describe(w)}`);
      }
    }
    // The twist reads only the top bit of key[0]; if that and every other word are zero, every
    // later twist gives zeros too, so such a key can only come from a damaged file.
    if ((key[0] & UPPER_MASK) === 0 && key.every((w: number, i: number) => i === 0 || w === 0)) {
      throw new RangeError(
        `${what}: key is all zeros (but for the low 31 bits of key[0]), from which MT19937 returns only zeros`,
      );
    }
    const pos: unknown = state.pos;
    if (typeof pos !== "number" || !Number.isInteger(pos) || pos < 0 || pos > N) {
      throw new RangeError(`${what}: pos must be an integer in [0, ${N}], got ${describe(pos)}`);
    }
    if (typeof state.hasGauss !== "boolean") {
      throw new TypeError(`${what}: hasGauss must be true or false, got ${describe(state.hasGauss)}`);
    }
    const gauss: unknown = state.gauss;
    if (typeof gauss !== "number" || !Number.isFinite(gauss)) {
      throw new RangeError(`${what}: gauss must be a finite number, got ${describe(gauss)}`);
    }
    this.key.set(key);
    this.pos = pos;
    this.hasGauss = state.hasGauss;
    this.gaussValue = gauss;
  }

  /**
   * One double in [0, 1) with 53 random bits, NumPy's `random_sample`: (a * 2**26 + b) / 2**53
   * from the top 27 bits a and top 26 bits b of two 32-bit outputs.
   * @example const rng = new RandomState(0);
   * rng.random(); // 0.5488135039273248
   */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_53;
  }

  /**
   * Uniform doubles in [0, 1), like `np.random.rand`: a number, `n` of them, or a rows x cols Matrix.
   * @example const rng = new RandomState(0);
   * rng.rand(3, 4); // the Matrix np.random.seed(0); np.random.rand(3, 4) gives
   */
  rand(): number;
  rand(n: number): Float64Array;
  rand(rows: number, cols: number): Matrix;
  rand(...size: number[]): number | Float64Array | Matrix {
    const out = allocate("rand", size);
    if (out === null) return this.random();
    for (let i = 0; i < out.length; i++) out[i] = this.random();
    return shaped(out, size);
  }

  /**
   * Standard normal values, like `np.random.randn`: a number, `n` of them, or a rows x cols Matrix.
   * NumPy's legacy polar Box-Muller: each accepted pair (x1, x2) yields f*x2 now and caches f*x1.
   * @example const rng = new RandomState(0);
   * rng.randn(2); // Float64Array [1.764052345967664, 0.4001572083672233]
   */
  randn(): number;
  randn(n: number): Float64Array;
  randn(rows: number, cols: number): Matrix;
  randn(...size: number[]): number | Float64Array | Matrix {
    const out = allocate("randn", size);
    if (out === null) return this.gauss();
    for (let i = 0; i < out.length; i++) out[i] = this.gauss();
    return shaped(out, size);
  }

  /**
   * Normal values loc + scale * z with z standard normal, like `np.random.normal(loc, scale, size)`.
   * @example const rng = new RandomState(0);
   * rng.normal(10, 2, 2, 3); // a (2, 3) Matrix with mean 10 and standard deviation 2
   */
  normal(loc?: number, scale?: number): number;
  normal(loc: number, scale: number, n: number): Float64Array;
  normal(loc: number, scale: number, rows: number, cols: number): Matrix;
  normal(loc = 0, scale = 1, ...size: number[]): number | Float64Array | Matrix {
    checkFinite("normal", "loc", loc);
    checkScale("normal", scale);
    const out = allocate("normal", size);
    if (out === null) return loc + scale * this.gauss();
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * this.gauss();
    return shaped(out, size);
  }

  /**
   * Uniform values low + (high - low) * u with u in [0, 1), like `np.random.uniform(low, high, size)`.
   * @example const rng = new RandomState(0);
   * rng.uniform(-1, 1, 2, 2); // a (2, 2) Matrix of values in [-1, 1)
   */
  uniform(low?: number, high?: number): number;
  uniform(low: number, high: number, n: number): Float64Array;
  uniform(low: number, high: number, rows: number, cols: number): Matrix;
  uniform(low = 0, high = 1, ...size: number[]): number | Float64Array | Matrix {
    checkFinite("uniform", "low", low);
    checkFinite("uniform", "high", high);
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(`uniform: high - low overflows (low ${low}, high ${high})`);
    }
    const out = allocate("uniform", size);
    if (out === null) return low + range * this.random();
    for (let i = 0; i < out.length; i++) out[i] = low + range * this.random();
    return shaped(out, size);
  }

  /**
   * Normal values conditioned on lying in [low, high] standard deviations: x is a standard normal
   * truncated to [low, high], the result loc + scale * x. Seeded, but not a NumPy stream.
   *
   * Method: Robert (1995) accept-reject, which stays fast even far out in a tail: a normal proposal
   * when [low, high] holds 0 and is wide, a uniform proposal when it is narrow, an exponential one
   * for a wide interval beyond 0. Infinite bounds are allowed.
   * @example const rng = new RandomState(0);
   * rng.truncatedNormal(-2, 2, 0, 0.1, 3, 3); // a (3, 3) Matrix, every value within 0.2 of 0
   */
  truncatedNormal(low?: number, high?: number, loc?: number, scale?: number): number;
  truncatedNormal(low: number, high: number, loc: number, scale: number, n: number): Float64Array;
  truncatedNormal(low: number, high: number, loc: number, scale: number, rows: number, cols: number): Matrix;
  truncatedNormal(low = -1, high = 1, loc = 0, scale = 1, ...size: number[]): number | Float64Array | Matrix {
    const what = "truncatedNormal";
    if (typeof low !== "number" || Number.isNaN(low) || low === Infinity) {
      throw new RangeError(`${what}: low must be a number below Infinity, got ${describe(low)}`);
    }
    if (typeof high !== "number" || Number.isNaN(high) || high === -Infinity) {
      throw new RangeError(`${what}: high must be a number above -Infinity, got ${describe(high)}`);
    }
    if (!(low < high)) {
      throw new RangeError(`${what}: low must be less than high, got low ${low} and high ${high}`);
    }
    checkFinite(what, "loc", loc);
    checkScale(what, scale);
    const out = allocate(what, size);
    if (out === null) return loc + scale * this.truncatedStandard(low, high);
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * this.truncatedStandard(low, high);
    return shaped(out, size);
  }

  /**
   * A uniform integer in [0, n), without modulo bias: NumPy's masked rejection, so it equals
   * `np.random.randint(n)`. n is an integer in [1, 2**53].
   * @example const rng = new RandomState(0);
   * rng.integer(10); // 5, as np.random.seed(0); np.random.randint(10)
   */
  integer(n: number): number {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > TWO_53) {
      throw new RangeError(`integer: n must be an integer in [1, 2**53], got ${describe(n)}`);
    }
    return this.interval(n - 1);
  }

  /**
   * Shuffles `array` in place (Fisher-Yates, from the end, as `np.random.shuffle`) and returns it.
   * @example const rng = new RandomState(0);
   * rng.shuffle([1, 2, 3, 4, 5]); // [3, 1, 2, 4, 5], as np.random.shuffle after seed 0
   */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    if (array === null || typeof array !== "object" || !isLength(array.length)) {
      throw new TypeError(`shuffle expects an array or typed array, got ${describe(array)}`);
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * The integers 0..n-1 in random order, as `np.random.permutation(n)`.
   * @example const rng = new RandomState(0);
   * rng.permutation(5); // [2, 0, 1, 3, 4], as np.random.permutation(5) after seed 0
   */
  permutation(n: number): number[] {
    if (typeof n !== "number" || !isLength(n)) {
      throw new RangeError(`permutation: n must be a non-negative integer, got ${describe(n)}`);
    }
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** The next 32-bit output of MT19937, tempered. */
  private nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Regenerates all 624 words at once: cheaper than one at a time, and the order NumPy uses. */
  private twist(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    // -(y & 1) & MATRIX_A is MATRIX_A when y is odd and 0 when even, without a branch.
    for (; i < N - M; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  /** One standard normal, NumPy's `legacy_gauss`, including its order of the pair. */
  private gauss(): number {
    if (this.hasGauss) {
      const g = this.gaussValue;
      this.hasGauss = false;
      this.gaussValue = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * correctlyRoundedLog(r2)) / r2);
    this.gaussValue = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** A uniform integer in [0, max] by masked rejection (NumPy's `random_interval`). */
  private interval(max: number): number {
    // NumPy draws nothing when there is only one choice; matching that keeps the streams aligned.
    if (max === 0) return 0;
    if (max <= MAX_SEED) {
      const mask = fillBelow(max);
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > max);
      return v;
    }
    // Above 32 bits NumPy takes a 64-bit draw, high word first; only the high word needs masking.
    const hiMask = fillBelow(Math.floor(max / TWO_32));
    let v: number;
    do {
      const hi = (this.nextUint32() & hiMask) >>> 0;
      v = hi * TWO_32 + this.nextUint32();
    } while (v > max);
    return v;
  }

  /** A standard normal conditioned on [a, b], by Robert's (1995) proposals. */
  private truncatedStandard(a: number, b: number): number {
    if (a <= 0 && b >= 0) {
      // A uniform proposal beats drawing normals until one lands inside only when the interval
      // is narrower than sqrt(2 pi) (Robert 1995, section 2).
      if (b - a < Math.sqrt(2 * Math.PI)) {
        for (;;) {
          const z = a + (b - a) * this.random();
          if (this.random() < Math.exp((-z * z) / 2)) return z;
        }
      }
      for (;;) {
        const z = this.gauss();
        if (z >= a && z <= b) return z;
      }
    }
    // Wholly on one side of 0: work on the positive side and mirror back.
    const flip = b < 0;
    const lo = flip ? -b : a;
    const hi = flip ? -a : b;
    // Written to avoid squaring lo, so that bounds past 1e154 cannot overflow into an endless loop.
    const root = Math.hypot(lo, 2);
    // Robert's break-even width between the two proposals, about 1/lo for large lo
    // (the exponent is (lo^2 - lo*root)/4, since lo - root = -4/(lo + root)).
    const uniformWidth = ((2 * Math.sqrt(Math.E)) / (lo + root)) * Math.exp(-lo / (lo + root));
    let z: number;
    if (hi - lo < uniformWidth) {
      do z = lo + (hi - lo) * this.random();
      while (!(this.random() < Math.exp(((lo - z) * (lo + z)) / 2)));
    } else {
      // Exponential proposal lo + Exp(alpha) with Robert's optimal rate alpha.
      const alpha = (lo + root) / 2;
      for (;;) {
        // 1 - random() is in (0, 1], so the log is finite.
        z = lo - Math.log(1 - this.random()) / alpha;
        const d = z - alpha;
        if (this.random() < Math.exp((-d * d) / 2) && z <= hi) break;
      }
    }
    return flip ? -z : z;
  }
}

/** The smallest all-ones bit mask covering `max`, as an unsigned 32-bit value. */
function fillBelow(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** Checks the trailing size arguments; null means "one number", else a buffer to fill. */
function allocate(what: string, size: number[]): Float64Array | null {
  if (size.length === 0) return null;
  if (size.length > 2) {
    throw new RangeError(`${what}: takes at most two size arguments (rows, cols), got ${size.length}`);
  }
  const names = size.length === 1 ? ["n"] : ["rows", "cols"];
  for (let k = 0; k < size.length; k++) {
    if (typeof size[k] !== "number" || !isLength(size[k])) {
      throw new RangeError(`${what}: ${names[k]} must be a non-negative integer, got ${describe(size[k])}`);
    }
  }
  return new Float64Array(size.length === 1 ? size[0] : size[0] * size[1]);
}

function shaped(out: Float64Array, size: number[]): Float64Array | Matrix {
  return size.length === 1 ? out : new Matrix(size[0], size[1], out);
}

function isLength(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function checkFinite(what: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`${what}: ${name} must be a finite number, got ${describe(v)}`);
  }
}

function checkScale(what: string, scale: number): void {
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale < 0) {
    throw new RangeError(`${what}: scale must be a finite number >= 0, got ${describe(scale)}`);
  }
}

/** A value as an error message shows it: numbers as written, strings quoted, else the type. */
function describe(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === "object" ? `an object (${Object.prototype.toString.call(v).slice(8, -1)})` : typeof v;
}
