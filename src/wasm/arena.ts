/**
 * The dense module's one instance in this process, and the allocator of its memory: every
 * layer's WebAssembly buffers (wasm/dense.ts) are regions of it.
 *
 * One instance, not one per network: a call from JavaScript into an export then always reaches
 * the same function, which V8's optimizing compiler calls directly; with a new instance per
 * network, the call sites saw a new function each time and fell back to a generic, slower call.
 *
 * The memory is shared (a SharedArrayBuffer), for one property: growing it never detaches the
 * buffers already handed out. Every view made on it stays valid for good, and a region is
 * addressed by the same byte offset in every buffer of the memory. Nothing here uses threads.
 *
 * A region is given back when the objects it was made for (its views) have all been garbage
 * collected, so networks that are dropped do not hold their memory; see `track`.
 */
import { buildDenseModule } from "./dense-module";

/** The module's exports that wasm/dense.ts calls; the others (gemm, sigmoid, ...) run inside these. */
export interface DenseExports {
  memory: WebAssembly.Memory;
  forward(x: number, ldx: number, w: number, b: number, z: number, a: number, n: number, nIn: number, nOut: number, act: number, panel: number): number;
  backward(
    act: number, dA: number, z: number, a: number, dZ: number, x: number, w: number, wT: number, dW: number, db: number,
    dX: number, n: number, nIn: number, nOut: number, needDX: number, panel: number,
  ): void;
  sgd(p: number, g: number, len: number, lr: number): void;
}

/** A region of the memory: `bytes` bytes from byte offset `start`, seen through `buffer`. */
export interface Region {
  start: number;
  bytes: number;
  /** A buffer of the memory long enough to hold the region (the memory's buffer when it was made). */
  buffer: SharedArrayBuffer;
}

const PAGE = 65536;
/** Regions start on 16-byte boundaries: whole f64x2 vectors. */
const ALIGN = 16;

export class DenseArena {
  readonly exports: DenseExports;
  /** Free regions below `top`, by start, none adjacent to another. */
  private readonly free: { start: number; bytes: number }[] = [];
  /**
   * The end of the memory handed out so far; above it, all is free. It starts past the first 16
   * bytes, so that no region is at address 0, which the module's functions read as "none".
   */
  private top = ALIGN;
  /** Every buffer object the memory has shown: a view on any of them is in this memory. */
  private readonly buffers = new WeakSet<object>();
  private readonly registry = new FinalizationRegistry<{ region: Region; live: number }>((owner) => {
    if (--owner.live === 0) this.release(owner.region);
  });

  constructor(exports: DenseExports) {
    this.exports = exports;
    this.buffers.add(exports.memory.buffer);
  }

  /** True when `buffer` belongs to this memory (some view of it, from before or after a grow). */
  owns(buffer: ArrayBufferLike): boolean {
    return this.buffers.has(buffer);
  }

  /** The bytes in use (allocated and not yet released), for tests and measurements. */
  get bytesInUse(): number {
    return this.top - ALIGN - this.free.reduce((sum, r) => sum + r.bytes, 0);
  }

  /**
   * A region of at least `bytes` bytes (rounded up to 16), the first free one that fits, or new
   * memory at the top, growing the memory as needed; null when the memory cannot grow that far.
   */
  alloc(bytes: number): Region | null {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let start = -1;
    const i = this.free.findIndex((r) => r.bytes >= size);
    if (i >= 0) {
      const r = this.free[i];
      start = r.start;
      if (r.bytes === size) this.free.splice(i, 1);
      else this.free[i] = { start: r.start + size, bytes: r.bytes - size };
    } else {
      const memory = this.exports.memory;
      const needed = this.top + size - memory.buffer.byteLength;
      if (needed > 0) {
        try {
          memory.grow(Math.ceil(needed / PAGE));
        } catch {
          return null; // beyond the memory's maximum, or out of address space
        }
        this.buffers.add(memory.buffer);
      }
      start = this.top;
      this.top += size;
    }
    return { start, bytes: size, buffer: this.exports.memory.buffer as unknown as SharedArrayBuffer };
  }

  /** Gives a region back, merging it with free neighbours (and with the top). */
  release(region: Region): void {
    let start = region.start, end = region.start + region.bytes;
    let i = 0;
    while (i < this.free.length && this.free[i].start < start) i++;
    if (i > 0 && this.free[i - 1].start + this.free[i - 1].bytes === start) {
      start = this.free[i - 1].start;
      this.free.splice(--i, 1);
    }
    if (i < this.free.length && this.free[i].start === end) {
      end += this.free[i].bytes;
      this.free.splice(i, 1);
    }
    if (end === this.top) this.top = start;
    else this.free.splice(i, 0, { start, bytes: end - start });
  }

  /**
   * Releases `region` once every object in `owners` has been garbage collected: the views that
   * a caller hands out. (The memory is reused only when nothing can read the old values.)
   */
  track(region: Region, owners: readonly object[]): void {
    const owner = { region, live: owners.length };
    for (const o of owners) this.registry.register(o, owner);
  }
}

let arena: DenseArena | null | undefined; // undefined: not tried; null: no wasm SIMD or shared memory here

/**
 * The process's arena, made on first use; null when this runtime lacks WebAssembly SIMD or
 * shared memory (then layers keep their plain buffers and loops).
 */
export function denseArena(): DenseArena | null {
  if (arena !== undefined) return arena;
  arena = null;
  try {
    const bytes = buildDenseModule();
    if (typeof WebAssembly === "object" && WebAssembly.validate(bytes)) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
      arena = new DenseArena(instance.exports as unknown as DenseExports);
    }
  } catch {
    // no WebAssembly SIMD or shared memory: the plain loops serve
  }
  return arena;
}
