/**
 * The training rows for Network.fit, a batch at a time: each batch copied, in the epoch's order,
 * into buffers made once in the kernels' memory (kernelMatrix), beside the layers' own.
 */
import { kernelMatrix } from "../kernels";
import { Matrix } from "./matrix";
import { RandomState } from "../numerics/random";

/** Some rows of the inputs and of the targets, row for row. */
export interface Rows {
  X: Matrix; // (rows, nIn)
  y: Matrix; // (rows, targets' columns)
}

/** Rows (x, t) in batches of `size`; `all` is every row in order, for the loss. */
export class Batches {
  readonly all: Rows;
  readonly count: number;
  private readonly order: Int32Array; // which row goes where: the identity until shuffled
  private inOrder = true;
  private readonly buffers = new Map<number, Rows>(); // by row count (a last, shorter batch has its own)

  constructor(private readonly x: Matrix, private readonly t: Matrix, private readonly size: number) {
    this.all = { X: kernelMatrix(x.rows, x.cols).copyFrom(x), y: kernelMatrix(t.rows, t.cols).copyFrom(t) };
    this.count = Math.ceil(x.rows / size);
    this.order = Int32Array.from({ length: x.rows }, (_, i) => i);
  }

  /** A new order of the rows: the identity, shuffled (not the last order), so a resumed fit continues exactly. */
  shuffle(rng: RandomState): void {
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    rng.shuffle(this.order);
    this.inOrder = false;
  }

  /** Batch i: rows order[i * size ...], at most `size` of them; `all` itself when that is every row in order. */
  get(i: number): Rows {
    const start = i * this.size;
    const rows = Math.min(this.size, this.x.rows - start);
    if (rows === this.x.rows && this.inOrder) return this.all;
    let batch = this.buffers.get(rows);
    if (!batch) this.buffers.set(rows, (batch = { X: kernelMatrix(rows, this.x.cols), y: kernelMatrix(rows, this.t.cols) }));
    copyRows(this.x, this.order, start, batch.X);
    copyRows(this.t, this.order, start, batch.y);
    return batch;
  }
}

/** dst's rows are src's rows order[start], order[start + 1], ... */
function copyRows(src: Matrix, order: Int32Array, start: number, dst: Matrix): void {
  const c = src.cols, s = src.data, d = dst.data;
  for (let r = 0; r < dst.rows; r++) {
    const from = order[start + r] * c;
    for (let j = 0; j < c; j++) d[r * c + j] = s[from + j];
  }
}
