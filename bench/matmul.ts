/**
 * Matmul benchmark: the reference backend's plain loops against the WebAssembly backend's kernel,
 * with operands in the backend's own memory (kernelMatrix, as the layers keep theirs) or plain.
 *
 *   node --import tsx bench/matmul.ts            # everything (~1 min; the reference at 1024 is slow)
 *   node --import tsx bench/matmul.ts --quick    # skips n = 1024
 *   node --import tsx bench/matmul.ts --wall     # per-call tables in wall-clock time
 *
 * Square products in GFLOPS (2 n^3 flops per product), then the products of the
 * training workloads in ns per call. Every figure is the median of several
 * timed runs after a warm-up (which also lets V8 tier the wasm code up to
 * TurboFan). The clock is the process's CPU time unless --wall: on a quiet
 * machine the two agree, on a shared one the wall clock also counts the time
 * other processes held the core. The square products show both.
 */
import * as os from "os";
import { Matrix } from "../src/core/matrix";
import { getBackend, kernelMatrix, matmulInto, setBackend } from "../src/kernels";
import { matmulReference } from "../src/kernels/reference";
import { WASM_MIN_MULTIPLY_ADDS } from "../src/kernels/wasm";

const quick = process.argv.includes("--quick");
const clock: "wall" | "cpu" = process.argv.includes("--wall") ? "wall" : "cpu";

/** mulberry32: seeded, so every run multiplies the same numbers. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(1);

function randomMatrix(rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rand() * 2 - 1;
  return m;
}

type Kernel = (a: Matrix, b: Matrix, out: Matrix, transA: boolean, transB: boolean) => unknown;

const reference: Kernel = matmulReference;
/** The WebAssembly backend on copies of the operands in its memory: what a layer's products are. */
const inMemory = new Map<Matrix, Matrix>();
const wasmBackend = setBackend("wasm");
const own = (m: Matrix) => inMemory.get(m) ?? inMemory.set(m, kernelMatrix(m.rows, m.cols).copyFrom(m)).get(m)!;
const wasm: Kernel = (a, b, out, transA, transB) => wasmBackend.matmul(own(a), own(b), own(out), transA, transB);
/** The WebAssembly backend on plain matrices: copied into its memory and back on every call. */
const dispatched: Kernel = matmulInto;

interface Timing {
  /** Median wall-clock ns per call. */
  wall: number;
  /** Median process-CPU ns per call. */
  cpu: number;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/**
 * Times `f`: a warm-up of at least `warmMs`, then `samples` runs of enough
 * calls to last `sampleMs` each; medians per call.
 */
function time(f: () => void, { samples = 7, sampleMs = 100, warmMs = 200 } = {}): Timing {
  let calls = 1;
  const warmEnd = performance.now() + warmMs;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    const dt = performance.now() - t0;
    if (dt >= sampleMs || (performance.now() >= warmEnd && dt * 2 > sampleMs)) break;
    calls = dt < sampleMs / 16 ? calls * 4 : calls * 2;
  }
  const wall: number[] = [], cpu: number[] = [];
  for (let s = 0; s < samples; s++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    const t1 = performance.now(), c = process.cpuUsage(c0);
    wall.push(((t1 - t0) * 1e6) / calls);
    cpu.push(((c.user + c.system) * 1e3) / calls);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function operands(n: number, k: number, m: number, transA: boolean, transB: boolean) {
  return {
    a: transA ? randomMatrix(k, n) : randomMatrix(n, k),
    b: transB ? randomMatrix(m, k) : randomMatrix(k, m),
    out: new Matrix(n, m),
  };
}

const pad = (s: string | number, w: number) => String(s).padStart(w);
const padEnd = (s: string | number, w: number) => String(s).padEnd(w);
const form = (transA: boolean, transB: boolean) => `${transA ? "A^T" : "A"} @ ${transB ? "B^T" : "B"}`;

console.log(
  `scratchnet matmul benchmark: Node ${process.version}, V8 ${process.versions.v8}, ${os.arch()}, ` +
    `${os.cpus()[0]?.model ?? "unknown CPU"}, one thread`,
);
console.log(
  `backend: ${getBackend().name}; ${os.cpus().length} cores, ` +
    `load average at start: ${os.loadavg()[0].toFixed(2)}`,
);

// --- Square products -------------------------------------------------------
console.log("\nSquare products, float64: GFLOPS = 2 n^3 / time, by process CPU time [and by wall clock]");
console.log(`${padEnd("n", 6)}${padEnd("form", 10)}${pad("reference", 20)}${pad("fast (wasm)", 20)}${pad("speedup", 9)}`);
const squares: [number, boolean, boolean][] = [
  [64, false, false], [64, true, false], [64, false, true],
  [256, false, false], [256, true, false], [256, false, true],
];
if (!quick) squares.push([1024, false, false], [1024, false, true]);
for (const [n, transA, transB] of squares) {
  const { a, b, out } = operands(n, n, n, transA, transB);
  const flops = 2 * n ** 3;
  const slow = n >= 1024 ? { samples: 3, sampleMs: 1, warmMs: 1 } : { samples: 5 };
  const ref = time(() => reference(a, b, out, transA, transB), slow);
  const fast = time(() => wasm(a, b, out, transA, transB), n >= 1024 ? { samples: 5, sampleMs: 500 } : {});
  const gf = (t: Timing) => `${(flops / t.cpu).toFixed(2)} [${(flops / t.wall).toFixed(2)}]`;
  console.log(
    `${padEnd(n, 6)}${padEnd(form(transA, transB), 10)}${pad(gf(ref), 20)}${pad(gf(fast), 20)}` +
      `${pad((ref.cpu / fast.cpu).toFixed(1) + "x", 9)}`,
  );
}

// --- Training shapes -------------------------------------------------------
// Per layer (nIn -> nOut) on a batch: Z = X @ W, dW = X^T @ dZ, dX = dZ @ W^T.
interface Workload {
  name: string;
  sizes: number[];
  batch: number;
}
const workloads: Workload[] = [
  { name: "[2,4,8,1], full batch of 300 rows", sizes: [2, 4, 8, 1], batch: 300 },
  { name: "[64,128,64,10], batch 32", sizes: [64, 128, 64, 10], batch: 32 },
  { name: "[2,4,8,1], full batch of 10,000 rows", sizes: [2, 4, 8, 1], batch: 10000 },
];

console.log(`\nTraining shapes: ns per call (${clock} time); wasm: operands in its memory; matmulInto: plain operands, copied`);
for (const w of workloads) {
  console.log(`\n${w.name}`);
  console.log(
    `${padEnd("product", 26)}${padEnd("use", 14)}${pad("reference", 12)}${pad("wasm", 12)}` +
      `${pad("matmulInto", 12)}${pad("speedup", 9)}`,
  );
  let totalRef = 0, totalFast = 0;
  for (let l = 0; l + 1 < w.sizes.length; l++) {
    const nIn = w.sizes[l], nOut = w.sizes[l + 1], B = w.batch;
    const uses: [string, number, number, number, boolean, boolean][] = [
      ["Z = X W", B, nIn, nOut, false, false],
      ["dW = X^T dZ", nIn, B, nOut, true, false],
      ["dX = dZ W^T", B, nOut, nIn, false, true],
    ];
    for (const [use, n, k, m, transA, transB] of uses) {
      const { a, b, out } = operands(n, k, m, transA, transB);
      const opts = { samples: 7, sampleMs: 30, warmMs: 100 };
      const ref = time(() => reference(a, b, out, transA, transB), opts)[clock];
      const fast = time(() => wasm(a, b, out, transA, transB), opts)[clock];
      const chosen = time(() => dispatched(a, b, out, transA, transB), opts)[clock];
      totalRef += ref;
      totalFast += fast;
      const shape = `(${transA ? `${k}x${n})^T` : `${n}x${k})`} @ (${transB ? `${m}x${k})^T` : `${k}x${m})`}`;
      console.log(
        `${padEnd(shape, 26)}${padEnd(use, 14)}${pad(ref.toFixed(0), 12)}${pad(fast.toFixed(0), 12)}` +
          `${pad(chosen.toFixed(0), 12)}${pad((ref / fast).toFixed(1) + "x", 9)}`,
      );
    }
  }
  console.log(
    `${padEnd("all of one training step", 40)}${pad(totalRef.toFixed(0), 12)}${pad("", 12)}` +
      `${pad(totalFast.toFixed(0), 12)}${pad((totalRef / totalFast).toFixed(1) + "x", 9)}`,
  );
}

// --- Tiny products: where the dispatch keeps the plain loops ----------------
console.log(`\nTiny products: ns per call (${clock} time); the wasm backend keeps the loops below ${WASM_MIN_MULTIPLY_ADDS} multiply-adds`);
console.log(`${padEnd("(n, k, m)", 16)}${pad("reference", 12)}${pad("wasm", 12)}${pad("matmulInto", 12)}`);
for (const [n, k, m] of [[1, 1, 1], [2, 2, 2], [4, 4, 4], [4, 8, 4], [6, 6, 6], [8, 8, 8], [1, 300, 1], [300, 1, 1]]) {
  const { a, b, out } = operands(n, k, m, false, false);
  const opts = { samples: 7, sampleMs: 20, warmMs: 50 };
  const ref = time(() => reference(a, b, out, false, false), opts)[clock];
  const fast = time(() => wasm(a, b, out, false, false), opts)[clock];
  const chosen = time(() => dispatched(a, b, out, false, false), opts)[clock];
  console.log(
    `${padEnd(`(${n}, ${k}, ${m})`, 16)}${pad(ref.toFixed(0), 12)}${pad(fast.toFixed(0), 12)}` +
      `${pad(chosen.toFixed(0), 12)}`,
  );
}
console.log(`\nload average at end: ${os.loadavg()[0].toFixed(2)}`);
