/**
 * The fast matmul: a blocked product run by the WebAssembly module of
 * gemm-module.ts, in the style of GotoBLAS / BLIS (pack a block of B, pack a
 * block of A, sweep register tiles over them).
 *
 * The wasm instance has its own memory, so each call copies A and B in and C
 * out: O(n^2) copying for O(n^3) arithmetic, which is why kernels.ts only
 * sends shapes here that are big enough to pay for it. Not thread-safe and not
 * re-entrant (one shared instance), which a single-threaded library never is.
 */
import { buildGemmModule, GemmShape } from "./gemm-module";

/**
 * Register tiles (MR x NR) the module is built with, read once on first use.
 * 4x4 (8 f64x2 accumulators) measured best here (x86-64, V8 11.3): 6x4, 4x6,
 * 2x8, 5x4 and unrolling by 2 or 4 were all slower, with more spills. Products
 * with one or two columns (a layer with one or two units) use 4x2 instead, so
 * that they compute half or none of the padding a 4-wide tile would: 1.7x
 * faster for m = 2, ~10% for m = 1 (where packing and copying dominate); 8x2
 * and 6x2 were no better.
 */
export const TILES = {
  wide: { mr: 4, nr: 4, unroll: 1 } as GemmShape,
  narrow: { mr: 4, nr: 2, unroll: 1 } as GemmShape,
};

/**
 * Cache blocking: a KC-deep slice of B, NC columns wide (1 MB), is packed once
 * and reused by every MC-row block of A (128 KB, in L2); the KC x NR panel of B
 * that a row of tiles sweeps (8 KB) stays in L1. MC and NC are rounded up to
 * whole tiles.
 */
export const BLOCK = { kc: 256, mc: 64, nc: 512 };

type Pack = (src: number, rowStride: number, colStride: number, rows: number, kc: number, dst: number) => void;
type GemmBlock = (
  aPack: number, bPack: number, c: number, ldc: number,
  rowPanels: number, colPanels: number, kc: number, accumulate: number,
) => void;

/** One tile's functions, looked up once. */
interface Kernel {
  mr: number;
  nr: number;
  packA: Pack;
  packB: Pack;
  gemmBlock: GemmBlock;
}

interface Engine {
  memory: WebAssembly.Memory;
  wide: Kernel;
  narrow: Kernel;
  compact: (c: number, ldc: number, rows: number, cols: number) => void;
  /** A view of the whole memory; replaced whenever the memory grows. */
  f64: Float64Array;
}

let engine: Engine | null | undefined; // undefined: not tried yet; null: no wasm SIMD here

function load(): Engine | null {
  if (engine !== undefined) return engine;
  engine = null;
  // Only a runtime without WebAssembly SIMD may fail here; the fallback is the plain loops.
  let compiled: WebAssembly.Module;
  try {
    const bytes = buildGemmModule([TILES.wide, TILES.narrow]);
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return engine;
    // Synchronous compile: the module is a few KB, and this keeps the library's API synchronous.
    compiled = new WebAssembly.Module(bytes);
  } catch {
    return engine;
  }
  // (Not named `exports`: in CommonJS output that would shadow the module's own.)
  const wasm = new WebAssembly.Instance(compiled, {}).exports;
  const fn = <T>(name: string) => wasm[name] as unknown as T;
  const kernel = ({ mr, nr }: GemmShape): Kernel => ({
    mr, nr, packA: fn<Pack>(`pack${mr}`), packB: fn<Pack>(`pack${nr}`), gemmBlock: fn<GemmBlock>(`gemm${mr}x${nr}`),
  });
  const memory = wasm.memory as WebAssembly.Memory;
  engine = {
    memory, wide: kernel(TILES.wide), narrow: kernel(TILES.narrow),
    compact: fn("compact"), f64: new Float64Array(memory.buffer),
  };
  return engine;
}

/** True when this runtime can run the wasm kernel (WebAssembly with SIMD). */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;
const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * Grows the memory to at least `bytes`. Only this function grows it, so the
 * view is replaced here and nowhere else (reading `memory.buffer` on every
 * call costs more than a small product).
 */
function reserve(e: Engine, bytes: number): void {
  if (e.f64.byteLength >= bytes) return;
  if (bytes > 0x7fff0000) throw new RangeError(`matmul: operands need ${bytes} bytes, over the 2 GB wasm limit`);
  e.memory.grow(Math.ceil((bytes - e.memory.buffer.byteLength) / 65536));
  e.f64 = new Float64Array(e.memory.buffer);
}

/** Below this many values a plain loop copies faster than `set` (which allocates a view to copy out). */
const LOOP_COPY = 64;

function copyIn(f64: Float64Array, at: number, src: Float64Array): void {
  if (src.length >= LOOP_COPY) f64.set(src, at);
  else for (let i = 0; i < src.length; i++) f64[at + i] = src[i];
}

function copyOut(dst: Float64Array, f64: Float64Array, at: number): void {
  if (dst.length >= LOOP_COPY) dst.set(view(f64, at, dst.length));
  else for (let i = 0; i < dst.length; i++) dst[i] = f64[at + i];
}

/**
 * `f64.subarray(at, at + length)`, reusing the views of recent calls: a training loop asks for
 * the same few every step, and a new view per call would be the loop's only allocation.
 */
const views: Float64Array[] = [];
let viewsOf: Float64Array | null = null;
function view(f64: Float64Array, at: number, length: number): Float64Array {
  if (viewsOf !== f64) {
    views.length = 0; // the memory grew: the old views point at a detached buffer
    viewsOf = f64;
  }
  for (let i = 0; i < views.length; i++) if (views[i].byteOffset === at * 8 && views[i].length === length) return views[i];
  const v = f64.subarray(at, at + length);
  if (views.length >= 16) views.shift();
  views.push(v);
  return v;
}

/**
 * C (n, m) = op(A) @ op(B) with op(A) (n, k), op(B) (k, m); A and B are
 * row-major with `aCols` / `bCols` columns (their own, before any transpose),
 * C row-major with exactly n * m values. Shapes are assumed checked by the
 * caller (kernels.ts). Throws if wasm SIMD is missing.
 */
export function matmulWasm(
  A: Float64Array, aCols: number, transA: boolean,
  B: Float64Array, bCols: number, transB: boolean,
  C: Float64Array, n: number, k: number, m: number,
): void {
  if (n === 0 || m === 0) return;
  if (k === 0) {
    C.fill(0);
    return;
  }
  const e = load();
  if (e === null) throw new Error("matmul: WebAssembly SIMD is not available in this runtime");
  const { mr, nr, packA, packB, gemmBlock } = m <= 2 ? e.narrow : e.wide;
  const KC = BLOCK.kc, MC = roundUp(BLOCK.mc, mr), NC = roundUp(BLOCK.nc, nr);

  // Memory: [A | B | C padded to whole tiles | packed A block | packed B block], byte offsets.
  // The first k-block writes every entry of the padded C, later ones add to it.
  const ldc = roundUp(m, nr) * 8;
  const aOff = 0;
  const bOff = aOff + align(A.length * 8);
  const cOff = bOff + align(B.length * 8);
  const apOff = cOff + align(roundUp(n, mr) * ldc);
  const kcMax = Math.min(KC, k);
  const bpOff = apOff + align(roundUp(Math.min(MC, n), mr) * kcMax * 8);
  reserve(e, bpOff + roundUp(Math.min(NC, m), nr) * kcMax * 8);

  copyIn(e.f64, aOff / 8, A);
  copyIn(e.f64, bOff / 8, B);
  // Byte strides of op(A) along its rows (i) and columns (p), and of op(B)
  // along its columns (j) and rows (p): B is packed as panels of columns.
  const aRow = transA ? 8 : aCols * 8, aCol = transA ? aCols * 8 : 8;
  const bColumn = transB ? bCols * 8 : 8, bRow = transB ? 8 : bCols * 8;
  for (let jc = 0; jc < m; jc += NC) {
    const ncb = Math.min(NC, m - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kcb = Math.min(KC, k - pc);
      packB(bOff + jc * bColumn + pc * bRow, bColumn, bRow, ncb, kcb, bpOff);
      for (let ic = 0; ic < n; ic += MC) {
        const mcb = Math.min(MC, n - ic);
        packA(aOff + ic * aRow + pc * aCol, aRow, aCol, mcb, kcb, apOff);
        gemmBlock(apOff, bpOff, cOff + ic * ldc + jc * 8, ldc, Math.ceil(mcb / mr), Math.ceil(ncb / nr), kcb, pc > 0 ? 1 : 0);
      }
    }
  }
  if (ldc !== m * 8) e.compact(cOff, ldc, n, m);
  copyOut(C, e.f64, cOff / 8);
}
