/**
 * The bytes of the WebAssembly matmul module, written with emit.ts.
 *
 * The module holds the inner loops of a blocked matrix product; the blocking
 * itself (which block of A and B goes where) is plain TypeScript in gemm.ts.
 * Exports:
 * - `pack{W}(src, rowStride, colStride, rows, kc, dst)`: copies a block of a
 *   matrix into "panels" of W rows, each stored column by column
 *   (`dst[(panel * kc + p) * W + r]`), zero-padding the last panel. Strides are
 *   in bytes, so one function packs A, A^T (W = MR), B and B^T (W = NR, the
 *   columns of B being the panel "rows").
 * - `gemm{MR}x{NR}(aPack, bPack, c, ldc, rowPanels, colPanels, kc, accumulate)`:
 *   C block = [C +] Apack @ Bpack, one MR x NR tile at a time. C is padded to
 *   whole tiles (the zero padding of the panels makes the extra entries 0).
 * - `compact(c, ldc, rows, cols)`: squeezes the padded C rows together in place.
 *
 * The tile is held in f64x2 registers. Each step p loads one row of the B panel
 * (NR values) and splats one A value per tile row, then multiplies and adds:
 * no FMA (only relaxed SIMD has it, which the layers' module may use: fma.ts),
 * and every C entry sums its k products in order 0..k-1 starting from C (or 0),
 * which is exactly what the plain loops in kernels-reference.ts do. So the
 * results are bit-for-bit the same: `matmul` is what the course shows.
 */
import { FunctionBody, ModuleBuilder, ValType } from "./emit";

const { i32, v128 } = ValType;

/** Tile shape and unrolling the module is built for. */
export interface GemmShape {
  /** Rows of the C tile (A panel width). */
  mr: number;
  /** Columns of the C tile (B panel width); even, as f64x2 holds two. */
  nr: number;
  /** How many steps p the inner loop does per iteration; a power of 2. */
  unroll: number;
}

/** for (i = 0; i < end; i++) body(): `i` and `end` are i32 locals. */
function countUp(f: FunctionBody, i: number, end: number, body: () => void): void {
  f.i32Const(0).set(i);
  f.block(() => {
    f.loop(() => {
      f.get(i).get(end).i32GeS().brIf(1);
      body();
      f.get(i).i32Const(1).i32Add().set(i);
      f.br(0);
    });
  });
}

/** local += constant */
function addConst(f: FunctionBody, local: number, c: number): void {
  f.get(local).i32Const(c).i32Add().set(local);
}

/** local += other local */
function addLocal(f: FunctionBody, local: number, other: number): void {
  f.get(local).get(other).i32Add().set(local);
}

/**
 * Builds the module for the given tile shapes: a `gemm{MR}x{NR}` block function
 * per tile, a `pack{W}` function per distinct panel width, and `compact`.
 */
export function buildGemmModule(tiles: readonly GemmShape[]): ArrayBuffer {
  const mod = new ModuleBuilder(1);
  const widths = new Set<number>();
  for (const tile of tiles) {
    gemmBlockFunction(mod, tile);
    widths.add(tile.mr).add(tile.nr);
  }
  for (const w of [...widths].sort((x, y) => x - y)) packFunction(mod, w, `pack${w}`);
  compactFunction(mod);
  return mod.encode();
}

/**
 * gemm{MR}x{NR}(aPack, bPack, c, ldc, rowPanels, colPanels, kc, accumulate):
 * ldc in bytes; rowPanels, colPanels, kc >= 1.
 */
function gemmBlockFunction(mod: ModuleBuilder, { mr, nr, unroll }: GemmShape): void {
  if (nr % 2 !== 0 || unroll < 1 || (unroll & (unroll - 1)) !== 0) {
    throw new RangeError(`buildGemmModule: bad tile ${mr}x${nr}, unroll ${unroll}`);
  }
  const nv = nr / 2; // f64x2 vectors per tile row
  const f = mod.func([i32, i32, i32, i32, i32, i32, i32, i32], [], `gemm${mr}x${nr}`).body;
  const [aPack, bPack, c, ldc, rowPanels, colPanels, kc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const ap = f.local(i32); // current A panel
  const cp = f.local(i32); // current C tile
  const cCol = f.local(i32); // C tile at the top of the current column panel
  const ip = f.local(i32); // row panels left
  const x = f.local(i32); // walks the A panel
  const y = f.local(i32); // walks the B panel
  const row = f.local(i32);
  const iters = f.local(i32);
  const aPanelBytes = f.local(i32);
  const bPanelBytes = f.local(i32);
  const cTileStep = f.local(i32);
  const acc: number[][] = [];
  for (let r = 0; r < mr; r++) acc.push(Array.from({ length: nv }, () => f.local(v128)));
  const b = Array.from({ length: nv }, () => f.local(v128));
  const a = f.local(v128);

  // One step p, `s` steps ahead of x / y.
  const step = (s: number) => {
    for (let v = 0; v < nv; v++) f.get(y).v128Load((s * nr + 2 * v) * 8).set(b[v]);
    for (let r = 0; r < mr; r++) {
      f.get(x).v128Load64Splat((s * mr + r) * 8).set(a);
      for (let v = 0; v < nv; v++) f.get(acc[r][v]).get(a).get(b[v]).f64x2Mul().f64x2Add().set(acc[r][v]);
    }
  };
  // `iters` times, n steps each.
  const steps = (n: number) => {
    f.block(() => {
      f.get(iters).i32Eqz().brIf(0);
      f.loop(() => {
        for (let s = 0; s < n; s++) step(s);
        addConst(f, x, n * mr * 8);
        addConst(f, y, n * nr * 8);
        f.get(iters).i32Const(1).i32Sub().tee(iters).brIf(0);
      });
    });
  };
  const tile = () => {
    // Start from the C tile, or from zero.
    f.get(accumulate).if(
      () => {
        f.get(cp).set(row);
        for (let r = 0; r < mr; r++) {
          for (let v = 0; v < nv; v++) f.get(row).v128Load(v * 16).set(acc[r][v]);
          if (r < mr - 1) addLocal(f, row, ldc);
        }
      },
      () => {
        for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.v128Const0().set(acc[r][v]);
      },
    );
    f.get(ap).set(x);
    f.get(bPack).set(y);
    if (unroll > 1) {
      f.get(kc).i32Const(Math.log2(unroll)).i32ShrU().set(iters);
      steps(unroll);
      f.get(kc).i32Const(unroll - 1).i32And().set(iters);
    } else {
      f.get(kc).set(iters);
    }
    steps(1);
    f.get(cp).set(row);
    for (let r = 0; r < mr; r++) {
      for (let v = 0; v < nv; v++) f.get(row).get(acc[r][v]).v128Store(v * 16);
      if (r < mr - 1) addLocal(f, row, ldc);
    }
  };

  f.get(kc).i32Const(mr * 8).i32Mul().set(aPanelBytes);
  f.get(kc).i32Const(nr * 8).i32Mul().set(bPanelBytes);
  f.get(ldc).i32Const(mr).i32Mul().set(cTileStep);
  f.get(c).set(cCol);
  f.loop(() => {
    f.get(aPack).set(ap);
    f.get(cCol).set(cp);
    f.get(rowPanels).set(ip);
    f.loop(() => {
      tile();
      addLocal(f, ap, aPanelBytes);
      addLocal(f, cp, cTileStep);
      f.get(ip).i32Const(1).i32Sub().tee(ip).brIf(0);
    });
    addLocal(f, bPack, bPanelBytes);
    addConst(f, cCol, nr * 8);
    f.get(colPanels).i32Const(1).i32Sub().tee(colPanels).brIf(0);
  });
}

/**
 * compact(c, ldc, rows, cols): row i moves from c + i * ldc to c + i * cols * 8.
 * In place: every write lands at or before the read it follows, never on a later one.
 */
function compactFunction(mod: ModuleBuilder): void {
  const f = mod.func([i32, i32, i32, i32], [], "compact").body;
  const [c, ldc, rows, cols] = [0, 1, 2, 3];
  const i = f.local(i32);
  const j = f.local(i32);
  const from = f.local(i32);
  const to = f.local(i32);
  f.get(c).set(from);
  f.get(c).set(to);
  countUp(f, i, rows, () => {
    countUp(f, j, cols, () => {
      f.get(to).get(j).i32Const(3).i32Shl().i32Add();
      f.get(from).get(j).i32Const(3).i32Shl().i32Add().f64Load();
      f.f64Store();
    });
    addLocal(f, from, ldc);
    f.get(to).get(cols).i32Const(3).i32Shl().i32Add().set(to);
  });
}

/**
 * pack(src, rowStride, colStride, rows, kc, dst) for panels `w` wide; strides in
 * bytes, kc >= 1. Element (r, p) of the block is at src + r * rowStride + p * colStride.
 * Full panels take a SIMD path when the source is contiguous along p (rows of
 * A, columns of B^T: two p at a time, transposed by shuffles) or along r
 * (columns of A^T, rows of B: a straight copy); the rest go element by element.
 */
function packFunction(mod: ModuleBuilder, w: number, name: string): void {
  const f = mod.func([i32, i32, i32, i32, i32, i32], [], name).body;
  const [src, rowStride, colStride, rows, kc, dst] = [0, 1, 2, 3, 4, 5];
  const panel = f.local(i32); // first row of the current panel
  const d = f.local(i32); // write pointer, runs through dst
  const p = f.local(i32);
  const r = f.local(i32);
  const sp = f.local(i32);
  const rowPtr = Array.from({ length: w }, () => f.local(i32));
  const lo = f.local(v128);
  const hi = f.local(v128);
  const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const high = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

  // src + (panel + r) * rowStride
  const rowStart = (r: () => void) => {
    f.get(src).get(panel);
    r();
    f.i32Add().get(rowStride).i32Mul().i32Add();
  };

  // Element by element; rows past the end become zeros. Leaves d at the panel's end.
  const elementwise = () => {
    f.i32Const(0).set(r);
    f.block(() => {
      f.loop(() => {
        f.get(r).i32Const(w).i32GeS().brIf(1);
        f.get(d).get(r).i32Const(3).i32Shl().i32Add().set(sp); // sp: write pointer for row r
        f.get(kc).set(p);
        f.get(panel).get(r).i32Add().get(rows).i32LtS().if(
          () => {
            const from = rowPtr[0]; // reused as the read pointer
            rowStart(() => f.get(r));
            f.set(from);
            f.loop(() => {
              f.get(sp).get(from).f64Load().f64Store();
              addLocal(f, from, colStride);
              addConst(f, sp, w * 8);
              f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
            });
          },
          () => {
            f.loop(() => {
              f.get(sp).f64Const0().f64Store();
              addConst(f, sp, w * 8);
              f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
            });
          },
        );
        addConst(f, r, 1);
        f.br(0);
      });
    });
    f.get(d).get(kc).i32Const(w * 8).i32Mul().i32Add().set(d);
  };

  // Source contiguous along p: rows r, r+1 give two p each; shuffles make them columns.
  const alongP = () => {
    for (let i = 0; i < w; i++) {
      rowStart(() => f.i32Const(i));
      f.set(rowPtr[i]);
    }
    f.get(kc).i32Const(1).i32ShrU().set(p);
    f.block(() => {
      f.get(p).i32Eqz().brIf(0);
      f.loop(() => {
        for (let i = 0; i < w; i += 2) {
          f.get(rowPtr[i]).v128Load().set(lo);
          f.get(rowPtr[i + 1]).v128Load().set(hi);
          f.get(d).get(lo).get(hi).i8x16Shuffle(low).v128Store(i * 8);
          f.get(d).get(lo).get(hi).i8x16Shuffle(high).v128Store((w + i) * 8);
        }
        for (let i = 0; i < w; i++) addConst(f, rowPtr[i], 16);
        addConst(f, d, 2 * w * 8);
        f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
      });
    });
    f.get(kc).i32Const(1).i32And().if(() => {
      for (let i = 0; i < w; i++) f.get(d).get(rowPtr[i]).f64Load().f64Store(i * 8);
      addConst(f, d, w * 8);
    });
  };

  // Source contiguous along r: each p is w values in a row; copy them as vectors.
  const alongR = () => {
    rowStart(() => f.i32Const(0));
    f.set(sp);
    f.get(kc).set(p);
    f.loop(() => {
      for (let i = 0; i < w; i += 2) f.get(d).get(sp).v128Load(i * 8).v128Store(i * 8);
      addLocal(f, sp, colStride);
      addConst(f, d, w * 8);
      f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
    });
  };

  f.get(dst).set(d);
  f.i32Const(0).set(panel);
  f.block(() => {
    f.loop(() => {
      f.get(panel).get(rows).i32GeS().brIf(1);
      f.get(rows).get(panel).i32Sub().i32Const(w).i32GeS().if(
        () => {
          f.get(colStride).i32Const(8).i32Eq().if(
            () => {
              if (w % 2 === 0) alongP();
              else elementwise();
            },
            () => {
              f.get(rowStride).i32Const(8).i32Eq().if(
                () => {
                  if (w % 2 === 0) alongR();
                  else elementwise();
                },
                elementwise,
              );
            },
          );
        },
        elementwise,
      );
      addConst(f, panel, w);
      f.br(0);
    });
  });
}
