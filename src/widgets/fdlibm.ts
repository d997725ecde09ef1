/**
 * e^x as fdlibm computes it (Sun's e_exp.c, as V8's ieee754::exp ports it, the Math.exp of at
 * least the V8 of Node 20, with its e^1 = Math.E), in plain double arithmetic, so it gives the same bits on every JavaScript engine.
 *
 * Why: browsers' and Node's Math.exp are not the same function. Chromium 156 and Node 20 disagree
 * in the last bit of Math.exp on about 1 argument in 7 (and of Math.log and Math.pow too), so a
 * sigmoid network trained in the page would drift from the same training in Node by a few units
 * in the last place. The browser bundle (scripts/build-widgets.ts) replaces Math.exp in the
 * library's code with this function; test/fdlibm.test.ts checks that it equals Node's Math.exp.
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
