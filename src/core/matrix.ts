/**
 * Matrix: a dense, row-major matrix of float64 values.
 *
 * This is the one array type of the library. Element (i, j) lives at
 * `data[i * cols + j]`. Nested `number[][]` arrays are accepted and returned
 * only at the edges (`Matrix.from`, `toArray`); everything inside works on the
 * flat `Float64Array`.
 *
 * The readable methods here allocate their result, which is what a notebook
 * wants. The training loop uses the `...Into` kernels in `kernels.ts`, which
 * write into buffers it owns, so that it allocates nothing per step.
 */

/** A shape written the way NumPy prints it: `(rows, cols)`. */
export function shapeOf(m: { rows: number; cols: number }): string {
  return `(${m.rows}, ${m.cols})`;
}

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values: element (i, j) is `data[i * cols + j]`. */
  readonly data: Float64Array;

  /**
   * A `rows x cols` matrix over `data` (not copied), or of zeros.
   * @example new Matrix(2, 3) // 2x3 zeros
   */
  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`Matrix shape must be two non-negative integers, got (${rows}, ${cols})`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Matrix data has ${data.length} values but shape (${rows}, ${cols}) needs ${rows * cols}`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * Builds a matrix from nested arrays, one inner array per row.
   * @example Matrix.from([[1, 2], [3, 4]]).cols // 2
   */
  static from(values: ArrayLike<ArrayLike<number>>, what = "Matrix.from"): Matrix {
    if (!values || typeof values.length !== "number") {
      throw new TypeError(`${what} expects an array of rows (number[][]), got ${describe(values)}`);
    }
    const rows = values.length;
    const cols = rows === 0 ? 0 : rowLength(values[0], 0, what);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const row = values[i];
      const n = rowLength(row, i, what);
      if (n !== cols) {
        throw new RangeError(`${what}: row ${i} has ${n} values but row 0 has ${cols}; rows must all be the same length`);
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== "number") {
          throw new TypeError(`${what}: row ${i}, column ${j} is ${describe(v)}, not a number`);
        }
        m.data[i * cols + j] = v;
      }
    }
    return m;
  }

  /** A single row, shape (1, n). */
  static row(values: ArrayLike<number>): Matrix {
    return Matrix.from([values], "Matrix.row");
  }

  /** A single column, shape (n, 1). */
  static column(values: ArrayLike<number>): Matrix {
    const m = new Matrix(values.length, 1);
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== "number") {
        throw new TypeError(`Matrix.column: entry ${i} is ${describe(values[i])}, not a number`);
      }
      m.data[i] = values[i];
    }
    return m;
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static filled(rows: number, cols: number, value: number): Matrix {
    return new Matrix(rows, cols).fill(value);
  }

  /** The `n x n` identity. */
  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** `(rows, cols)`, for error messages and printing. */
  get shape(): string {
    return shapeOf(this);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  get(i: number, j: number): number {
    this.checkIndex(i, j);
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): this {
    this.checkIndex(i, j);
    this.data[i * this.cols + j] = value;
    return this;
  }

  /** Nested arrays, one per row: the way out of the library. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    }
    return out;
  }

  /** All values in row-major order, as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** Row i as a plain array. */
  rowAt(i: number): number[] {
    this.checkIndex(i, 0, true);
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /** Column j as a plain array. */
  columnAt(j: number): number[] {
    this.checkIndex(0, j, false, true);
    const out = new Array<number>(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  /** A deep copy. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  fill(value: number): this {
    this.data.fill(value);
    return this;
  }

  /** Copies `other`'s values into this matrix (same shape). */
  copyFrom(other: Matrix): this {
    assertSameShape(this, other, "copyFrom");
    this.data.set(other.data);
    return this;
  }

  /**
   * The matrix product `this @ other`: (n, k) @ (k, m) -> (n, m).
   *
   * C[i][j] = sum_p A[i][p] * B[p][j]. Loops run i, p, j so the inner loop walks
   * both B and C along a row (the cache-friendly order).
   * @example Matrix.from([[1, 2]]).matmul(Matrix.from([[3], [4]])) // [[11]]
   */
  matmul(other: Matrix): Matrix {
    if (this.cols !== other.rows) {
      throw new RangeError(
        `matmul: cannot multiply ${this.shape} by ${other.shape}: ` +
          `the left matrix has ${this.cols} columns but the right one has ${other.rows} rows`,
      );
    }
    const n = this.rows, k = this.cols, m = other.cols;
    const a = this.data, b = other.data;
    const out = new Matrix(n, m);
    const c = out.data;
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        if (aip === 0) continue;
        for (let j = 0; j < m; j++) c[i * m + j] += aip * b[p * m + j];
      }
    }
    return out;
  }

  /** The transpose: (n, m) -> (m, n). */
  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) out.data[j * this.rows + i] = this.data[i * this.cols + j];
    }
    return out;
  }

  /** Short for `transpose()`, as in NumPy's `X.T`. */
  get T(): Matrix {
    return this.transpose();
  }

  /**
   * Element-wise sum. `other` may be the same shape, a (1, cols) row that is
   * added to every row (a bias), a (rows, 1) column added to every column, or a number.
   */
  add(other: Matrix | number): Matrix {
    return this.zip(other, "add", (x, y) => x + y);
  }

  /** Element-wise difference, broadcasting like `add`. */
  sub(other: Matrix | number): Matrix {
    return this.zip(other, "sub", (x, y) => x - y);
  }

  /** Element-wise (Hadamard) product, broadcasting like `add`. */
  mul(other: Matrix | number): Matrix {
    return this.zip(other, "mul", (x, y) => x * y);
  }

  /** Element-wise quotient, broadcasting like `add`. */
  div(other: Matrix | number): Matrix {
    return this.zip(other, "div", (x, y) => x / y);
  }

  /** Every element times `s`. */
  scale(s: number): Matrix {
    return this.map((x) => x * s);
  }

  /** A new matrix of `f(value, i, j)` for every element. */
  map(f: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) {
        const idx = i * this.cols + j;
        out.data[idx] = f(this.data[idx], i, j);
      }
    }
    return out;
  }

  /**
   * Sum of all elements, or along an axis as NumPy does:
   * axis 0 sums down the rows giving (1, cols); axis 1 sums across giving (rows, 1).
   */
  sum(): number;
  sum(axis: 0 | 1): Matrix;
  sum(axis?: 0 | 1): number | Matrix {
    if (axis === undefined) {
      let s = 0;
      for (let i = 0; i < this.data.length; i++) s += this.data[i];
      return s;
    }
    if (axis === 0) {
      const out = new Matrix(1, this.cols);
      for (let i = 0; i < this.rows; i++) {
        for (let j = 0; j < this.cols; j++) out.data[j] += this.data[i * this.cols + j];
      }
      return out;
    }
    if (axis === 1) {
      const out = new Matrix(this.rows, 1);
      for (let i = 0; i < this.rows; i++) {
        let s = 0;
        for (let j = 0; j < this.cols; j++) s += this.data[i * this.cols + j];
        out.data[i] = s;
      }
      return out;
    }
    throw new RangeError(`sum: axis must be 0 or 1, got ${String(axis)}`);
  }

  /** Mean of all elements, or along an axis like `sum`. */
  mean(): number;
  mean(axis: 0 | 1): Matrix;
  mean(axis?: 0 | 1): number | Matrix {
    if (axis === undefined) {
      if (this.size === 0) throw new RangeError("mean: the matrix is empty (shape " + this.shape + ")");
      return this.sum() / this.size;
    }
    const n = axis === 0 ? this.rows : this.cols;
    if (n === 0) throw new RangeError(`mean: axis ${axis} of ${this.shape} is empty`);
    return this.sum(axis).scale(1 / n);
  }

  /** Index of the largest value in each row, as a plain array (for class predictions). */
  argmaxRows(): number[] {
    const out = new Array<number>(this.rows);
    for (let i = 0; i < this.rows; i++) {
      let best = 0;
      for (let j = 1; j < this.cols; j++) {
        if (this.data[i * this.cols + j] > this.data[i * this.cols + best]) best = j;
      }
      out[i] = best;
    }
    return out;
  }

  /** The rows at `indices`, in that order, as a new matrix. */
  pickRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      if (!Number.isInteger(i) || i < 0 || i >= this.rows) {
        throw new RangeError(`pickRows: index ${i} is out of range for ${this.rows} rows`);
      }
      out.data.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), r * this.cols);
    }
    return out;
  }

  /** True when every element is within `tol` of `other`'s. */
  equals(other: Matrix, tol = 0): boolean {
    if (this.rows !== other.rows || this.cols !== other.cols) return false;
    for (let i = 0; i < this.data.length; i++) {
      if (!(Math.abs(this.data[i] - other.data[i]) <= tol)) return false;
    }
    return true;
  }

  /** The largest absolute element-wise difference to `other` (same shape). */
  maxAbsDiff(other: Matrix): number {
    assertSameShape(this, other, "maxAbsDiff");
    let worst = 0;
    for (let i = 0; i < this.data.length; i++) worst = Math.max(worst, Math.abs(this.data[i] - other.data[i]));
    return worst;
  }

  /** A short printable form, rows on their own lines. */
  toString(digits = 6): string {
    const rows = this.toArray().map((r) => "[" + r.map((v) => fmt(v, digits)).join(", ") + "]");
    return `Matrix ${this.shape}\n[` + rows.join(",\n ") + "]";
  }

  private zip(other: Matrix | number, op: string, f: (x: number, y: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data;
    if (typeof other === "number") {
      for (let i = 0; i < a.length; i++) o[i] = f(a[i], other);
      return out;
    }
    const b = other.data, cols = this.cols;
    if (other.rows === this.rows && other.cols === this.cols) {
      for (let i = 0; i < a.length; i++) o[i] = f(a[i], b[i]);
    } else if (other.rows === 1 && other.cols === cols) {
      for (let i = 0; i < this.rows; i++) {
        for (let j = 0; j < cols; j++) o[i * cols + j] = f(a[i * cols + j], b[j]);
      }
    } else if (other.cols === 1 && other.rows === this.rows) {
      for (let i = 0; i < this.rows; i++) {
        for (let j = 0; j < cols; j++) o[i * cols + j] = f(a[i * cols + j], b[i]);
      }
    } else {
      throw new RangeError(
        `${op}: shapes ${this.shape} and ${other.shape} do not match; the right side must be ` +
          `${this.shape}, a row (1, ${cols}) or a column (${this.rows}, 1)`,
      );
    }
    return out;
  }

  private checkIndex(i: number, j: number, rowOnly = false, colOnly = false): void {
    const badRow = !colOnly && (!Number.isInteger(i) || i < 0 || i >= this.rows);
    const badCol = !rowOnly && (!Number.isInteger(j) || j < 0 || j >= this.cols);
    if (badRow || badCol) {
      throw new RangeError(`index (${i}, ${j}) is outside a matrix of shape ${this.shape}`);
    }
  }
}

/** Throws a RangeError naming both shapes unless `a` and `b` have the same shape. */
export function assertSameShape(a: Matrix, b: Matrix, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${what}: shapes ${a.shape} and ${b.shape} must be equal`);
  }
}

function rowLength(row: unknown, i: number, what: string): number {
  if (row === null || typeof row !== "object" || typeof (row as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${what}: row ${i} is ${describe(row)}, not an array of numbers`);
  }
  return (row as ArrayLike<number>).length;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function fmt(v: number, digits: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(digits);
}
