/**
 * A correctly rounded natural logarithm, so that RandomState's normal draws match NumPy's,
 * which take their log from the C library. Used only by `RandomState.randn` and friends.
 */

// A correctly rounded natural log, for the one log in `gauss`. NumPy calls the C library's log;
// V8's Math.log differs from glibc's in the last bit for about 3% of arguments, which would put
// about 1 normal in 30 an ulp off NumPy. glibc's log is correctly rounded on all but about 1 in
// 1,300 arguments, so a correctly rounded log agrees with it as closely as any log can (and
// exactly with any C library whose log is correctly rounded).
// Method: x = 2^e * m, m in [sqrt(1/2), sqrt(2)); m * inv_j = 1 + r with a short inv_j from a
// table of 182; log x = e*ln2 - log(inv_j) + log1p(r) in double-double (error < 2^-76), rounded
// when that is safe (Ziv's test), else recomputed with 256-bit BigInt fixed point (rare: ~1e-6).

const SPLIT = 134217729; // 2**27 + 1: Veltkamp's constant, splits a double into two 26-bit halves
const TABLE_FIRST = 181; // round(256 * sqrt(1/2))
const TABLE_LAST = 362; // round(256 * sqrt(2))
const ZIV_EPS = 2 ** -72; // a bound on the fast path's relative error, with a margin of 16
const PREC = 256n; // bits after the point in the BigInt fallback
const bits64 = new Float64Array(1);
const words = new Uint32Array(bits64.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // 1 on little-endian
let logTables: { inv: Float64Array; hi: Float64Array; lo: Float64Array; ln2Hi: number; ln2Lo: number } | null =
  null;
let ln2Fixed = 0n;

/**
 * x = m * 2^e with m in [sqrt(1/2), sqrt(2)), so ln x = e ln 2 + ln m. Centring m on 1 keeps
 * e ln 2 and ln m from cancelling when x is just below 1.
 */
function splitLog(x: number): [number, number] {
  bits64[0] = x;
  const w = words[HIGH_WORD];
  let e = (w >>> 20) - 1023;
  words[HIGH_WORD] = (w & 0x000fffff) | 0x3ff00000;
  let m = bits64[0];
  if (m >= Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  return [m, e];
}

/** ln(x) correctly rounded, for x a positive normal double (others go to Math.log). */
export function correctlyRoundedLog(x: number): number {
  if (!(x >= 2.2250738585072014e-308 && x < Infinity)) return Math.log(x);
  const t = logTables ?? buildLogTables();
  const [m, e] = splitLog(x);
  const k = Math.round(m * 256) - TABLE_FIRST;
  const inv = t.inv[k];

  // r = m*inv - 1 exactly: inv has 13 bits, so each half of m times inv is exact, and
  // mh*inv - 1 is exact by Sterbenz's lemma (mh*inv is within 0.3% of 1). |r| < 2^-8.4.
  let c = SPLIT * m;
  const mh = c - (c - m);
  const ra = mh * inv - 1;
  const rb = (m - mh) * inv;
  const rh = ra + rb;
  const bv = rh - ra;
  const rl = ra - (rh - bv) + (rb - bv);

  // log1p(r) = r - r^2/2 + r^3/3 - ...: the first three terms in double-double, the rest in double.
  c = SPLIT * rh;
  const rhh = c - (c - rh);
  const rhl = rh - rhh;
  const sq = rh * rh;
  const sqErr = rhh * rhh - sq + 2 * rhh * rhl + rhl * rhl;
  const t2h = -0.5 * sq;
  const t2l = -0.5 * (sqErr + 2 * rh * rl);
  c = SPLIT * sq;
  const sqh = c - (c - sq);
  const sql = sq - sqh;
  const cu = sq * rh;
  const cuLo = sqh * rhh - cu + sqh * rhl + sql * rhh + sql * rhl + sqErr * rh + 3 * sq * rl;
  const t3h = cu / 3;
  c = SPLIT * t3h;
  const qh = c - (c - t3h);
  const p3 = 3 * t3h;
  const p3Err = qh * 3 - p3 + (t3h - qh) * 3;
  const t3l = (cu - p3 - p3Err + cuLo) / 3;
  const t4 =
    sq * sq * (-0.25 + rh * (0.2 + rh * (-1 / 6 + rh * (1 / 7 + rh * (-0.125 + rh * (1 / 9 - rh * 0.1))))));

  // Add the large parts with exact two-sums, gathering every rounding error in lo.
  const a = e * t.ln2Hi; // exact: |e| < 2^11 and ln2Hi has 42 bits
  const b = t.hi[k];
  let s = a + b;
  let v = s - a;
  let lo = a - (s - v) + (b - v);
  let prev = s;
  s = prev + rh;
  v = s - prev;
  lo += prev - (s - v) + (rh - v);
  prev = s;
  s = prev + t2h;
  v = s - prev;
  lo += prev - (s - v) + (t2h - v);
  prev = s;
  s = prev + t3h;
  v = s - prev;
  lo += prev - (s - v) + (t3h - v);
  lo += e * t.ln2Lo + t.lo[k] + rl + t2l + t3l + t4;
  const zh = s + lo;
  v = zh - s;
  const zl = s - (zh - v) + (lo - v);

  // Ziv's test: if the whole error interval rounds to zh, zh is the correctly rounded log.
  const eps = ZIV_EPS * Math.abs(zh);
  if (zh + (zl + eps) === zh && zh + (zl - eps) === zh) return zh;
  return Number(logFixed(x)) * 2 ** -Number(PREC);
}

/** round(ln(x) * 2^PREC) to within a few units, for x a positive normal double. */
function logFixed(x: number): bigint {
  if (ln2Fixed === 0n) ln2Fixed = 2n * atanhFixed((1n << PREC) / 3n); // ln 2 = 2 atanh(1/3)
  const [m, e] = splitLog(x);
  // m is a multiple of 2^-53, so m * 2^53 is an exact integer; ln m = 2 atanh((m - 1)/(m + 1)).
  const mi = BigInt(m * 2 ** 53);
  const one = 1n << 53n;
  const s = ((mi - one) << PREC) / (mi + one);
  return 2n * atanhFixed(s) + BigInt(e) * ln2Fixed;
}

/** atanh(s) = s + s^3/3 + s^5/5 + ..., in fixed point with PREC fraction bits; |s| < 1/2. */
function atanhFixed(s: bigint): bigint {
  // atanh is odd; working on |s| lets the shifts below truncate towards 0 and the loop end.
  if (s < 0n) return -atanhFixed(-s);
  const s2 = (s * s) >> PREC;
  let term = s;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * s2) >> PREC;
  }
  return sum;
}

/** The table for correctlyRoundedLog, built from logFixed on first use (a few milliseconds). */
function buildLogTables(): NonNullable<typeof logTables> {
  const n = TABLE_LAST - TABLE_FIRST + 1;
  const inv = new Float64Array(n);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const scale = 2 ** -Number(PREC);
  for (let k = 0; k < n; k++) {
    // inv_j ~ 256/j, rounded to a multiple of 2^-12 so that products with it stay exact.
    inv[k] = Math.round((4096 * 256) / (TABLE_FIRST + k)) / 4096;
    const minusLog = -logFixed(inv[k]);
    hi[k] = Number(minusLog) * scale;
    lo[k] = Number(minusLog - BigInt(hi[k] * 2 ** Number(PREC))) * scale;
  }
  const shift = PREC - 42n;
  const ln2HiInt = ln2Fixed >> shift;
  const ln2Hi = Number(ln2HiInt) * 2 ** -42;
  const ln2Lo = Number(ln2Fixed - (ln2HiInt << shift)) * scale;
  logTables = { inv, hi, lo, ln2Hi, ln2Lo };
  return logTables;
}
