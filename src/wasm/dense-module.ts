/**
 * The bytes of the WebAssembly module behind a dense layer's forward and backward passes,
 * written with emit.ts. Where gemm-module.ts serves big products (packed blocks, sized for
 * caches), this one serves the small and skinny products of a layer, whose operands are
 * already in the module's memory (dense.ts keeps each layer's buffers there): no copies in
 * or out, at most a 4-row panel of A packed, and the bias and activation applied while the
 * product is still in registers. It uses the same 4x4 register tile as gemm-module.ts.
 *
 * Exports (pointers and strides in bytes; sizes in elements):
 * - `forward(...)` and `backward(...)`: a layer's whole pass in one call from JavaScript, made of
 *   the functions below (see layerForwardFunction and layerBackwardFunction).
 * - `gemmForward`, `gemmStrided`, `gemmAdjacent` `(a, aRow, aCol, b, ldb, c, ldc, n, k, m, bias, act, out, panel)`:
 *   C (n, m) = op(A) @ B, with op(A)[i][p] at a + i * aRow + p * aCol (so the same code does
 *   X @ W and X^T @ dZ) and B[p][j] at b + p * ldb + 8 j, stored at c (row stride ldc). Only
 *   gemmForward then adds the bias (a row of m values, if bias is not 0) before the store, and
 *   stores the activation of C at out (same stride) if act is RELU or LEAKY_RELU. gemmAdjacent
 *   needs aRow = 8. `panel` is scratch for 4 k values. (Three functions, not one with branches:
 *   each is smaller, so the engine's optimizing compiler takes it up sooner.)
 * - `gemmColumn(a, aRow, b, c, out, n, k, bias, act)`: the same for a single column of C (a
 *   layer of one unit), with A row-major: rows go in the vector lanes instead of columns.
 * - `outer(a, b, c, n, m)`: C (n, m) = a (n, 1) @ b (1, m), gemm for k = 1 (dX of a layer of one
 *   unit), each entry 0 + a[i] b[j] as there.
 * - `reluBackward(dA, z, dZ, len)`, `leakyReluBackward(dA, z, dZ, len)`: dZ = dA * f'(Z);
 *   `sigmoidBackward(dA, a, dZ, len)`: dZ = dA * a * (1 - a), from the activation a. Each
 *   value is read before it is written, so dZ may be dA (in place).
 * - `sumRows(x, n, m, out)`: out (m) = the column sums of x (n, m), rows added in order.
 * - `transpose(x, n, m, out)`: out (m, n) = x (n, m)^T.
 * - `mseSigmoidGradient(y, a, dZ, len)`: dZ = (2 / len) (a - y) * a (1 - a), a sigmoid output layer's
 *   dZ under mse (in place when y is dZ).
 * - `sgd(p, g, len, lr)`: p -= lr * g, as optimizers.ts computes it.
 * - `sigmoid(z, a, len)`: a = 1 / (1 + e^-z), with e^x computed as V8's Math.exp computes it
 *   (see `expInline`), so bit for bit the same as the loop in activations.ts. Returns how
 *   many values it left out (|z| >= 708, or NaN), for the caller to redo with Math.exp.
 * - `softmax(z, a, rows, cols)`: each row of a = e^(z - max) / their sum, as activations.ts
 *   computes it (the same max, e^x, sum in order and division); returns how many e^x it left out.
 *
 * Each C entry is 0, plus its k products in order p = 0..k-1, then plus the bias: exactly
 * the additions of kernels-reference.ts (matmul, then addRow), so the results are bit for bit
 * the same (the remaining kernels, elementwise, compute each value with the same operations
 * in the same order as the plain loops). Built `fused` (fma.ts), each of those steps is one
 * fused multiply-add, rounded once instead of twice: the same sums to within a few units in
 * the last place, no longer bit for bit. ReLU's `z > 0 ? z : 0` is a pseudo-max (forward) or
 * a mask (backward), which give the same +0 for z <= 0, -0 and NaN. Every loop is written
 * once, in TypeScript, and emitted for each tile shape and layout it needs (see `tile`).
 */
import { LEAKY_RELU_SLOPE } from "../activations";
import { FunctionBody, ModuleBuilder, ValType } from "./emit";

const { i32, v128 } = ValType;

/**
 * The `act` argument of `gemm` (none, relu, leakyRelu) and of `forward` and `backward`, which
 * also take sigmoid and linear (A = Z; dZ = dA); `forward` takes softmax too (its backward, a
 * Jacobian product, is JavaScript's; with cross-entropy it is fused and comes in as dZ).
 */
export const ACT = { none: 0, relu: 1, leakyRelu: 2, sigmoid: 3, linear: 4, softmax: 5 } as const;

/**
 * The `act` of `backward` for a sigmoid output layer under mse (article 002's pair): dA is then
 * the targets y, and dZ = (2 / N) (A - y) * A (1 - A) (see `mseSigmoidGradient`).
 */
export const MSE_SIGMOID_OUTPUT = 6;

/** Rows of C per tile, largest first: full tiles, then the 2- and 1-row remainders. */
const TILE_ROWS = [4, 2, 1] as const;
/** Columns of C per tile, largest first: two f64x2 vectors, one, then a lone column (half a vector). */
const TILE_COLS = [4, 2, 1] as const;

/**
 * The module's bytes. `fused`: the products' multiply-adds are relaxed SIMD's f64x2.relaxed_madd
 * (one rounding where the CPU fuses them; see fma.ts), else f64x2.mul then f64x2.add, bit for
 * bit the reference.
 */
export function buildDenseModule(fused = false): ArrayBuffer {
  const mod = new ModuleBuilder(1);
  const fn = {
    gemmForward: gemmFunction(mod, "forward", fused),
    gemmStrided: gemmFunction(mod, "strided", fused),
    gemmAdjacent: gemmFunction(mod, "adjacent", fused),
    gemmColumn: gemmColumnFunction(mod, fused),
    outer: outerFunction(mod),
    reluBackward: activationBackwardFunction(mod, "reluBackward", false),
    leakyReluBackward: activationBackwardFunction(mod, "leakyReluBackward", true),
    sigmoidBackward: sigmoidBackwardFunction(mod, "sigmoidBackward", false),
    sumRows: sumRowsFunction(mod),
    transpose: transposeFunction(mod),
    sigmoid: sigmoidFunction(mod),
    softmax: softmaxFunction(mod),
    mseSigmoidGradient: sigmoidBackwardFunction(mod, "mseSigmoidGradient", true),
  };
  sgdFunction(mod);
  layerForwardFunction(mod, fn);
  layerBackwardFunction(mod, fn);
  return mod.encode();
}

type Functions = Record<
  "gemmForward" | "gemmStrided" | "gemmAdjacent" | "gemmColumn" | "outer" | "reluBackward" | "leakyReluBackward" | "sigmoidBackward" | "sumRows" | "transpose" | "sigmoid" | "softmax" | "mseSigmoidGradient",
  number
>;

/**
 * forward(x, ldx, w, b, z, a, n, nIn, nOut, act, panel) -> left out: a layer's whole forward pass
 * in one call from JavaScript (each call costs more than the work of a small layer):
 *   Z (n, nOut) = X (n, nIn) @ W (nIn, nOut) + b   (b may be 0: no bias)
 *   A = f(Z) for act = relu or leakyRelu (applied in the product's registers), sigmoid or softmax
 *   (over Z, after it), linear (a copy of Z), or none (the caller applies f).
 * Returns sigmoid's or softmax's count of values left out (else 0). X's rows are ldx bytes apart.
 */
function layerForwardFunction(mod: ModuleBuilder, fn: Functions): void {
  const f = mod.func([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], [i32], "forward").body;
  const [x, ldx, w, b, z, a, n, nIn, nOut, act, panel] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const fused = f.local(i32); // relu or leakyRelu, which gemm applies; else none
  f.get(act).i32Const(ACT.none).get(act).i32Const(ACT.leakyRelu).i32LeS().select().set(fused);
  f.get(nOut).i32Const(1).i32Eq().if(
    () => f.get(x).get(ldx).get(w).get(z).get(a).get(n).get(nIn).get(b).get(fused).call(fn.gemmColumn),
    () => {
      f.get(x).get(ldx).i32Const(8).get(w).get(nOut).i32Const(3).i32Shl().get(z).get(nOut).i32Const(3).i32Shl();
      f.get(n).get(nIn).get(nOut).get(b).get(fused).get(a).get(panel).call(fn.gemmForward);
    },
  );
  f.get(act).i32Const(ACT.linear).i32Eq().if(() => f.get(a).get(z).get(n).get(nOut).i32Mul().i32Const(3).i32Shl().memoryCopy());
  f.get(act).i32Const(ACT.sigmoid).i32Eq().if(() => {
    f.get(z).get(a).get(n).get(nOut).i32Mul().call(fn.sigmoid).return();
  });
  f.get(act).i32Const(ACT.softmax).i32Eq().if(() => {
    f.get(z).get(a).get(n).get(nOut).call(fn.softmax).return();
  });
  f.i32Const(0);
}

/**
 * backward(act, dA, z, a, dZ, x, w, wT, dW, db, dX, n, nIn, nOut, needDX, panel): a layer's whole
 * backward pass in one call from JavaScript:
 *   dZ = dA * f'(Z)   for act = relu, leakyRelu or sigmoid; for none, dZ is already in place;
 *                     for MSE_SIGMOID_OUTPUT, dA holds the targets y and dZ = (2 / N) (A - y) * A (1 - A)
 *   dW = X^T @ dZ   (nIn, nOut)
 *   db = the column sums of dZ   (nOut), when db is not 0
 *   dX = dZ @ W^T   (n, nIn), when needDX is not 0
 * X (n, nIn) is row-major; wT is scratch of nIn * nOut values.
 */
function layerBackwardFunction(mod: ModuleBuilder, fn: Functions): void {
  const f = mod.func([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], [], "backward").body;
  const [act, dA, z, a, dZ, x, w, wT, dW, db, dX, n, nIn, nOut, needDX, panel] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const len = f.local(i32);
  f.get(n).get(nOut).i32Mul().set(len);
  f.get(act).i32Const(ACT.relu).i32Eq().if(() => f.get(dA).get(z).get(dZ).get(len).call(fn.reluBackward));
  f.get(act).i32Const(ACT.leakyRelu).i32Eq().if(() => f.get(dA).get(z).get(dZ).get(len).call(fn.leakyReluBackward));
  f.get(act).i32Const(ACT.sigmoid).i32Eq().if(() => f.get(dA).get(a).get(dZ).get(len).call(fn.sigmoidBackward));
  f.get(act).i32Const(MSE_SIGMOID_OUTPUT).i32Eq().if(() => f.get(dA).get(a).get(dZ).get(len).call(fn.mseSigmoidGradient));
  // dW = X^T dZ: row i of X^T is column i of X, so its elements are 8 bytes apart and its steps nIn * 8.
  // A layer of one to three units would fill only part of each vector: then dW^T = dZ^T X
  // (nOut, nIn) instead, the same products added in the same order, transposed into dW.
  f.get(nOut).i32Const(4).i32GeS().get(nIn).get(nOut).i32LeS().i32Or().if(
    () => {
      f.get(x).i32Const(8).get(nIn).i32Const(3).i32Shl().get(dZ).get(nOut).i32Const(3).i32Shl().get(dW).get(nOut).i32Const(3).i32Shl();
      f.get(nIn).get(n).get(nOut).i32Const(0).i32Const(ACT.none).i32Const(0).get(panel).call(fn.gemmAdjacent);
    },
    () => {
      f.get(dZ).i32Const(8).get(nOut).i32Const(3).i32Shl().get(x).get(nIn).i32Const(3).i32Shl().get(wT).get(nIn).i32Const(3).i32Shl();
      f.get(nOut).get(n).get(nIn).i32Const(0).i32Const(ACT.none).i32Const(0).get(panel).call(fn.gemmAdjacent);
      f.get(wT).get(nOut).get(nIn).get(dW).call(fn.transpose);
    },
  );
  f.get(db).if(() => f.get(dZ).get(n).get(nOut).get(db).call(fn.sumRows));
  f.get(needDX).if(() => {
    f.get(nOut).i32Const(1).i32Eq().if(
      // W (nIn, 1) is already laid out as W^T (1, nIn).
      () => f.get(dZ).get(w).get(dX).get(n).get(nIn).call(fn.outer),
      () => {
        // W^T: (nOut, nIn), so that dX = dZ @ W^T reads it row by row.
        f.get(w).get(nIn).get(nOut).get(wT).call(fn.transpose);
        f.get(dZ).get(nOut).i32Const(3).i32Shl().i32Const(8).get(wT).get(nIn).i32Const(3).i32Shl().get(dX).get(nIn).i32Const(3).i32Shl();
        f.get(n).get(nOut).get(nIn).i32Const(0).i32Const(ACT.none).i32Const(0).get(panel).call(fn.gemmStrided);
      },
    );
  });
}

/** acc += x y, for v128 locals: fused (relaxed_madd, one rounding where the CPU fuses), or a multiply then an add. */
function multiplyAdd(f: FunctionBody, acc: number, x: number, y: number, fused: boolean): void {
  if (fused) f.get(x).get(y).get(acc).f64x2RelaxedMadd().set(acc);
  else f.get(acc).get(x).get(y).f64x2Mul().f64x2Add().set(acc);
}

/** local += other local */
function addLocal(f: FunctionBody, local: number, other: number): void {
  f.get(local).get(other).i32Add().set(local);
}

/** local += constant */
function addConst(f: FunctionBody, local: number, c: number): void {
  f.get(local).i32Const(c).i32Add().set(local);
}

/** while (remaining >= step) { body(); remaining -= step }, `remaining` an i32 local. */
function whileAtLeast(f: FunctionBody, remaining: number, step: number, body: () => void): void {
  f.block(() => {
    f.loop(() => {
      f.get(remaining).i32Const(step).i32LtS().brIf(1);
      body();
      f.get(remaining).i32Const(step).i32Sub().set(remaining);
      f.br(0);
    });
  });
}

/** if (remaining >= step) { body(); remaining -= step } */
function ifAtLeast(f: FunctionBody, remaining: number, step: number, body: () => void): void {
  f.get(remaining).i32Const(step).i32GeS().if(() => {
    body();
    f.get(remaining).i32Const(step).i32Sub().set(remaining);
  });
}

/**
 * Columns of a tile as vectors: 4 columns are two full f64x2, 2 one, and 1 half of one (lane 0
 * loaded with load64_zero, stored with store64_lane), so a lone column needs no scalar code.
 */
function vectorsOf(cols: number): { count: number; half: boolean } {
  return cols === 1 ? { count: 1, half: true } : { count: cols / 2, half: false };
}

/**
 * How a tile reads op(A): "adjacent" when its rows sit side by side in memory (aRow = 8, as X in
 * X^T @ dZ), one pointer with constant offsets; "packed" from a 4-row panel copied out first
 * (panel[p][r], for the row blocks of X @ W that many column tiles reuse); "rows", one pointer
 * per row, for the rest.
 */
type Layout = "adjacent" | "packed" | "rows";

/** A row block is packed into a panel when at least this many columns (three tiles) reuse it. */
const PACK_MIN_COLUMNS = 12;

/**
 * The three gemm functions, one per use, each compiled (and tiered up by the engine) on its own:
 * - "forward": X @ W with the bias and activation epilogue, op(A)'s rows anywhere (aRow any);
 * - "strided": the same without an epilogue (dX = dZ @ W^T; bias and act are ignored);
 * - "adjacent": without an epilogue, for op(A)'s rows side by side (aRow = 8: dW = X^T @ dZ).
 */
type GemmVariant = "forward" | "strided" | "adjacent";

function gemmFunction(mod: ModuleBuilder, variant: GemmVariant, fused: boolean): number {
  const name = `gemm${variant[0].toUpperCase()}${variant.slice(1)}`;
  const { index, body: f } = mod.func([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], [], name);
  const [a, aRow, aCol, b, ldb, c, ldc, n, k, m, bias, act, out, panel] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const rowsLeft = f.local(i32);
  const colsLeft = f.local(i32);
  const col = f.local(i32); // byte offset of column j: 8 j
  // Per row r of the current row block: where op(A)'s row starts, and C's and the activation's rows.
  const aPtr = Array.from({ length: 4 }, () => f.local(i32));
  const cPtr = Array.from({ length: 4 }, () => f.local(i32));
  const oPtr = Array.from({ length: 4 }, () => f.local(i32));
  const pa = Array.from({ length: 4 }, () => f.local(i32)); // op(A)[i + r][p]
  const pb = f.local(i32); // B[p][j]
  const steps = f.local(i32);
  const acc = Array.from({ length: 4 }, () => [f.local(v128), f.local(v128)]);
  const bv = [f.local(v128), f.local(v128)];
  const av = f.local(v128);
  const mask = f.local(v128);
  const slope = vectorConstants(f, { slope: LEAKY_RELU_SLOPE }).slope;

  const loadVector = (half: boolean, offset: number) => (half ? f.v128Load64Zero(offset) : f.v128Load(offset));
  const storeVector = (half: boolean, offset: number) => (half ? f.v128Store64Lane(0, offset) : f.v128Store(offset));

  /** One rows x cols tile of C at the current row block and column `col`. */
  const tile = (rows: number, cols: number, layout: Layout) => {
    const { count, half } = vectorsOf(cols);
    const onePointer = layout !== "rows";
    for (let r = 0; r < rows; r++) for (let v = 0; v < count; v++) f.v128Const0().set(acc[r][v]);
    if (layout === "packed") f.get(panel).set(pa[0]);
    else for (let r = 0; r < (onePointer ? 1 : rows); r++) f.get(aPtr[r]).set(pa[r]);
    f.get(b).get(col).i32Add().set(pb);
    f.get(k).set(steps);
    f.block(() => {
      f.get(steps).i32Eqz().brIf(0);
      f.loop(() => {
        for (let v = 0; v < count; v++) {
          f.get(pb);
          loadVector(half, v * 16).set(bv[v]);
        }
        for (let r = 0; r < rows; r++) {
          if (onePointer) f.get(pa[0]).v128Load64Splat(r * 8).set(av);
          else f.get(pa[r]).v128Load64Splat().set(av);
          for (let v = 0; v < count; v++) multiplyAdd(f, acc[r][v], av, bv[v], fused);
        }
        if (layout === "packed") addConst(f, pa[0], 32);
        else for (let r = 0; r < (onePointer ? 1 : rows); r++) addLocal(f, pa[r], aCol);
        addLocal(f, pb, ldb);
        f.get(steps).i32Const(1).i32Sub().tee(steps).brIf(0);
      });
    });
    if (variant === "forward") {
      // + bias, before C is stored.
      f.get(bias).if(() => {
        for (let v = 0; v < count; v++) {
          f.get(bias).get(col).i32Add();
          loadVector(half, v * 16).set(bv[v]);
        }
        for (let r = 0; r < rows; r++) for (let v = 0; v < count; v++) f.get(acc[r][v]).get(bv[v]).f64x2Add().set(acc[r][v]);
      });
    }
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < count; v++) {
        f.get(cPtr[r]).get(col).i32Add().get(acc[r][v]);
        storeVector(half, v * 16);
      }
    }
    const storeActivation = (leaky: boolean) => {
      for (let r = 0; r < rows; r++) {
        for (let v = 0; v < count; v++) {
          f.get(oPtr[r]).get(col).i32Add();
          if (leaky) {
            f.get(acc[r][v]).v128Const0().f64x2Gt().set(mask);
            f.get(acc[r][v]).get(acc[r][v]).get(slope).f64x2Mul().get(mask).v128Bitselect();
          } else {
            f.v128Const0().get(acc[r][v]).f64x2Pmax(); // 0 < z ? z : 0
          }
          storeVector(half, v * 16);
        }
      }
    };
    if (variant === "forward") {
      // Then the activation, from the registers.
      f.get(act).i32Const(ACT.relu).i32Eq().if(
        () => storeActivation(false),
        () => f.get(act).i32Const(ACT.leakyRelu).i32Eq().if(() => storeActivation(true)),
      );
    }
  };

  /** The 4-row block at aPtr[0..3] into the panel, p by p: panel[p][r] = op(A)[i + r][p]. */
  const pack = () => {
    for (let r = 0; r < 4; r++) f.get(aPtr[r]).set(pa[r]);
    f.get(panel).set(pb);
    f.get(k).set(steps);
    f.block(() => {
      f.get(steps).i32Eqz().brIf(0);
      f.loop(() => {
        for (let r = 0; r < 4; r++) {
          f.get(pb).get(pa[r]).f64Load().f64Store(r * 8);
          addLocal(f, pa[r], aCol);
        }
        addConst(f, pb, 32);
        f.get(steps).i32Const(1).i32Sub().tee(steps).brIf(0);
      });
    });
  };

  /** Every tile across the current row block. */
  const tiles = (rows: number, layout: Layout) => {
    f.i32Const(0).set(col);
    f.get(m).set(colsLeft);
    for (const cols of TILE_COLS) {
      const run = () => {
        tile(rows, cols, layout);
        addConst(f, col, cols * 8);
      };
      if (cols === TILE_COLS[0]) whileAtLeast(f, colsLeft, cols, run);
      else ifAtLeast(f, colsLeft, cols, run);
    }
  };

  /** All the tiles of `rows` rows starting at row aPtr[0] / cPtr[0] / oPtr[0]. */
  const rowBlock = (rows: number, adjacentRows: boolean) => {
    for (let r = 1; r < rows; r++) {
      f.get(aPtr[r - 1]).get(aRow).i32Add().set(aPtr[r]);
      f.get(cPtr[r - 1]).get(ldc).i32Add().set(cPtr[r]);
      if (variant === "forward") f.get(oPtr[r - 1]).get(ldc).i32Add().set(oPtr[r]);
    }
    if (adjacentRows) {
      tiles(rows, "adjacent");
    } else if (rows === 4) {
      f.get(m).i32Const(PACK_MIN_COLUMNS).i32GeS().if(
        () => {
          pack();
          tiles(rows, "packed");
        },
        () => tiles(rows, "rows"),
      );
    } else {
      tiles(rows, "rows");
    }
    f.get(aPtr[rows - 1]).get(aRow).i32Add().set(aPtr[0]);
    f.get(cPtr[rows - 1]).get(ldc).i32Add().set(cPtr[0]);
    if (variant === "forward") f.get(oPtr[rows - 1]).get(ldc).i32Add().set(oPtr[0]);
  };

  const allRows = (adjacentRows: boolean) => {
    f.get(a).set(aPtr[0]);
    f.get(c).set(cPtr[0]);
    if (variant === "forward") f.get(out).set(oPtr[0]);
    f.get(n).set(rowsLeft);
    for (const rows of TILE_ROWS) {
      if (rows === TILE_ROWS[0]) whileAtLeast(f, rowsLeft, rows, () => rowBlock(rows, adjacentRows));
      else ifAtLeast(f, rowsLeft, rows, () => rowBlock(rows, adjacentRows));
    }
  };
  allRows(variant === "adjacent");
  return index;
}

/**
 * gemmColumn(a, aRow, b, c, out, n, k, bias, act): c[i] = sum_p a[i][p] b[p] (+ bias), then the
 * activation into out[i], as gemm does for m = 1, but with rows i and i + 1 in the two lanes
 * of a vector: gemm's tiles would fill half of each vector and leave the other half idle.
 */
function gemmColumnFunction(mod: ModuleBuilder, fused: boolean): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32, i32, i32, i32, i32, i32], [], "gemmColumn");
  const [a, aRow, b, c, out, n, k, bias, act] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const rowsLeft = f.local(i32), steps = f.local(i32), pb = f.local(i32);
  const rowPtr = f.local(i32); // a's row i
  const pa = Array.from({ length: 4 }, () => f.local(i32)); // a[i + q][p]
  const acc = [f.local(v128), f.local(v128)], xv = f.local(v128), wv = f.local(v128), mask = f.local(v128);
  const K = vectorConstants(f, { slope: LEAKY_RELU_SLOPE });

  /** `rows` rows (4, 2 or 1) starting at rowPtr, c and out, which it then moves past them. */
  const group = (rows: number) => {
    const vectors = Math.ceil(rows / 2), half = rows === 1;
    for (let v = 0; v < vectors; v++) f.v128Const0().set(acc[v]);
    f.get(rowPtr).set(pa[0]);
    for (let q = 1; q < rows; q++) f.get(pa[q - 1]).get(aRow).i32Add().set(pa[q]);
    f.get(b).set(pb);
    f.get(k).set(steps);
    f.block(() => {
      f.get(steps).i32Eqz().brIf(0);
      f.loop(() => {
        f.get(pb).v128Load64Splat().set(wv);
        for (let v = 0; v < vectors; v++) {
          // xv = [a[i + 2v][p], a[i + 2v + 1][p]]
          f.get(pa[2 * v]).v128Load64Zero();
          if (!half) f.set(xv).get(pa[2 * v + 1]).get(xv).v128Load64Lane(1);
          f.set(xv);
          multiplyAdd(f, acc[v], xv, wv, fused);
        }
        for (let q = 0; q < rows; q++) addConst(f, pa[q], 8);
        addConst(f, pb, 8);
        f.get(steps).i32Const(1).i32Sub().tee(steps).brIf(0);
      });
    });
    f.get(bias).if(() => {
      f.get(bias).v128Load64Splat().set(wv);
      for (let v = 0; v < vectors; v++) f.get(acc[v]).get(wv).f64x2Add().set(acc[v]);
    });
    for (let v = 0; v < vectors; v++) {
      f.get(c).get(acc[v]);
      if (half) f.v128Store64Lane(0, v * 16);
      else f.v128Store(v * 16);
    }
    const activation = (leaky: boolean) => {
      for (let v = 0; v < vectors; v++) {
        f.get(out);
        if (leaky) {
          f.get(acc[v]).v128Const0().f64x2Gt().set(mask);
          f.get(acc[v]).get(acc[v]).get(K.slope).f64x2Mul().get(mask).v128Bitselect();
        } else {
          f.v128Const0().get(acc[v]).f64x2Pmax();
        }
        if (half) f.v128Store64Lane(0, v * 16);
        else f.v128Store(v * 16);
      }
    };
    f.get(act).i32Const(ACT.relu).i32Eq().if(
      () => activation(false),
      () => f.get(act).i32Const(ACT.leakyRelu).i32Eq().if(() => activation(true)),
    );
    f.get(rowPtr).get(aRow).i32Const(rows).i32Mul().i32Add().set(rowPtr);
    addConst(f, c, rows * 8);
    addConst(f, out, rows * 8);
  };

  f.get(a).set(rowPtr);
  f.get(n).set(rowsLeft);
  whileAtLeast(f, rowsLeft, 4, () => group(4));
  ifAtLeast(f, rowsLeft, 2, () => group(2));
  ifAtLeast(f, rowsLeft, 1, () => group(1));
  return index;
}

/** outer(a, b, c, n, m): c[i][j] = 0 + a[i] b[j], a row at a time, each row an elementwise loop over b. */
function outerFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32, i32], [], "outer");
  const [a, b, c, n, m] = [0, 1, 2, 3, 4];
  const rowsLeft = f.local(i32), pb = f.local(i32), av = f.local(v128);
  f.get(n).set(rowsLeft);
  whileAtLeast(f, rowsLeft, 1, () => {
    f.get(a).v128Load64Splat().set(av);
    f.get(b).set(pb);
    // The "0 +" keeps the reference's sums exact: it turns a product of -0 into +0, as 0 + a b does there.
    elementwise(f, [pb, c], m, (at, half) => {
      f.get(c).v128Const0().get(av).get(pb);
      load(f, half, at).f64x2Mul().f64x2Add();
      store(f, half, at);
    });
    f.get(m).i32Const(1).i32And().if(() => addConst(f, c, 8)); // the loop moved c past whole pairs only
    addConst(f, a, 8);
  });
  return index;
}

/**
 * An elementwise loop over `len` values: `body(offset, half)` handles the pair at byte `offset`
 * past each pointer in `pointers` (half: only the first value of it, the last one when len is
 * odd). Four pairs per iteration, so that counting and branching cost little next to the work.
 */
function elementwise(f: FunctionBody, pointers: number[], len: number, body: (offset: number, half: boolean) => void): void {
  const left = f.local(i32);
  f.get(len).set(left);
  for (const pairs of [4, 1]) {
    whileAtLeast(f, left, 2 * pairs, () => {
      for (let q = 0; q < pairs; q++) body(16 * q, false);
      for (const p of pointers) addConst(f, p, 16 * pairs);
    });
  }
  f.get(left).if(() => body(0, true));
}

const load = (f: FunctionBody, half: boolean, offset: number) => (half ? f.v128Load64Zero(offset) : f.v128Load(offset));
const store = (f: FunctionBody, half: boolean, offset: number) => (half ? f.v128Store64Lane(0, offset) : f.v128Store(offset));

/**
 * name(dA, z, dZ, len): dZ = dA * f'(Z) for ReLU (dA where z > 0, else 0) or leaky ReLU
 * (dA where z > 0, else 0.01 dA).
 */
function activationBackwardFunction(mod: ModuleBuilder, name: string, leaky: boolean): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32], [], name);
  const [dA, z, dZ, len] = [0, 1, 2, 3];
  const g = f.local(v128);
  const slope = vectorConstants(f, { slope: LEAKY_RELU_SLOPE }).slope;
  elementwise(f, [dA, z, dZ], len, (at, half) => {
    f.get(dZ);
    f.get(dA);
    load(f, half, at).set(g);
    if (leaky) f.get(g).get(g).get(slope).f64x2Mul();
    else f.get(g).v128Const0();
    f.get(z);
    load(f, half, at).v128Const0().f64x2Gt().v128Bitselect();
    store(f, half, at);
  });
  return index;
}

/**
 * sigmoidBackward(dA, a, dZ, len): dZ = (dA * a) * (1 - a), in that order, as activations.ts
 * computes it. With `fromTargets` (mseSigmoidGradient(y, a, dZ, len)), dA is first made from the
 * targets y as mse's gradient, scale (a - y) with scale = 2 / len, in the order network.ts
 * computes the two steps.
 */
function sigmoidBackwardFunction(mod: ModuleBuilder, name: string, fromTargets: boolean): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32], [], name);
  const [dA, a, dZ, len] = [0, 1, 2, 3]; // dA is y with fromTargets
  const av = f.local(v128), scale = f.local(v128);
  const one = vectorConstants(f, { one: 1 }).one;
  if (fromTargets) f.f64Const(2).get(len).f64ConvertI32S().f64Div().f64x2Splat().set(scale);
  elementwise(f, [dA, a, dZ], len, (at, half) => {
    f.get(dZ);
    f.get(a);
    load(f, half, at).set(av);
    if (fromTargets) {
      f.get(scale).get(av).get(dA);
      load(f, half, at).f64x2Sub().f64x2Mul(); // g = scale (a - y)
    } else {
      f.get(dA);
      load(f, half, at); // g = dA
    }
    f.get(av).f64x2Mul().get(one).get(av).f64x2Sub().f64x2Mul(); // (g a) (1 - a)
    store(f, half, at);
  });
  return index;
}

/** sgd(p, g, len, lr): p = p - (lr * g). */
function sgdFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32, ValType.f64], [], "sgd");
  const [p, g, len, lr] = [0, 1, 2, 3];
  const rate = f.local(v128);
  f.get(lr).f64x2Splat().set(rate);
  elementwise(f, [p, g], len, (at, half) => {
    f.get(p).get(p);
    load(f, half, at).get(rate).get(g);
    load(f, half, at).f64x2Mul().f64x2Sub();
    store(f, half, at);
  });
  return index;
}

/** sumRows(x, n, m, out): out[j] = 0 + x[0][j] + x[1][j] + ... in row order, 4 columns at a time. */
function sumRowsFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32], [], "sumRows");
  const [x, n, m, out] = [0, 1, 2, 3];
  const colsLeft = f.local(i32);
  const col = f.local(i32);
  const px = f.local(i32);
  const rows = f.local(i32);
  const ld = f.local(i32);
  const s = [f.local(v128), f.local(v128)];
  f.get(m).i32Const(3).i32Shl().set(ld);
  f.i32Const(0).set(col);
  f.get(m).set(colsLeft);
  const strip = (cols: number) => {
    const { count, half } = vectorsOf(cols);
    for (let v = 0; v < count; v++) f.v128Const0().set(s[v]);
    f.get(x).get(col).i32Add().set(px);
    f.get(n).set(rows);
    f.block(() => {
      f.get(rows).i32Eqz().brIf(0);
      f.loop(() => {
        for (let v = 0; v < count; v++) {
          f.get(s[v]).get(px);
          if (half) f.v128Load64Zero(v * 16);
          else f.v128Load(v * 16);
          f.f64x2Add().set(s[v]);
        }
        addLocal(f, px, ld);
        f.get(rows).i32Const(1).i32Sub().tee(rows).brIf(0);
      });
    });
    for (let v = 0; v < count; v++) {
      f.get(out).get(col).i32Add().get(s[v]);
      if (half) f.v128Store64Lane(0, v * 16);
      else f.v128Store(v * 16);
    }
    addConst(f, col, cols * 8);
  };
  whileAtLeast(f, colsLeft, 4, () => strip(4));
  ifAtLeast(f, colsLeft, 2, () => strip(2));
  ifAtLeast(f, colsLeft, 1, () => strip(1));
  return index;
}

/**
 * transpose(x, n, m, out): out[j][i] = x[i][j], for x (n, m) and out (m, n).
 * Eight rows at a time, in 2 x 2 blocks: a block's two rows are loaded as two vectors, and two
 * shuffles turn them into its two columns, stored as parts of rows j and j + 1 of out. Eight rows
 * fill a whole 64-byte line of each of those rows at once: an element-by-element copy wrote
 * 8 bytes to each line of out, a whole row (often a power of two) apart, and the cache, which
 * maps such lines to the same few sets, evicted them before they were full. (It computes W^T
 * for every batch's dX.) Then two rows at a time, and the odd row and column one by one.
 */
function transposeFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32], [], "transpose");
  const [x, n, m, out] = [0, 1, 2, 3];
  const rowsLeft = f.local(i32), colsLeft = f.local(i32);
  const rowStart = f.local(i32); // x[i][0]
  const from = Array.from({ length: 8 }, () => f.local(i32)); // x[i + r][j]
  const to = f.local(i32), toRow = f.local(i32); // out[j][i], and out[0][i]
  const rowBytes = f.local(i32), outRowBytes = f.local(i32); // m * 8 and n * 8
  const rows = Array.from({ length: 8 }, () => f.local(v128)); // x[i + r][j, j+1]
  const FIRST = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]; // (top[0], bottom[0])
  const SECOND = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]; // (top[1], bottom[1])
  f.get(m).i32Const(3).i32Shl().set(rowBytes);
  f.get(n).i32Const(3).i32Shl().set(outRowBytes);
  f.get(x).set(rowStart);
  f.get(out).set(toRow);
  f.get(n).set(rowsLeft);
  /** R rows, from rowStart, into columns i..i+R-1 of out. */
  const block = (R: number) => {
    f.get(rowStart).set(from[0]);
    for (let r = 1; r < R; r++) f.get(from[r - 1]).get(rowBytes).i32Add().set(from[r]);
    f.get(toRow).set(to);
    f.get(m).set(colsLeft);
    whileAtLeast(f, colsLeft, 2, () => {
      for (let r = 0; r < R; r++) f.get(from[r]).v128Load().set(rows[r]);
      for (const [lanes, next] of [[FIRST, false], [SECOND, true]] as const) {
        for (let q = 0; q < R / 2; q++) {
          f.get(to);
          if (next) f.get(outRowBytes).i32Add();
          f.get(rows[2 * q]).get(rows[2 * q + 1]).i8x16Shuffle(lanes).v128Store(16 * q);
        }
      }
      for (let r = 0; r < R; r++) addConst(f, from[r], 16);
      addLocal(f, to, outRowBytes);
      addLocal(f, to, outRowBytes);
    });
    ifAtLeast(f, colsLeft, 1, () => {
      for (let r = 0; r < R; r++) f.get(to).get(from[r]).f64Load().f64Store(8 * r);
    });
    for (let r = 0; r < R; r++) addLocal(f, rowStart, rowBytes);
    addConst(f, toRow, 8 * R);
  };
  whileAtLeast(f, rowsLeft, 8, () => block(8));
  whileAtLeast(f, rowsLeft, 2, () => block(2));
  ifAtLeast(f, rowsLeft, 1, () => {
    f.get(rowStart).set(from[0]);
    f.get(toRow).set(to);
    f.get(m).set(colsLeft);
    whileAtLeast(f, colsLeft, 1, () => {
      f.get(to).get(from[0]).f64Load().f64Store();
      addConst(f, from[0], 8);
      addLocal(f, to, outRowBytes);
    });
  });
  return index;
}

// --- e^x, two at a time --------------------------------------------------------------------

/**
 * The constants of fdlibm's e_exp.c (Sun, 1993), by way of FreeBSD's msun, which is what V8's
 * Math.exp runs (src/base/ieee754.cc): x = k ln2 + r, e^r from a degree-5 rational fit, times 2^k.
 */
const EXP = {
  ln2HI: 6.93147180369123816490e-1, // 0x3fe62e42 fee00000: k * ln2HI is exact for the k used here
  ln2LO: 1.90821492927058770002e-10,
  invln2: 1.44269504088896338700,
  P1: 1.66666666666666019037e-1,
  P2: -2.77777777770155933842e-3,
  P3: 6.61375632143793436117e-5,
  P4: -1.65339022054652515390e-6,
  P5: 4.13813679705723846039e-8,
  /** V8 returns this for e^1 (the algorithm would be an ulp off there). */
  E: 2.718281828459045,
};

/** The f64 whose high word is `high` and low word 0: fdlibm compares high words, we compare |x| with these. */
const fromHighWord = (high: number) => BigInt(high) << 32n;
const HALF_LN2 = fromHighWord(0x3fd62e43); // |x| > 0.5 ln2: reduce
const THREE_HALVES_LN2 = fromHighWord(0x3ff0a2b2); // and |x| < 1.5 ln2: k = +-1
const TWO_TO_MINUS_28 = fromHighWord(0x3e300000); // |x| < 2^-28: e^x = 1 + x
/**
 * Beyond |x| = 708, fdlibm takes other branches (overflow, underflow, 2^k out of range); those
 * lanes are reported, not computed. Within it k is in [-1021, 1021] and 2^k a normal number.
 */
const EXP_FAST_LIMIT = 708;
const SIGN_BIT = 0x8000000000000000n;
const ONE_BITS = 0x3ff0000000000000n;
const HALF_BITS = 0x3fe0000000000000n;

/**
 * Declares a local per constant and sets it, where this is called: before a loop. (A v128.const
 * inside a loop is rebuilt on every iteration, four instructions or so each time.)
 */
function vectorConstants<K extends string>(f: FunctionBody, values: Record<K, number | bigint>): Record<K, number> {
  const locals = {} as Record<K, number>;
  for (const key of Object.keys(values) as K[]) {
    const value = values[key];
    if (typeof value === "bigint") f.f64x2ConstBits(value);
    else f.f64x2Const(value);
    f.set((locals[key] = f.local(v128)));
  }
  return locals;
}

/** The constants `expInline` reads, for `vectorConstants`. */
const EXP_CONSTANTS = {
  ...EXP, signBit: SIGN_BIT, oneBits: ONE_BITS, halfBits: HALF_BITS, halfLn2: HALF_LN2, threeHalvesLn2: THREE_HALVES_LN2,
  tiny: TWO_TO_MINUS_28, limit: EXP_FAST_LIMIT, one: 1, two: 2, exponentBias: 1023 + 2 ** 52,
};
type ExpConstants = Record<keyof typeof EXP_CONSTANTS, number>;

/**
 * Code that leaves e^x (for the lanes of the local `x`) in the local `out`, and in `ok` a mask of
 * the lanes computed (|x| < 708). fdlibm's branches become lane selects, and its three cases of
 * reduction one formula: k = 0 below 0.5 ln2 (then hi = x, lo = 0 and the result is the k = 0
 * formula's, as the addition of 0 and the product by 2^0 change nothing), k = +-1 below 1.5 ln2,
 * else k = trunc(x / ln2 +- 1/2). `K` holds the constants, from vectorConstants(f, EXP_CONSTANTS).
 */
function expInline(f: FunctionBody, K: ExpConstants, x: number, out: number, ok: number): void {
  const ax = f.local(v128), k = f.local(v128), hi = f.local(v128), lo = f.local(v128);
  const r = f.local(v128), t = f.local(v128), c = f.local(v128), y = f.local(v128);
  const signOf = () => f.get(x).get(K.signBit).v128And(); // +-0 with x's sign
  f.get(x).f64x2Abs().set(ax);
  // k = trunc(x / ln2 + copysign(0.5, x)); +-1 between 0.5 ln2 and 1.5 ln2; 0 below.
  f.get(x).get(K.invln2).f64x2Mul();
  signOf().get(K.halfBits).v128Or().f64x2Add().f64x2Trunc().set(k);
  signOf().get(K.oneBits).v128Or().get(k);
  f.get(ax).get(K.threeHalvesLn2).f64x2Lt().v128Bitselect().set(k);
  f.get(k).get(ax).get(K.halfLn2).f64x2Lt().v128AndNot().set(k);
  // hi = x - k ln2HI, lo = k ln2LO, r = hi - lo.
  f.get(x).get(k).get(K.ln2HI).f64x2Mul().f64x2Sub().set(hi);
  f.get(k).get(K.ln2LO).f64x2Mul().set(lo);
  f.get(hi).get(lo).f64x2Sub().set(r);
  // c = r - t (P1 + t (P2 + t (P3 + t (P4 + t P5)))), t = r^2.
  f.get(r).get(r).f64x2Mul().set(t);
  f.get(r).get(t);
  f.get(K.P1).get(t);
  f.get(K.P2).get(t);
  f.get(K.P3).get(t);
  f.get(K.P4).get(t).get(K.P5).f64x2Mul().f64x2Add();
  f.f64x2Mul().f64x2Add();
  f.f64x2Mul().f64x2Add();
  f.f64x2Mul().f64x2Add();
  f.f64x2Mul().f64x2Sub().set(c);
  // y = 1 - ((lo - r c / (2 - c)) - hi)
  f.get(K.one).get(lo).get(r).get(c).f64x2Mul().get(K.two).get(c).f64x2Sub().f64x2Div().f64x2Sub();
  f.get(hi).f64x2Sub().f64x2Sub().set(y);
  // e^x = y 2^k, with 2^k built from its bits: the exponent k + 1023, in the low bits of k + 1023 + 2^52.
  f.get(y).get(k).get(K.exponentBias).f64x2Add().i32Const(52).i64x2Shl().f64x2Mul().set(out);
  // |x| < 2^-28: 1 + x. x = 1: E.
  f.get(K.one).get(x).f64x2Add().get(out).get(ax).get(K.tiny).f64x2Lt().v128Bitselect().set(out);
  f.get(K.E).get(out).get(x).get(K.one).f64x2Eq().v128Bitselect().set(out);
  f.get(ax).get(K.limit).f64x2Lt().set(ok);
}

/** missed += the lanes expInline left out (not in `ok`); of a lone last value (`half`), only lane 0. */
function countLeftOut(f: FunctionBody, missed: number, ok: number, half: boolean): void {
  f.get(missed);
  f.get(ok).v128ConstAllOnes().v128Xor().i64x2Bitmask();
  if (half) f.i32Const(1).i32And();
  f.i32Popcnt().i32Add().set(missed);
}

/**
 * softmax(z, a, rows, cols) -> left out: row by row, a_j = e^(z_j - max z) / sum_k e^(z_k - max z).
 * The steps of activations.ts's loop, each value through the same operations: the maximum by
 * `z > max` from -Infinity, then e^(z - max) two at a time (expInline, V8's Math.exp bit for bit),
 * their sum one by one in order, then each divided by it. A lane left out (z - max below -708, or
 * NaN) is counted, and the caller redoes the whole matrix in JavaScript.
 */
function softmaxFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32, i32], [i32], "softmax");
  const [z, a, rows, cols] = [0, 1, 2, 3];
  const missed = f.local(i32), rowsLeft = f.local(i32), left = f.local(i32);
  const zp = f.local(i32), ap = f.local(i32); // the current row's values, as each pass walks them
  const max = f.local(ValType.f64), sum = f.local(ValType.f64), value = f.local(ValType.f64);
  const x = f.local(v128), e = f.local(v128), ok = f.local(v128), splat = f.local(v128);
  const K = vectorConstants(f, EXP_CONSTANTS);
  const rowBytes = f.local(i32);
  f.get(cols).i32Const(3).i32Shl().set(rowBytes);
  f.get(rows).set(rowsLeft);
  whileAtLeast(f, rowsLeft, 1, () => {
    // max = the largest z of the row, by z > max from -Infinity (NaN never is).
    f.f64Const(-Infinity).set(max);
    f.get(z).set(zp);
    f.get(cols).set(left);
    whileAtLeast(f, left, 1, () => {
      f.get(zp).f64Load().set(value);
      f.get(value).get(max).get(value).get(max).f64Gt().select().set(max);
      addConst(f, zp, 8);
    });
    // a = e^(z - max)
    f.get(max).f64x2Splat().set(splat);
    f.get(z).set(zp);
    f.get(a).set(ap);
    elementwise(f, [zp, ap], cols, (at, half) => {
      f.get(zp);
      load(f, half, at).get(splat).f64x2Sub().set(x);
      expInline(f, K, x, e, ok);
      f.get(ap).get(e);
      store(f, half, at);
      countLeftOut(f, missed, ok, half);
    });
    // sum = a_0 + a_1 + ..., in order
    f.f64Const(0).set(sum);
    f.get(a).set(ap);
    f.get(cols).set(left);
    whileAtLeast(f, left, 1, () => {
      f.get(sum).get(ap).f64Load().f64Add().set(sum);
      addConst(f, ap, 8);
    });
    // a /= sum
    f.get(sum).f64x2Splat().set(splat);
    f.get(a).set(ap);
    elementwise(f, [ap], cols, (at, half) => {
      f.get(ap);
      f.get(ap);
      load(f, half, at).get(splat).f64x2Div();
      store(f, half, at);
    });
    addLocal(f, z, rowBytes);
    addLocal(f, a, rowBytes);
  });
  f.get(missed);
  return index;
}

/** sigmoid(z, a, len) -> left out: a = 1 / (1 + e^-z). */
function sigmoidFunction(mod: ModuleBuilder): number {
  const { index, body: f } = mod.func([i32, i32, i32], [i32], "sigmoid");
  const [z, a, len] = [0, 1, 2];
  const missed = f.local(i32);
  const x = f.local(v128), e = f.local(v128), ok = f.local(v128);
  const K = vectorConstants(f, EXP_CONSTANTS);
  elementwise(f, [z, a], len, (at, half) => {
    f.get(z);
    load(f, half, at).f64x2Neg().set(x);
    expInline(f, K, x, e, ok);
    f.get(a).get(K.one).get(K.one).get(e).f64x2Add().f64x2Div();
    store(f, half, at);
    countLeftOut(f, missed, ok, half);
  });
  f.get(missed);
  return index;
}
