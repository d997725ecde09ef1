/**
 * A tiny WebAssembly binary emitter: just enough of the format to write the
 * matmul module in gemm-module.ts from TypeScript, so the library needs no
 * .wat toolchain and no .wasm file on disk. It covers one memory, functions,
 * exports, and the handful of instructions that module uses; nothing else
 * (no tables, globals, imports or data segments).
 *
 * Binary format reference: https://webassembly.github.io/spec/core/binary/
 */

/** Value types, as their one-byte codes. */
export const ValType = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Unsigned LEB128, the variable-length encoding of every count and index. */
export function uleb(value: number, out: number[] = []): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`uleb: bad value ${value}`);
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128, used by i32.const (32-bit range). */
export function sleb(value: number, out: number[] = []): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`sleb: bad value ${value}`);
  }
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** The 8 little-endian bytes of an f64, as f64.const and v128.const want them. */
function f64Bytes(value: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([value]).buffer));
}

/** A vector: its length, then its items. */
function vec(items: number[][]): number[] {
  const out = uleb(items.length);
  for (const item of items) out.push(...item);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/**
 * The body of one function: its locals and its instructions. Methods are
 * named after the wasm instructions they append; the structured ones
 * (`block`, `loop`, `if`) take a callback for the nested code and close it.
 * Branch depths are counted the wasm way: 0 is the innermost enclosing label.
 */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** Declares a new local and returns its index (parameters come first). */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** The encoded body: locals (grouped runs of one type), code, `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private memarg(opcode: number[], alignLog2: number, offset: number): this {
    return this.emit(...opcode, ...uleb(alignLog2), ...uleb(offset));
  }

  private simd(op: number): number[] {
    return [0xfd, ...uleb(op)];
  }

  // Control flow. A block's label is its end; a loop's label is its start.
  block(body: () => void): this {
    this.emit(0x02, 0x40);
    body();
    return this.emit(0x0b);
  }
  loop(body: () => void): this {
    this.emit(0x03, 0x40);
    body();
    return this.emit(0x0b);
  }
  /** Pops an i32 condition; runs `then` if it is non-zero, else `otherwise`. */
  if(then: () => void, otherwise?: () => void): this {
    this.emit(0x04, 0x40);
    then();
    if (otherwise) {
      this.emit(0x05);
      otherwise();
    }
    return this.emit(0x0b);
  }
  br(depth: number): this {
    return this.emit(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.emit(0x0d, ...uleb(depth));
  }
  return(): this {
    return this.emit(0x0f);
  }
  call(funcIndex: number): this {
    return this.emit(0x10, ...uleb(funcIndex));
  }

  // Locals.
  get(index: number): this {
    return this.emit(0x20, ...uleb(index));
  }
  set(index: number): this {
    return this.emit(0x21, ...uleb(index));
  }
  tee(index: number): this {
    return this.emit(0x22, ...uleb(index));
  }

  // i32 arithmetic and comparisons.
  i32Const(v: number): this {
    return this.emit(0x41, ...sleb(v));
  }
  i32Eqz(): this {
    return this.emit(0x45);
  }
  i32Eq(): this {
    return this.emit(0x46);
  }
  i32Ne(): this {
    return this.emit(0x47);
  }
  i32LtS(): this {
    return this.emit(0x48);
  }
  i32GtS(): this {
    return this.emit(0x4a);
  }
  i32LeS(): this {
    return this.emit(0x4c);
  }
  i32GeS(): this {
    return this.emit(0x4e);
  }
  i32Add(): this {
    return this.emit(0x6a);
  }
  i32Sub(): this {
    return this.emit(0x6b);
  }
  i32Mul(): this {
    return this.emit(0x6c);
  }
  i32Or(): this {
    return this.emit(0x72);
  }
  i32And(): this {
    return this.emit(0x71);
  }
  i32Shl(): this {
    return this.emit(0x74);
  }
  i32ShrU(): this {
    return this.emit(0x76);
  }
  i32Popcnt(): this {
    return this.emit(0x69);
  }
  select(): this {
    return this.emit(0x1b);
  }

  // f64 scalars. Addresses are byte offsets into memory 0.
  f64Load(offset = 0): this {
    return this.memarg([0x2b], 3, offset);
  }
  f64Store(offset = 0): this {
    return this.memarg([0x39], 3, offset);
  }
  f64Const0(): this {
    return this.emit(0x44, 0, 0, 0, 0, 0, 0, 0, 0);
  }
  f64Const(value: number): this {
    return this.emit(0x44, ...f64Bytes(value));
  }
  f64Gt(): this {
    return this.emit(0x64);
  }
  f64Add(): this {
    return this.emit(0xa0);
  }
  f64Mul(): this {
    return this.emit(0xa2);
  }
  f64Div(): this {
    return this.emit(0xa3);
  }
  f64ConvertI32S(): this {
    return this.emit(0xb7);
  }

  // 128-bit SIMD, two f64 lanes. The alignment is a hint only, never a trap.
  v128Load(offset = 0): this {
    return this.memarg(this.simd(0x00), 3, offset);
  }
  v128Store(offset = 0): this {
    return this.memarg(this.simd(0x0b), 3, offset);
  }
  /** Loads one f64 and copies it into both lanes. */
  v128Load64Splat(offset = 0): this {
    return this.memarg(this.simd(0x0a), 3, offset);
  }
  v128Const0(): this {
    return this.emit(...this.simd(0x0c), ...new Array<number>(16).fill(0));
  }
  /** Pops an f64; both lanes set to it. */
  f64x2Splat(): this {
    return this.emit(...this.simd(0x14));
  }
  /** Both lanes set to `value`. */
  f64x2Const(value: number): this {
    return this.emit(...this.simd(0x0c), ...f64Bytes(value), ...f64Bytes(value));
  }
  /** Loads one f64 into lane 0 and zeroes lane 1. */
  v128Load64Zero(offset = 0): this {
    return this.memarg(this.simd(0x5d), 3, offset);
  }
  /** Pops (address, vector); loads one f64 into lane `lane` of the vector, keeping the other. */
  v128Load64Lane(lane: 0 | 1, offset = 0): this {
    return this.memarg(this.simd(0x57), 3, offset).emit(lane);
  }
  /** Pops (address, vector); stores lane `lane` (one f64). */
  v128Store64Lane(lane: 0 | 1, offset = 0): this {
    return this.memarg(this.simd(0x5b), 3, offset).emit(lane);
  }
  /** Lane by lane: all ones where x > y, else zeros. */
  f64x2Gt(): this {
    return this.emit(...this.simd(0x4a));
  }
  v128And(): this {
    return this.emit(...this.simd(0x4e));
  }
  /** Pops (x, y); x and not y. */
  v128AndNot(): this {
    return this.emit(...this.simd(0x4f));
  }
  v128Or(): this {
    return this.emit(...this.simd(0x50));
  }
  v128Xor(): this {
    return this.emit(...this.simd(0x51));
  }
  v128ConstAllOnes(): this {
    return this.emit(...this.simd(0x0c), ...new Array<number>(16).fill(0xff));
  }
  f64x2Lt(): this {
    return this.emit(...this.simd(0x49));
  }
  f64x2Eq(): this {
    return this.emit(...this.simd(0x47));
  }
  f64x2Sub(): this {
    return this.emit(...this.simd(0xf1));
  }
  f64x2Div(): this {
    return this.emit(...this.simd(0xf3));
  }
  /** Pops (x, y); lane by lane, x < y ? y : x (pseudo-max: max(0, z) is exactly `z > 0 ? z : 0`, NaN and -0 included). */
  f64x2Pmax(): this {
    return this.emit(...this.simd(0xf7));
  }
  f64x2Abs(): this {
    return this.emit(...this.simd(0xec));
  }
  f64x2Neg(): this {
    return this.emit(...this.simd(0xed));
  }
  /** Rounds toward zero, as a C cast to int does. */
  f64x2Trunc(): this {
    return this.emit(...this.simd(0x7a));
  }
  /** Pops (x, count); shifts each 64-bit lane left. */
  i64x2Shl(): this {
    return this.emit(...this.simd(0xcb));
  }
  /** The sign bits of the two 64-bit lanes, as bits 0 and 1 of an i32. */
  i64x2Bitmask(): this {
    return this.emit(...this.simd(0xc4));
  }
  /** Both lanes set to the f64 whose bits are `bits` (a 64-bit pattern). */
  f64x2ConstBits(bits: bigint): this {
    const lane = Array.from(new Uint8Array(new BigUint64Array([bits]).buffer));
    return this.emit(...this.simd(0x0c), ...lane, ...lane);
  }
  /** Pops (x, y, mask); bit by bit, x where mask is 1, y where it is 0. */
  v128Bitselect(): this {
    return this.emit(...this.simd(0x52));
  }
  /** Pops (x, y); byte i of the result is byte lanes[i] of x (0-15) or of y (16-31). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new RangeError(`i8x16.shuffle needs 16 lane indices in 0..31`);
    }
    return this.emit(...this.simd(0x0d), ...lanes);
  }
  f64x2Add(): this {
    return this.emit(...this.simd(0xf0));
  }
  /**
   * a * b + c from the stack's a, b, c (relaxed SIMD): one rounding where the CPU has fused
   * multiply-add, else two, as f64x2.mul then f64x2.add; see wasm/fma.ts.
   */
  f64x2RelaxedMadd(): this {
    return this.emit(...this.simd(0x107));
  }
  f64x2Mul(): this {
    return this.emit(...this.simd(0xf2));
  }

  // Bulk memory.
  /** Pops (dest, value, length); sets `length` bytes at dest to `value`. */
  memoryFill(): this {
    return this.emit(0xfc, ...uleb(11), 0x00);
  }
  /** Pops (dest, src, length); a memmove within memory 0. */
  memoryCopy(): this {
    return this.emit(0xfc, ...uleb(10), 0x00, 0x00);
  }
}

/** A module of one exported memory and some functions. */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeBytes: number[][] = [];
  private readonly funcs: { type: number; body: FunctionBody; exportName?: string }[] = [];

  constructor(
    private readonly memoryPages: number,
    private readonly memoryExportName = "memory",
  ) {}

  /** Reserves a function index (so functions can call each other) and returns its body. */
  func(params: ValType[], results: ValType[], exportName?: string): { index: number; body: FunctionBody } {
    const typeKey = params.join(",") + "->" + results.join(",");
    let type = this.types.indexOf(typeKey);
    if (type < 0) {
      type = this.types.length;
      this.types.push(typeKey);
      this.typeBytes.push([0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))]);
    }
    const body = new FunctionBody(params, results);
    this.funcs.push({ type, body, exportName });
    return { index: this.funcs.length - 1, body };
  }

  /** The module's bytes, ready for `new WebAssembly.Module`. */
  encode(): ArrayBuffer {
    const exports: number[][] = [];
    const name = (s: string) => {
      const utf8 = Array.from(new TextEncoder().encode(s));
      return [...uleb(utf8.length), ...utf8];
    };
    exports.push([...name(this.memoryExportName), 0x02, 0x00]);
    this.funcs.forEach((f, i) => {
      if (f.exportName !== undefined) exports.push([...name(f.exportName), 0x00, ...uleb(i)]);
    });
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, // "\0asm"
      0x01, 0x00, 0x00, 0x00, // version 1
      ...section(1, vec(this.typeBytes)),
      ...section(3, vec(this.funcs.map((f) => uleb(f.type)))),
      ...section(5, vec([[0x00, ...uleb(this.memoryPages)]])), // limits: min only, no max
      ...section(7, vec(exports)),
      ...section(10, vec(this.funcs.map((f) => f.body.encode()))),
    ];
    return new Uint8Array(bytes).buffer;
  }
}
