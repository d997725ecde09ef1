/**
 * The WebAssembly backend's kernels, in AssemblyScript (TypeScript with WebAssembly's types):
 * a matrix product, adding a bias row, column sums, the SGD step, the ReLU and sigmoid forward
 * and backward, and softmax's forward. `npm run build` compiles this file to dist/kernels.wasm; ../wasm.ts loads it and
 * calls these functions.
 *
 * Every result equals the reference loops' (../reference.ts) bit for bit: each entry of a
 * product is 0, plus its k products a[i][p] b[p][j] in the order p = 0, 1, ..., k-1, each
 * rounded (a multiply, then an add; never fused, but in the opt-in FUSED_MADD build).
 * The speed comes from doing four rows and up to four columns at once, two columns per f64x2
 * register, which changes nothing in each entry's own sum.
 *
 * Pointers are byte offsets into the memory that ../wasm.ts gives the module; sizes count f64s.
 */

/** Rows of op(B) per block: each tile sums over at most KC rows, then the next block adds to C. */
const KC: i32 = 256;
/** Columns of op(B) per block: a packed block of KC x NC f64s (256 KB) stays in L2. */
const NC: i32 = 128;

/**
 * The sparse product below lists the entries of op(A) that are not zero for a few rows at a time:
 * at most this many entries (so k up to this many), an f64 and an offset each.
 */
const SPARSE_ENTRIES: i32 = 8192;

/**
 * The share of zeros in op(A) from which the sparse product is used. Below it the dense tiles are
 * faster: each B value they load serves four rows, where the sparse product loads it for one
 * entry. Measured here (bench's shapes of workload (c), 32 to 1797 rows): at half zeros the dense
 * tiles took 0.85-0.95 of the sparse product's time, at 55% the sparse product took 0.8-1.0 of
 * theirs, at 70% about 0.6.
 */
const SPARSE_MIN_ZEROS: f64 = 0.55;

/**
 * Scratch bytes that `gemm` needs at `work`: a packed block of op(B), then one 4 x 4 tile; then,
 * for the sparse product, its lists of entries and where each row's list ends.
 */
export const GEMM_WORK_BYTES: i32 = (KC * NC + 16) * 8 + SPARSE_ENTRIES * 12 + SPARSE_ENTRIES * 4;

/**
 * Whether each multiply-add of a product is fused (one rounding instead of two): only in the
 * build for the opt-in "wasm-fma" backend, compiled with `--use FUSED=1` and relaxed SIMD.
 */
// @ts-ignore: FUSED is declared only by asc's --use
const FUSED_MADD: bool = isDefined(FUSED);

/** acc + a b, two lanes at a time. */
// @ts-ignore: inlined by the compiler
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return FUSED_MADD ? f64x2.relaxed_madd(a, b, acc) : f64x2.add(acc, f64x2.mul(a, b));
}

/**
 * C (n, m) = op(A) (n, k) @ op(B) (k, m), plus the row `bias` (m values) when bias is not 0.
 * op(A)[i][p] is at a + i * aRow + p * aCol and op(B)[p][j] at b + p * bRow + j * bCol (strides
 * in bytes, so one function does X @ W, X^T @ dZ and dZ @ W^T). C is row-major, m columns.
 * `work` holds GEMM_WORK_BYTES of scratch. The tiles read op(B) in place or packed (see packB);
 * in place, they may read one value past the last row of op(B), which the caller's memory must
 * allow.
 */
export function gemm(
  a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, bCol: usize,
  c: usize, n: i32, k: i32, m: i32, bias: usize, work: usize,
): void {
  if (n <= 0 || m <= 0) return;
  if (k <= 0) {
    memory.fill(c, 0, <usize>n * m << 3); // an empty sum is 0
    if (bias) addRow(c, n, m, bias);
    return;
  }
  // With many zeros in op(A), the sparse product is faster (same bits); it says when it is not.
  if (m >= 16 && k * 16 <= KC * NC && gemmSparse(a, aRow, aCol, b, bRow, bCol, c, n, k, m, bias, work)) return;
  const ldc = <usize>m << 3;
  for (let jc = 0; jc < m; jc += NC) {
    const nc = min(NC, m - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const more = pc > 0; // C holds the sums over the rows of op(B) before pc: add to them
      const last = pc + kc >= k; // then add the bias, after every product
      // op(B) is read in place when its columns are adjacent and few rows of A share it; else
      // packed, which pays back over many rows of A and keeps each tile's reads contiguous.
      // Measured here: with 32 rows (a mini-batch) packing cost about a tenth of the product, and
      // from 48 rows up the two ways took the same time.
      const packed = bCol != 8 || n > 32;
      if (packed) packB(b + <usize>pc * bRow + <usize>jc * bCol, bRow, bCol, kc, nc, work);
      const rows = a + <usize>pc * aCol;
      for (let q = 0; q < nc; q += 4) {
        const at = c + (<usize>(jc + q) << 3);
        const nr = min(4, nc - q);
        const cols = packed ? work + (<usize>q * kc << 3) : b + <usize>pc * bRow + (<usize>(jc + q) << 3);
        const colsRow: usize = packed ? 32 : bRow;
        const add = bias && last ? bias + ((<usize>jc + q) << 3) : 0;
        const tmp = work + (<usize>KC * NC << 3);
        if (nr > 2) columns4(rows, aRow, aCol, n, cols, colsRow, kc, at, ldc, nr, more, add, tmp);
        else columns2(rows, aRow, aCol, n, cols, colsRow, kc, at, ldc, nr, more, add, tmp);
      }
    }
  }
}

/**
 * `gemm` for an op(A) with many zeros (ReLU's outputs and the gradients behind them are about half
 * zeros, the digits' blank pixels too): each row i of C from only the rows p of op(B) whose
 * op(A)[i][p] is not zero, still in the order p = 0, 1, ..., so every entry's sum is the
 * reference's with its zero terms left out. Leaving them out changes no bit: such a term is
 * 0 * (a finite value) = +-0, and s + (+-0) = s for every s this sum can hold (it starts at +0,
 * and a sum that starts at +0 is never -0 when rounding to nearest). Where op(B) holds an
 * infinity or NaN (whose product with 0 is NaN), its slice takes every term. The bias comes last.
 *
 * A group of rows lists its entries that are not zero first; when fewer than SPARSE_MIN_ZEROS of
 * the first group's entries are zero, this returns false at once and the dense tiles do the product.
 * Then op(B) is copied sixteen columns at a time into a contiguous slice (k x 16, zero-padded past
 * column m: rows of op(B) 2^n bytes apart would all fall into the same few sets of the L1 cache),
 * which serves every row of the group with eight registers of sums, enough to keep the adder busy.
 * Needs m >= 16 and k <= 2048 (a slice fits the scratch).
 */
function gemmSparse(
  a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, bCol: usize,
  c: usize, n: i32, k: i32, m: i32, bias: usize, work: usize,
): bool {
  const slice = work; // k rows of 16 f64s
  const tmp = work + (<usize>KC * NC << 3); // one row of a last, partial slice
  const values = tmp + (16 << 3); // the group's entries that are not zero
  const offsets = values + (<usize>SPARSE_ENTRIES << 3); // where their rows of the slice start
  const ends = offsets + (<usize>SPARSE_ENTRIES << 2); // where each row's list ends
  const group = SPARSE_ENTRIES / k;
  for (let i0 = 0; i0 < n; i0 += group) {
    const g = min(group, n - i0);
    // The lists, without a branch per entry: each is written, and kept only when not zero.
    let count: i32 = 0;
    for (let r = 0; r < g; r++) {
      let at = a + <usize>(i0 + r) * aRow;
      for (let p = 0; p < k; p++) {
        const v = load<f64>(at);
        store<f64>(values + (<usize>count << 3), v);
        store<u32>(offsets + (<usize>count << 2), <u32>p << 7);
        count += i32(v != 0);
        at += aCol;
      }
      store<u32>(ends + (<usize>r << 2), count);
    }
    if (i0 == 0 && <f64>count > (1 - SPARSE_MIN_ZEROS) * <f64>(g * k)) return false;
    for (let j = 0; j < m; j += 16) {
      const w = min(16, m - j);
      // The slice, and whether it holds an infinity or NaN: x * 0 is NaN then, and NaN != NaN.
      let bad = f64x2.splat(0);
      const zero = f64x2.splat(0);
      for (let p = 0; p < k; p++) {
        const from = b + <usize>p * bRow + <usize>j * bCol, to = slice + (<usize>p << 7);
        if (bCol == 8 && w == 16) {
          for (let q = 0; q < 128; q += 16) {
            const x = v128.load(from + q), t = f64x2.mul(x, zero);
            v128.store(to + q, x);
            bad = v128.or(bad, f64x2.ne(t, t));
          }
        } else {
          for (let q = 0; q < 16; q++) {
            const x = q < w ? load<f64>(from + <usize>q * bCol) : 0, t = x * 0;
            store<f64>(to + (<usize>q << 3), x);
            bad = v128.or(bad, f64x2.ne(f64x2.splat(t), f64x2.splat(t)));
          }
        }
      }
      const everyTerm = v128.any_true(bad);
      let e = 0;
      for (let r = 0; r < g; r++) {
        const end = <i32>load<u32>(ends + (<usize>r << 2));
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
        let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
        if (everyTerm) {
          let at = a + <usize>(i0 + r) * aRow, row = slice;
          for (let p = 0; p < k; p++) {
            const x = v128.load64_splat(at);
            s0 = madd(s0, x, v128.load(row)); s1 = madd(s1, x, v128.load(row, 16));
            s2 = madd(s2, x, v128.load(row, 32)); s3 = madd(s3, x, v128.load(row, 48));
            s4 = madd(s4, x, v128.load(row, 64)); s5 = madd(s5, x, v128.load(row, 80));
            s6 = madd(s6, x, v128.load(row, 96)); s7 = madd(s7, x, v128.load(row, 112));
            at += aCol;
            row += 128;
          }
        } else {
          for (; e < end; e++) {
            const x = v128.load64_splat(values + (<usize>e << 3));
            const at = slice + <usize>load<u32>(offsets + (<usize>e << 2));
            s0 = madd(s0, x, v128.load(at)); s1 = madd(s1, x, v128.load(at, 16));
            s2 = madd(s2, x, v128.load(at, 32)); s3 = madd(s3, x, v128.load(at, 48));
            s4 = madd(s4, x, v128.load(at, 64)); s5 = madd(s5, x, v128.load(at, 80));
            s6 = madd(s6, x, v128.load(at, 96)); s7 = madd(s7, x, v128.load(at, 112));
          }
        }
        e = end;
        const o = c + ((<usize>(i0 + r) * m + j) << 3);
        const t = w == 16 ? o : tmp;
        if (bias && w == 16) {
          const bj = bias + (<usize>j << 3);
          s0 = f64x2.add(s0, v128.load(bj)); s1 = f64x2.add(s1, v128.load(bj, 16));
          s2 = f64x2.add(s2, v128.load(bj, 32)); s3 = f64x2.add(s3, v128.load(bj, 48));
          s4 = f64x2.add(s4, v128.load(bj, 64)); s5 = f64x2.add(s5, v128.load(bj, 80));
          s6 = f64x2.add(s6, v128.load(bj, 96)); s7 = f64x2.add(s7, v128.load(bj, 112));
        }
        v128.store(t, s0); v128.store(t, s1, 16); v128.store(t, s2, 32); v128.store(t, s3, 48);
        v128.store(t, s4, 64); v128.store(t, s5, 80); v128.store(t, s6, 96); v128.store(t, s7, 112);
        if (w < 16) {
          // A partial slice: its w columns, each plus its bias (the same one rounding as above).
          for (let q = 0; q < w; q++) {
            const v = load<f64>(tmp + (<usize>q << 3));
            store<f64>(o + (<usize>q << 3), bias ? v + load<f64>(bias + (<usize>(j + q) << 3)) : v);
          }
        }
      }
    }
  }
  return true;
}

/**
 * Copies kc rows and nc columns of op(B) into panels of 4 columns, each row of a panel 4 adjacent
 * f64s (row p of panel q at (q kc + 4 p) f64s), zero-padded past column nc: a tile then reads its
 * columns of B as one short contiguous stream.
 */
function packB(b: usize, bRow: usize, bCol: usize, kc: i32, nc: i32, out: usize): void {
  for (let q = 0; q < nc; q += 4) {
    const cols = min(4, nc - q);
    let to = out + (<usize>q * kc << 3), from = b + <usize>q * bCol;
    for (let p = 0; p < kc; p++) {
      if (cols == 4 && bCol == 8) {
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      } else {
        for (let j = 0; j < 4; j++) store<f64>(to + (<usize>j << 3), j < cols ? load<f64>(from + <usize>j * bCol) : 0);
      }
      to += 32;
      from += bRow;
    }
  }
}

/**
 * Up to four columns of C (nr of them stored), all n rows, four at a time, at c (row stride ldc
 * bytes): each from 0, or with `more` from what C holds, plus kc products of the rows of op(A)
 * and the rows of op(B) at `b` (bRow bytes apart), plus the nr values at `bias` unless it is 0.
 * Eight registers, each two columns of one row. In the last, partial group of rows, the rows past
 * n read row n - 1 again, and are not stored; a partial group goes through the tile at `tmp`.
 */
function columns4(
  a: usize, aRow: usize, aCol: usize, n: i32, b: usize, bRow: usize, kc: i32, c: usize, ldc: usize, nr: i32, more: bool,
  bias: usize, tmp: usize,
): void {
  const b0 = bias ? loadPair(bias, nr) : f64x2.splat(0), b1 = bias ? loadPair(bias + 16, nr - 2) : f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const mr = min(4, n - i);
    const r0 = a + <usize>i * aRow, r1 = a + <usize>min(i + 1, n - 1) * aRow;
    const r2 = a + <usize>min(i + 2, n - 1) * aRow, r3 = a + <usize>min(i + 3, n - 1) * aRow;
    const whole = mr == 4 && nr == 4;
    const t = whole ? c + <usize>i * ldc : tmp, ld: usize = whole ? ldc : 32;
    let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
    let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
    if (more) {
      if (!whole) copyTile(c + <usize>i * ldc, ldc, tmp, 32, mr, nr);
      c00 = v128.load(t); c01 = v128.load(t, 16); c10 = v128.load(t + ld); c11 = v128.load(t + ld, 16);
      c20 = v128.load(t + 2 * ld); c21 = v128.load(t + 2 * ld, 16); c30 = v128.load(t + 3 * ld); c31 = v128.load(t + 3 * ld, 16);
    }
    let off: usize = 0, pb = b, p = kc;
    do {
      const x0 = v128.load(pb), x1 = v128.load(pb, 16);
      const a0 = v128.load64_splat(r0 + off), a1 = v128.load64_splat(r1 + off);
      const a2 = v128.load64_splat(r2 + off), a3 = v128.load64_splat(r3 + off);
      c00 = madd(c00, a0, x0); c01 = madd(c01, a0, x1);
      c10 = madd(c10, a1, x0); c11 = madd(c11, a1, x1);
      c20 = madd(c20, a2, x0); c21 = madd(c21, a2, x1);
      c30 = madd(c30, a3, x0); c31 = madd(c31, a3, x1);
      off += aCol;
      pb += bRow;
    } while (--p);
    if (bias) {
      c00 = f64x2.add(c00, b0); c01 = f64x2.add(c01, b1); c10 = f64x2.add(c10, b0); c11 = f64x2.add(c11, b1);
      c20 = f64x2.add(c20, b0); c21 = f64x2.add(c21, b1); c30 = f64x2.add(c30, b0); c31 = f64x2.add(c31, b1);
    }
    v128.store(t, c00); v128.store(t, c01, 16); v128.store(t + ld, c10); v128.store(t + ld, c11, 16);
    v128.store(t + 2 * ld, c20); v128.store(t + 2 * ld, c21, 16); v128.store(t + 3 * ld, c30); v128.store(t + 3 * ld, c31, 16);
    if (!whole) copyTile(tmp, 32, c + <usize>i * ldc, ldc, mr, nr);
  }
}

/** As columns4 for the last one or two columns: four registers, one per row. */
function columns2(
  a: usize, aRow: usize, aCol: usize, n: i32, b: usize, bRow: usize, kc: i32, c: usize, ldc: usize, nr: i32, more: bool,
  bias: usize, tmp: usize,
): void {
  const b0 = bias ? loadPair(bias, nr) : f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const mr = min(4, n - i);
    const r0 = a + <usize>i * aRow, r1 = a + <usize>min(i + 1, n - 1) * aRow;
    const r2 = a + <usize>min(i + 2, n - 1) * aRow, r3 = a + <usize>min(i + 3, n - 1) * aRow;
    const whole = mr == 4 && nr == 2;
    const t = whole ? c + <usize>i * ldc : tmp, ld: usize = whole ? ldc : 16;
    let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
    if (more) {
      if (!whole) copyTile(c + <usize>i * ldc, ldc, tmp, 16, mr, nr);
      c0 = v128.load(t); c1 = v128.load(t + ld); c2 = v128.load(t + 2 * ld); c3 = v128.load(t + 3 * ld);
    }
    let off: usize = 0, pb = b, p = kc;
    do {
      const x0 = v128.load(pb);
      c0 = madd(c0, v128.load64_splat(r0 + off), x0);
      c1 = madd(c1, v128.load64_splat(r1 + off), x0);
      c2 = madd(c2, v128.load64_splat(r2 + off), x0);
      c3 = madd(c3, v128.load64_splat(r3 + off), x0);
      off += aCol;
      pb += bRow;
    } while (--p);
    if (bias) {
      c0 = f64x2.add(c0, b0); c1 = f64x2.add(c1, b0); c2 = f64x2.add(c2, b0); c3 = f64x2.add(c3, b0);
    }
    v128.store(t, c0); v128.store(t + ld, c1); v128.store(t + 2 * ld, c2); v128.store(t + 3 * ld, c3);
    if (!whole) copyTile(tmp, 16, c + <usize>i * ldc, ldc, mr, nr);
  }
}

/** Two adjacent values at `at`, of which `cols` (0, 1 or 2 and more) are real; the others 0. */
// @ts-ignore: inlined by the compiler
@inline function loadPair(at: usize, cols: i32): v128 {
  if (cols <= 0) return f64x2.splat(0);
  if (cols >= 2) return v128.load(at);
  return f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(at));
}

/** Copies the top-left mr x nr of a tile between two row strides (bytes): the edges of C. */
function copyTile(from: usize, ldFrom: usize, to: usize, ldTo: usize, mr: i32, nr: i32): void {
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) store<f64>(to + <usize>i * ldTo + (<usize>j << 3), load<f64>(from + <usize>i * ldFrom + (<usize>j << 3)));
  }
}

/** z (n, m) += b (m) on every row. */
export function addRow(z: usize, n: i32, m: i32, b: usize): void {
  let at = z;
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      v128.store(at, f64x2.add(v128.load(at), v128.load(b + (<usize>j << 3))));
      at += 16;
    }
    if (j < m) {
      store<f64>(at, load<f64>(at) + load<f64>(b + (<usize>j << 3)));
      at += 8;
    }
  }
}

/**
 * out (m) = the column sums of x (n, m): out[j] = 0 + x[0][j] + x[1][j] + ..., rows in order.
 * Each column's sum waits on its previous add, so eight columns (four registers) go down the rows
 * together: their adds overlap, and each column's own order is unchanged.
 */
export function sumRows(x: usize, n: i32, m: i32, out: usize): void {
  const ld = <usize>m << 3;
  let j = 0;
  for (; j + 8 <= m; j += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let at = x + (<usize>j << 3);
    for (let i = 0; i < n; i++) {
      s0 = f64x2.add(s0, v128.load(at)); s1 = f64x2.add(s1, v128.load(at, 16));
      s2 = f64x2.add(s2, v128.load(at, 32)); s3 = f64x2.add(s3, v128.load(at, 48));
      at += ld;
    }
    const o = out + (<usize>j << 3);
    v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
  }
  for (; j + 2 <= m; j += 2) {
    let s = f64x2.splat(0);
    let at = x + (<usize>j << 3);
    for (let i = 0; i < n; i++) {
      s = f64x2.add(s, v128.load(at));
      at += ld;
    }
    v128.store(out + (<usize>j << 3), s);
  }
  if (j < m) {
    let s: f64 = 0;
    for (let i = 0; i < n; i++) s += load<f64>(x + ((<usize>i * m + j) << 3));
    store<f64>(out + (<usize>j << 3), s);
  }
}

/** The SGD step p -= lr * g over len values, as optimizers.ts writes it. */
export function sgd(p: usize, g: usize, len: i32, lr: f64): void {
  const rate = f64x2.splat(lr);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const at = <usize>i << 3;
    v128.store(p + at, f64x2.sub(v128.load(p + at), f64x2.mul(rate, v128.load(g + at))));
  }
  if (i < len) {
    const at = <usize>i << 3;
    store<f64>(p + at, load<f64>(p + at) - lr * load<f64>(g + at));
  }
}

/** ReLU: a = z > 0 ? z : 0 over len values, as activations.ts writes it (NaN and -0 give +0). */
export function relu(z: usize, a: usize, len: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const at = <usize>i << 3;
    // pmax(0, z) is 0 < z ? z : 0, exactly the reference's choice, with no branch.
    v128.store(a + at, f64x2.pmax(zero, v128.load(z + at)));
  }
  if (i < len) {
    const v = load<f64>(z + (<usize>i << 3));
    store<f64>(a + (<usize>i << 3), v > 0 ? v : 0);
  }
}

/** ReLU's backward: dZ = z > 0 ? dA : 0 over len values, as activations.ts writes it. */
export function reluBackward(z: usize, dA: usize, dZ: usize, len: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const at = <usize>i << 3;
    const positive = f64x2.lt(zero, v128.load(z + at)); // all ones where 0 < z
    v128.store(dZ + at, v128.and(v128.load(dA + at), positive));
  }
  if (i < len) {
    const at = <usize>i << 3;
    store<f64>(dZ + at, load<f64>(z + at) > 0 ? load<f64>(dA + at) : 0);
  }
}

/** The sigmoid's backward: dZ = dA * a * (1 - a) over len values, from its output a, as activations.ts writes it. */
export function sigmoidBackward(a: usize, dA: usize, dZ: usize, len: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const at = <usize>i << 3;
    const y = v128.load(a + at);
    v128.store(dZ + at, f64x2.mul(f64x2.mul(v128.load(dA + at), y), f64x2.sub(one, y)));
  }
  if (i < len) {
    const at = <usize>i << 3;
    const y = load<f64>(a + at);
    store<f64>(dZ + at, load<f64>(dA + at) * y * (1 - y));
  }
}

/**
 * The sigmoid, a = 1 / (1 + e^-z), over len values, with e^x exactly as V8 computes Math.exp
 * (fdlibm's algorithm: x = k ln2 + r, e^r from a rational approximation, times 2^k), two lanes at
 * a time; a pair with an |x| of 708 or more, or NaN, takes `exp`, the same algorithm one lane at a
 * time through JavaScript's Math.exp itself. So the result is activations.ts's loop, bit for bit.
 */
export function sigmoid(z: usize, a: usize, len: i32): void {
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const at = <usize>i << 3;
    const x = f64x2.neg(v128.load(z + at));
    v128.store(a + at, f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), expPair(x))));
  }
  if (i < len) store<f64>(a + (<usize>i << 3), 1 / (1 + exp(-load<f64>(z + (<usize>i << 3)))));
}

/**
 * Softmax, row by row, over n rows of m values: a_j = e^(z_j - max z) / sum_k e^(z_k - max z), as
 * activations.ts writes it: the row's maximum, then each e^x (two lanes at a time, `exp` for a
 * pair with |x| >= 708 or NaN) summed one at a time in order, then each divided by the sum.
 */
export function softmax(z: usize, a: usize, n: i32, m: i32): void {
  const ld = <usize>m << 3;
  for (let i = 0; i < n; i++) {
    const zi = z + <usize>i * ld, ai = a + <usize>i * ld;
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      const v = load<f64>(zi + (<usize>j << 3));
      if (v > max) max = v;
    }
    const top = f64x2.splat(max);
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      const at = <usize>j << 3;
      const x = f64x2.sub(v128.load(zi + at), top);
      v128.store(ai + at, expPair(x));
    }
    if (j < m) store<f64>(ai + (<usize>j << 3), exp(load<f64>(zi + (<usize>j << 3)) - max));
    let sum: f64 = 0;
    for (let q = 0; q < m; q++) sum += load<f64>(ai + (<usize>q << 3));
    const total = f64x2.splat(sum);
    j = 0;
    for (; j + 2 <= m; j += 2) v128.store(ai + (<usize>j << 3), f64x2.div(v128.load(ai + (<usize>j << 3)), total));
    if (j < m) store<f64>(ai + (<usize>j << 3), load<f64>(ai + (<usize>j << 3)) / sum);
  }
}

/** e^x on two lanes, V8's bits: `exp2` when both |x| < 708, else JavaScript's Math.exp on each. */
// @ts-ignore: inlined by the compiler
@inline function expPair(x: v128): v128 {
  if (i64x2.all_true(f64x2.lt(f64x2.abs(x), f64x2.splat(708)))) return exp2(x);
  return f64x2.replace_lane(f64x2.splat(exp(f64x2.extract_lane(x, 0))), 1, exp(f64x2.extract_lane(x, 1)));
}

/** `exp` on two lanes with |x| < 708, with selects instead of its branches. */
// @ts-ignore: inlined by the compiler
@inline function exp2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const sign = v128.and(x, i64x2.splat(0x8000000000000000));
  // k = trunc(x / ln2 + copysign(0.5, x)); +-1 for ln2/2 < |x| < 1.5 ln2; 0 for |x| <= ln2/2.
  let k = f64x2.trunc(f64x2.add(f64x2.mul(x, f64x2.splat(1.44269504088896338700e+00)), v128.or(sign, f64x2.splat(0.5))));
  k = v128.bitselect(v128.or(sign, f64x2.splat(1)), k, f64x2.lt(ax, f64x2.splat(reinterpret<f64>(0x3ff0a2b200000000))));
  k = v128.andnot(k, f64x2.lt(ax, f64x2.splat(reinterpret<f64>(0x3fd62e4300000000))));
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(6.93147180369123816490e-01)));
  const lo = f64x2.mul(k, f64x2.splat(1.90821492927058770002e-10));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(-1.65339022054652515390e-06), f64x2.mul(t, f64x2.splat(4.13813679705723846039e-08)));
  p = f64x2.add(f64x2.splat(6.61375632143793436117e-05), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(-2.77777777770155933842e-03), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(1.66666666666666019037e-01), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const y = f64x2.sub(f64x2.splat(1), f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2), c))), hi));
  // 2^k from its bits: k + 1023 + 2^52 holds k + 1023 in its low bits; shifted up, that is 2^k's exponent.
  const twopk = i64x2.shl(f64x2.add(k, f64x2.splat(1023 + 4503599627370496)), 52);
  let e = f64x2.mul(y, twopk);
  // |x| < 2^-28: 1 + x. x = 1: V8's E.
  e = v128.bitselect(f64x2.add(f64x2.splat(1), x), e, f64x2.lt(ax, f64x2.splat(reinterpret<f64>(0x3e30000000000000))));
  return v128.bitselect(f64x2.splat(2.718281828459045), e, f64x2.eq(x, f64x2.splat(1)));
}

/** JavaScript's own Math.exp, imported: for the rare values that `exp2` leaves out. */
// @ts-ignore: an import, given by ../wasm.ts
@external("env", "exp") declare function exp(x: f64): f64;
