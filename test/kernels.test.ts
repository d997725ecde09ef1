// Kernels: the fast matmul (WebAssembly SIMD) against the plain reference loops, on random
// shapes in all four transpose forms; the dispatch; the error messages; the wasm emitter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import * as ts from "typescript";
import { Matrix } from "../src/matrix";
import { addRowInPlace, matmulInto, matmulKernelFor, sumRowsInto, WASM_MIN_MULTIPLY_ADDS } from "../src/kernels";
import { addRowReference, matmulReference, sumRowsReference } from "../src/kernels-reference";
import { matmulWasm, wasmGemmAvailable } from "../src/wasm/gemm";
import { sleb, uleb } from "../src/wasm/emit";

/** mulberry32: a tiny seeded PRNG, so a failure names a seed that reproduces it. */
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

function randomMatrix(rows: number, cols: number, rand: () => number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rand() * 2 - 1;
  return m;
}

/** Operands for op(a) (n, k) @ op(b) (k, m), stored transposed where asked. */
function operands(n: number, k: number, m: number, transA: boolean, transB: boolean, rand: () => number) {
  return {
    a: transA ? randomMatrix(k, n, rand) : randomMatrix(n, k, rand),
    b: transB ? randomMatrix(m, k, rand) : randomMatrix(k, m, rand),
  };
}

/** The fast kernel, forced, whatever the dispatch would pick. */
function matmulFast(a: Matrix, b: Matrix, out: Matrix, transA: boolean, transB: boolean): Matrix {
  const n = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols, m = transB ? b.rows : b.cols;
  matmulWasm(a.data, a.cols, transA, b.data, b.cols, transB, out.data, n, k, m);
  return out;
}

/** Largest |x - y| / max(1, |y|): relative for big values, absolute near zero. */
function maxRelDiff(x: Matrix, y: Matrix): number {
  let worst = 0;
  for (let i = 0; i < x.data.length; i++) {
    worst = Math.max(worst, Math.abs(x.data[i] - y.data[i]) / Math.max(1, Math.abs(y.data[i])));
  }
  return worst;
}

/** Index of the first element that is not identical (Object.is: NaN equals NaN, 0 differs from -0), or -1. */
function firstDifference(x: Matrix, y: Matrix): number {
  for (let i = 0; i < x.data.length; i++) if (!Object.is(x.data[i], y.data[i])) return i;
  return -1;
}

const FORMS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function checkAgainstReference(n: number, k: number, m: number, seed: number): void {
  for (const [transA, transB] of FORMS) {
    const rand = prng(seed);
    const { a, b } = operands(n, k, m, transA, transB, rand);
    const where = `(${n}, ${k}) @ (${k}, ${m}), transA ${transA}, transB ${transB}, seed ${seed}`;
    const expected = matmulReference(a, b, new Matrix(n, m), transA, transB);
    // Stale values in the output buffers must be overwritten, not added to.
    const fast = matmulFast(a, b, Matrix.filled(n, m, 7), transA, transB);
    const dispatched = matmulInto(a, b, Matrix.filled(n, m, -3), transA, transB);
    assert.ok(maxRelDiff(fast, expected) <= 1e-12, `fast kernel off by ${maxRelDiff(fast, expected)}: ${where}`);
    // Stronger, and by design: same products summed in the same order, no FMA.
    assert.equal(firstDifference(fast, expected), -1, `fast kernel not bit-identical: ${where}`);
    assert.equal(firstDifference(dispatched, expected), -1, `matmulInto not bit-identical: ${where}`);
  }
}

test("this runtime has WebAssembly SIMD, so the fast kernel is really tested", () => {
  assert.equal(wasmGemmAvailable(), true);
});

test("compiled to CommonJS by tsc, as `npm run build` does, the wasm kernel still loads and agrees", () => {
  // tsx (esbuild) and tsc emit different CommonJS; a local named `exports` once hid the kernel only in dist/.
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-kernels-"));
  try {
    for (const file of ["wasm/emit", "wasm/gemm-module", "wasm/gemm"]) {
      const source = readFileSync(join(__dirname, "..", "src", `${file}.ts`), "utf8");
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
      });
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, `${file}.js`), outputText);
    }
    const built = require(join(dir, "wasm", "gemm.js")) as typeof import("../src/wasm/gemm");
    assert.equal(built.wasmGemmAvailable(), true);
    const rand = prng(77);
    const a = randomMatrix(9, 7, rand), b = randomMatrix(7, 5, rand), out = new Matrix(9, 5);
    built.matmulWasm(a.data, 7, false, b.data, 5, false, out.data, 9, 7, 5);
    assert.equal(firstDifference(out, matmulReference(a, b, new Matrix(9, 5))), -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a big product after small ones, then small again (the wasm memory grows, views follow)", () => {
  checkAgainstReference(3, 3, 3, 11);
  checkAgainstReference(150, 160, 170, 12); // 1.2 MB of operands: past the first 64 KB page
  checkAgainstReference(5, 6, 7, 13);
});

test("fast matmul equals the reference on edge shapes: empty, 1-row, 1-column, odd sizes", () => {
  const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9];
  let seed = 1;
  for (const n of sizes) for (const k of sizes) for (const m of sizes) checkAgainstReference(n, k, m, seed++);
});

test("fast matmul equals the reference on random shapes up to 70 per side", () => {
  const rand = prng(2024);
  for (let t = 0; t < 60; t++) {
    const dim = () => 1 + Math.floor(rand() * 70);
    checkAgainstReference(dim(), dim(), dim(), 1000 + t);
  }
});

test("fast matmul equals the reference across cache-block edges (k > 256, n > 64, m > 512)", () => {
  checkAgainstReference(67, 300, 9, 7);
  checkAgainstReference(5, 513, 6, 8);
  checkAgainstReference(3, 10, 515, 9);
  checkAgainstReference(66, 258, 514, 10); // all three at once
});

test("fast matmul equals the reference on the training shapes (forward, dW, dX)", () => {
  const shapes: [number, number, number][] = [
    [300, 2, 4], [300, 4, 8], [300, 8, 1], [2, 300, 4], [4, 300, 8], [8, 300, 1], [300, 4, 2], [300, 8, 4], [300, 1, 8],
    [32, 64, 128], [32, 128, 64], [32, 64, 10], [64, 32, 128], [128, 32, 64], [64, 32, 10], [32, 10, 64],
  ];
  shapes.forEach(([n, k, m], i) => checkAgainstReference(n, k, m, 500 + i));
});

test("property: any shape up to 40, any transpose form, any seed", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }),
      fc.boolean(), fc.boolean(), fc.integer(),
      (n, k, m, transA, transB, seed) => {
        const { a, b } = operands(n, k, m, transA, transB, prng(seed));
        const expected = matmulReference(a, b, new Matrix(n, m), transA, transB);
        return firstDifference(matmulFast(a, b, new Matrix(n, m), transA, transB), expected) === -1;
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test("NaN, infinities and signed zeros come out exactly as in the reference", () => {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e308, -1e-308, 5e-324, 2];
  const rand = prng(99);
  const pick = () => special[Math.floor(rand() * special.length)];
  for (const [transA, transB] of FORMS) {
    const n = 9, k = 6, m = 10;
    const a = transA ? new Matrix(k, n) : new Matrix(n, k);
    const b = transB ? new Matrix(m, k) : new Matrix(k, m);
    for (let i = 0; i < a.data.length; i++) a.data[i] = pick();
    for (let i = 0; i < b.data.length; i++) b.data[i] = pick();
    const expected = matmulReference(a, b, new Matrix(n, m), transA, transB);
    assert.equal(firstDifference(matmulFast(a, b, new Matrix(n, m), transA, transB), expected), -1);
  }
  // -0 stays -0 only where the reference keeps it: 0 + (-0) is +0 in both.
  const z = matmulFast(Matrix.from([[-0]]), Matrix.from([[1]]), new Matrix(1, 1), false, false);
  assert.ok(Object.is(z.data[0], 0));
});

test("matmulInto leaves its inputs unchanged", () => {
  const rand = prng(5);
  const a = randomMatrix(40, 30, rand), b = randomMatrix(30, 20, rand);
  const a0 = a.clone(), b0 = b.clone();
  matmulInto(a, b, new Matrix(40, 20));
  assert.ok(a.equals(a0) && b.equals(b0));
});

test("dispatch: tiny products and lone dot products use the loops, the rest the wasm kernel", () => {
  assert.equal(matmulKernelFor(2, 2, 2), "reference");
  assert.equal(matmulKernelFor(4, 4, 4), "reference");
  assert.equal(matmulKernelFor(1, 1000, 1), "reference");
  assert.equal(matmulKernelFor(2, 1000, 1), "reference");
  assert.equal(matmulKernelFor(WASM_MIN_MULTIPLY_ADDS, 1, 1), "wasm");
  assert.equal(matmulKernelFor(300, 2, 4), "wasm");
  assert.equal(matmulKernelFor(8, 300, 1), "wasm");
  assert.equal(matmulKernelFor(32, 64, 128), "wasm");
});

test("matmulInto's error messages name the shapes", () => {
  assert.throws(() => matmulInto(new Matrix(300, 2), new Matrix(3, 4), new Matrix(300, 4)), {
    name: "RangeError",
    message: "matmul: cannot multiply (300, 2) by (3, 4): inner sizes 2 and 3 differ",
  });
  assert.throws(() => matmulInto(new Matrix(2, 300), new Matrix(3, 4), new Matrix(300, 4), true), {
    message: "matmul: cannot multiply (2, 300)^T by (3, 4): inner sizes 2 and 3 differ",
  });
  assert.throws(() => matmulInto(new Matrix(300, 4), new Matrix(2, 3), new Matrix(300, 2), false, true), {
    message: "matmul: cannot multiply (300, 4) by (2, 3)^T: inner sizes 4 and 3 differ",
  });
  assert.throws(() => matmulInto(new Matrix(2, 3), new Matrix(3, 4), new Matrix(2, 5)), {
    name: "RangeError",
    message: "matmul: the result is (2, 4) but the output buffer is (2, 5)",
  });
  // The reference checks the same way.
  assert.throws(() => matmulReference(new Matrix(2, 3), new Matrix(3, 4), new Matrix(4, 2)), {
    message: "matmul: the result is (2, 4) but the output buffer is (4, 2)",
  });
});

test("addRowInPlace and sumRowsInto: values, and the same results as the references", () => {
  const z = Matrix.from([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(addRowInPlace(z, Matrix.row([10, 20, 30])).toArray(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(sumRowsInto(z, Matrix.filled(1, 3, 99)).toArray(), [[25, 47, 69]]);
  const rand = prng(3);
  const x = randomMatrix(37, 11, rand), bias = randomMatrix(1, 11, rand);
  assert.ok(addRowInPlace(x.clone(), bias).equals(addRowReference(x.clone(), bias)));
  assert.ok(sumRowsInto(x, new Matrix(1, 11)).equals(sumRowsReference(x, new Matrix(1, 11))));
  assert.deepEqual(sumRowsInto(new Matrix(0, 3), Matrix.filled(1, 3, 5)).toArray(), [[0, 0, 0]]);
});

test("addRowInPlace and sumRowsInto error messages", () => {
  assert.throws(() => addRowInPlace(new Matrix(300, 4), new Matrix(1, 3)), {
    name: "RangeError",
    message: "bias: expected a (1, 4) row for (300, 4), got (1, 3)",
  });
  assert.throws(() => addRowInPlace(new Matrix(300, 4), new Matrix(4, 1)), {
    message: "bias: expected a (1, 4) row for (300, 4), got (4, 1)",
  });
  assert.throws(() => sumRowsInto(new Matrix(300, 4), new Matrix(4, 1)), {
    name: "RangeError",
    message: "sum over rows: expected a (1, 4) output, got (4, 1)",
  });
});

test("the emitter's LEB128 encodings match the spec's examples", () => {
  assert.deepEqual(uleb(0), [0x00]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(sleb(0), [0x00]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(-0x80000000), [0x80, 0x80, 0x80, 0x80, 0x78]);
  assert.throws(() => uleb(-1), RangeError);
  assert.throws(() => sleb(0x80000000), RangeError);
});
