/**
 * sin and cos as fdlibm computes them (Sun's s_sin.c, s_cos.c, k_sin.c, k_cos.c and the
 * medium-size argument reduction of e_rem_pio2.c, as V8's ieee754::sin and ::cos port them: the
 * Math.sin and Math.cos of Node 20's V8), in plain double arithmetic.
 *
 * Why: newer Chromium computes Math.sin and Math.cos with another library, which differs from
 * Node 20's in the last bit on about 1 argument in 30. The playground's sin and cos input
 * features go through them, so the browser bundle (scripts/build-widgets.ts) swaps these in and
 * the page's training stays Node's, bit for bit; test/fdlibm.test.ts checks them against Node.
 * Arguments beyond 2^19 pi/2 (about 823550) need fdlibm's long reduction, which is not ported:
 * there the engine's own Math.sin and Math.cos answer (nothing in the course goes there).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the high word's index (1 on little-endian)
const LO = 1 - HI;
// The engine's own, for huge arguments (through an alias: the bundle rewrites every `Math.sin` to fdlibmSin).
const engine = Math;
const engineSin = (x: number) => engine.sin(x);
const engineCos = (x: number) => engine.cos(x);

function highWord(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}

const S1 = -1.66666666666666324348e-01;
const S2 = 8.33333333332248946124e-03;
const S3 = -1.98412698298579493134e-04;
const S4 = 2.75573137070700676789e-06;
const S5 = -2.50507602534068634195e-08;
const S6 = 1.58969099521155010221e-10;

/** sin(x + y) for |x| <= pi/4, y the tail of x (iy 0: y is 0). */
function kernelSin(x: number, y: number, iy: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

const C1 = 4.16666666666666019037e-02;
const C2 = -1.38888888888741095749e-03;
const C3 = 2.48015872894767294178e-05;
const C4 = -2.75573143513906633035e-07;
const C5 = 2.08757232129817482790e-09;
const C6 = -1.13596475577881948265e-11;

/** cos(x + y) for |x| <= pi/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  let qx: number;
  if (ix > 0x3fe90000) qx = 0.28125; // |x| > 0.78125
  else {
    u32[HI] = ix - 0x00200000; // |x| / 4, its low word cleared
    u32[LO] = 0;
    qx = f64[0];
  }
  const iz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (iz - (z * r - x * y));
}

const invpio2 = 6.36619772367581382433e-01;
const pio2_1 = 1.57079632673412561417e+00;
const pio2_1t = 6.07710050650619224932e-11;
const pio2_2 = 6.07710050630396597660e-11;
const pio2_2t = 2.02226624879595063154e-21;
const pio2_3 = 2.02226624871116645580e-21;
const pio2_3t = 8.47842766036889956997e-32;
/** High words of n pi/2 for n = 1..32: where the quick reduction may cancel. */
const npio2hw = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb,
  0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c,
  0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];

/**
 * x = n pi/2 + (y0 + y1) with |y0 + y1| <= pi/4, for pi/4 < |x| <= 2^19 pi/2; returns n and writes
 * y0, y1 into `y`. pi/2 is used in pieces of 33 bits so that n pi/2 is exact enough.
 */
function remPio2(x: number, y: number[]): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) { // |x| < 3pi/4: n = ±1
    const s = hx > 0 ? 1 : -1;
    let z = x - s * pio2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z - s * pio2_1t;
      y[1] = (z - y[0]) - s * pio2_1t;
    } else { // near pi/2: one more piece
      z -= s * pio2_2;
      y[0] = z - s * pio2_2t;
      y[1] = (z - y[0]) - s * pio2_2t;
    }
    return s;
  }
  const t0 = Math.abs(x);
  const n = Math.trunc(t0 * invpio2 + 0.5);
  const fn = n;
  let r = t0 - fn * pio2_1;
  let w = fn * pio2_1t; // good to 85 bits
  if (n < 32 && ix !== npio2hw[n - 1]) {
    y[0] = r - w;
  } else {
    const j = ix >> 20;
    y[0] = r - w;
    let i = j - ((highWord(y[0]) >> 20) & 0x7ff);
    if (i > 16) { // a second piece of pi/2, good to 118 bits
      let t = r;
      w = fn * pio2_2;
      r = t - w;
      w = fn * pio2_2t - ((t - r) - w);
      y[0] = r - w;
      i = j - ((highWord(y[0]) >> 20) & 0x7ff);
      if (i > 49) { // a third, 151 bits
        t = r;
        w = fn * pio2_3;
        r = t - w;
        w = fn * pio2_3t - ((t - r) - w);
        y[0] = r - w;
      }
    }
  }
  y[1] = (r - y[0]) - w;
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

const reduced = [0, 0];

/** sin x, bit for bit V8's ieee754::sin (Node 20's Math.sin) for |x| <= 2^19 pi/2. */
export function fdlibmSin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0); // |x| <= pi/4
  if (ix >= 0x7ff00000) return x - x; // NaN or infinite
  if (ix > 0x413921fb) return engineSin(x);
  const n = remPio2(x, reduced);
  const [a, b] = reduced;
  switch (n & 3) {
    case 0: return kernelSin(a, b, 1);
    case 1: return kernelCos(a, b);
    case 2: return -kernelSin(a, b, 1);
    default: return -kernelCos(a, b);
  }
}

/** cos x, bit for bit V8's ieee754::cos (Node 20's Math.cos) for |x| <= 2^19 pi/2. */
export function fdlibmCos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  if (ix > 0x413921fb) return engineCos(x);
  const n = remPio2(x, reduced);
  const [a, b] = reduced;
  switch (n & 3) {
    case 0: return kernelCos(a, b);
    case 1: return -kernelSin(a, b, 1);
    case 2: return -kernelCos(a, b);
    default: return kernelSin(a, b, 1);
  }
}
