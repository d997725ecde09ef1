// The "fused" build of the dense layer's passes (src/wasm/fma.ts): each product is the reference's
// sum, in the reference's order, with every multiply-add rounded once. So each entry must lie within
// the rounding bound of the reference's: k + 1 units of 2^-52 of the sum of the |terms|. Everything
// that is not a product (bias order, activations, db) stays bit for bit. test/bench-kernels.test.ts
// checks the "separate" build, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { activations, Matrix, multiplyAdd, RandomState } from "../src/index";
import { addRowReference, matmulReference, sumRowsReference } from "../src/kernels-reference";
import { DenseWorkspace } from "../src/wasm/dense";
import { assertSame, randomMatrix } from "./fixtures/kernel-inputs";

const ROOT = join(__dirname, "..");

/** True when Linux reports FMA in the CPU's flags; null where there is no /proc/cpuinfo. */
function cpuHasFma(): boolean | null {
  if (!existsSync("/proc/cpuinfo")) return null;
  const flags = readFileSync("/proc/cpuinfo", "utf8").match(/^(flags|Features)\s*:(.*)$/m)?.[2] ?? "";
  return /\s(fma|asimd)(\s|$)/.test(flags);
}

function modeIn(env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", 'console.log(require("./src/wasm/fma").multiplyAdd())'], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test("multiply-adds are fused where the CPU fuses them, and separate with SCRATCHNET_FMA=0", () => {
  const fma = cpuHasFma();
  if (fma !== null) assert.equal(multiplyAdd(), fma ? "fused" : "separate", `the CPU's flags say FMA ${fma ? "is" : "is not"} there`);
  else assert.ok(["fused", "separate"].includes(multiplyAdd()));
  assert.equal(modeIn({ SCRATCHNET_FMA: "0" }), "separate");
  assert.equal(modeIn({ SCRATCHNET_FMA: "" }), multiplyAdd());
});

const abs = (m: Matrix) => m.map(Math.abs);

/**
 * got against the reference product `ref` = op(A) @ op(B) (+ bias), whose terms' absolute values sum
 * to `size` entry by entry, over k terms: within (k + 1) 2^-52 size, or the same NaN or infinity.
 */
function assertWithinRounding(got: Matrix, ref: Matrix, size: Matrix, k: number, what: string): number {
  let differ = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const g = got.data[i], r = ref.data[i];
    if (!Number.isFinite(r) || !Number.isFinite(g)) {
      if (!Object.is(g, r)) assert.fail(`${what}[${i}]: got ${g}, expected ${r}`);
      continue;
    }
    const bound = (k + 1) * 2 ** -52 * size.data[i];
    if (!(Math.abs(g - r) <= bound)) assert.fail(`${what}[${i}]: got ${g}, reference ${r}, more than ${bound} apart`);
    if (!Object.is(g, r)) differ++;
  }
  return differ;
}

test(
  "fused: every product of a layer's passes is the reference's to the rounding bound, on every tile remainder; the rest bit for bit",
  { skip: multiplyAdd() !== "fused" && "this machine does not fuse multiply-adds (the separate build is checked in bench-kernels.test.ts)" },
  () => {
    const rng = new RandomState(21);
    let differ = 0;
    for (const name of ["relu", "leakyRelu", "sigmoid", "linear", "softmax"] as const) {
      for (const n of [1, 2, 3, 4, 5, 7, 9, 33]) {
        for (const [nIn, nOut] of [[1, 1], [1, 8], [2, 4], [3, 1], [8, 1], [5, 3], [4, 6], [7, 9], [20, 17], [64, 13]]) {
          const X = randomMatrix(rng, n, nIn, true), W = randomMatrix(rng, nIn, nOut), b = randomMatrix(rng, 1, nOut);
          const where = `${name} (${n}x${nIn}) @ (${nIn}x${nOut})`;
          const ws = DenseWorkspace.create(n, nIn, nOut)!;
          if (!ws.forward(X, W, b, name)) activations[name].forward(ws.Z, ws.A);
          const Zref = addRowReference(matmulReference(X, W, new Matrix(n, nOut)), b);
          const Zsize = addRowReference(matmulReference(abs(X), abs(W), new Matrix(n, nOut)), abs(b));
          differ += assertWithinRounding(ws.Z, Zref, Zsize, nIn + 1, `${where}: Z`);
          assertSame(ws.A.data, activations[name].forward(ws.Z, new Matrix(n, nOut)).data, `${where}: A = f(Z)`);
          if (name === "softmax") continue; // its backward is the caller's (fused with cross-entropy)

          const dA = randomMatrix(rng, n, nOut, true);
          const dW = new Matrix(nIn, nOut), db = new Matrix(1, nOut);
          assert.equal(ws.backward(dA, name, W, dW, db, true), true);
          const dZ = activations[name].backward(ws.Z, ws.A, dA, new Matrix(n, nOut));
          assertSame(ws.dZ.data, dZ.data, `${where}: dZ`);
          assertSame(db.data, sumRowsReference(dZ, new Matrix(1, nOut)).data, `${where}: db`);
          differ += assertWithinRounding(
            dW, matmulReference(X, dZ, new Matrix(nIn, nOut), true, false),
            matmulReference(abs(X), abs(dZ), new Matrix(nIn, nOut), true, false), n, `${where}: dW`,
          );
          differ += assertWithinRounding(
            ws.dX, matmulReference(dZ, W, new Matrix(n, nIn), false, true),
            matmulReference(abs(dZ), abs(W), new Matrix(n, nIn), false, true), nOut, `${where}: dX`,
          );
        }
      }
    }
    // Fused for real: some sums must round differently from multiply-then-add.
    assert.ok(differ > 0, "every product equals the separate reference bit for bit: relaxed_madd is not fusing");
  },
);
