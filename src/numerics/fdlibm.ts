/**
 * e^x as fdlibm computes it (Sun's e_exp.c, as V8's ieee754::exp ports it, the Math.exp of at
 * least the V8 of Node 20, with its e^1 = Math.E), in plain double arithmetic, so it gives the same bits on every JavaScript engine.
 *
 * Why: browsers' and Node's Math.exp are not the same function. Chromium 156 and Node 20 disagree
 * in the last bit of Math.exp on about 1 argument in 7 (and of Math.log and Math.pow too), so a
 * sigmoid network trained in the page would drift from the same training in Node by a few units
 * in the last place. The browser bundle (scripts/build-widgets.ts) replaces Math.exp and
 * Math.tanh in the library's code with fdlibmExp and fdlibmTanh (below); test/fdlibm.test.ts
 * checks that they equal Node's. Math.pow is not here: Node 20's is not fdlibm's e_pow.c.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the high word's index (1 on little-endian)
const LO = 1 - HI;

const halF = [0.5, -0.5];
const huge = 1.0e300;
const twom1000 = 9.33263618503218878990e-302; // 2^-1000
const oThreshold = 7.09782712893383973096e2;
const uThreshold = -7.45133219101941108420e2;
const ln2HI = [6.93147180369123816490e-1, -6.93147180369123816490e-1];
const ln2LO = [1.90821492927058770002e-10, -1.90821492927058770002e-10];
const invln2 = 1.44269504088896338700;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const two1023 = 8.988465674311579539e307; // 2^1023

/** 2^k for an integer k in [-1022, 1023], built from its bits. */
function twoTo(k: number): number {
  u32[HI] = (0x3ff + k) << 20;
  u32[LO] = 0;
  return f64[0];
}

/** e^x, bit for bit fdlibm's (and V8's ieee754::exp). */
export function fdlibmExp(x: number): number {
  f64[0] = x;
  let hx = u32[HI] >>> 0;
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  let hi = 0, lo = 0, k = 0;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | u32[LO]) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0; // exp(+-inf) = inf, 0
    }
    if (x > oThreshold) return Infinity;
    if (x < uThreshold) return 0;
  }
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2: reduce to r = x - k ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2; V8 returns Math.E for e^1, where fdlibm is one bit off
      if (x === 1) return Math.E;
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(invln2 * x + halF[xsb]);
      const t = k;
      hi = x - t * ln2HI[0]; // exact
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  } else {
    k = 0;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2.0 * two1023;
    return y * twoTo(k);
  }
  return y * twoTo(k + 1000) * twom1000;
}

// --- tanh(x), fdlibm's s_tanh.c on its s_expm1.c (V8's ieee754::tanh and expm1) -------------

const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/** y * 2^k, for the k of expm1's reduction (|k| < 1024 here). */
function scaleBy(y: number, k: number): number {
  return k === 1024 ? y * 2.0 * two1023 : y * twoTo(k);
}

/** e^x - 1, bit for bit fdlibm's. */
export function fdlibmExpm1(x: number): number {
  f64[0] = x;
  let hx = u32[HI] >>> 0;
  const xsb = hx & 0x80000000;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | u32[LO]) !== 0) return x + x;
        return xsb === 0 ? x : -1;
      }
      if (x > oThreshold) return Infinity;
    }
    if (xsb !== 0) return -1; // x < -56 ln2
  }
  let hi: number, lo: number, k: number, c = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) {
      if (xsb === 0) {
        hi = x - ln2HI[0];
        lo = ln2LO[0];
        k = 1;
      } else {
        hi = x + ln2HI[0];
        lo = -ln2LO[0];
        k = -1;
      }
    } else {
      k = Math.trunc(invln2 * x + (xsb === 0 ? 0.5 : -0.5));
      const t = k;
      hi = x - t * ln2HI[0];
      lo = t * ln2LO[0];
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x; // |x| < 2^-54
  } else {
    k = 0;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1 + 2.0 * (x - e);
  if (k <= -2 || k > 56) return scaleBy(1 - (e - x), k) - 1;
  let y: number;
  if (k < 20) {
    t = fromHiWord(0x3ff00000 - (0x200000 >> k)); // 1 - 2^-k
    y = t - (e - x);
  } else {
    t = fromHiWord((0x3ff - k) << 20); // 2^-k
    y = x - (e + t);
    y += 1;
  }
  return scaleBy(y, k);
}

function fromHiWord(hi: number): number {
  u32[HI] = hi;
  u32[LO] = 0;
  return f64[0];
}

/** tanh(x), bit for bit fdlibm's. */
export function fdlibmTanh(x: number): number {
  f64[0] = x;
  const jx = u32[HI] | 0;
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1; // +-inf, NaN
  let z: number;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    if (ix >= 0x3ff00000) {
      // |x| >= 1
      const t = fdlibmExpm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = fdlibmExpm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1; // |x| >= 22
  }
  return jx >= 0 ? z : -z;
}
