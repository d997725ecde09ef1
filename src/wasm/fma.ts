/**
 * Fused multiply-add for the dense layer's products: acc + x y with one rounding instead of two.
 *
 * The products of a layer's passes (dense-module.ts) spend their time on f64x2 multiplies and
 * adds. WebAssembly reaches the CPU's fused multiply-add only through relaxed SIMD's
 * `f64x2.relaxed_madd`, which an engine may also run as a multiply then an add. So this file
 * asks the engine once, with numbers whose fused and separate results differ:
 *   (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 fused, but 0 when the product is rounded first.
 * - "fused": the layer kernels use relaxed_madd, and each entry of a product is the same k
 *   products added in the same order as kernels-reference.ts, each step rounded once. That is
 *   at least as accurate, and agrees with the reference to a few units in the last place of
 *   the sum of |terms|; it is no longer the plain loops' result bit for bit. On bench (c), the
 *   digits MLP, it measured about 1.3x faster than "separate" (the median of six interleaved
 *   pairs of runs; 1.1x to 1.9x).
 * - "separate": multiply, then add, as the reference: bit for bit the plain loops. Also when the
 *   engine has relaxed SIMD but would not fuse (no FMA in the CPU): it would gain nothing there.
 *
 * Set the environment variable SCRATCHNET_FMA=0 before the first layer runs to have "separate"
 * anyway (every number then equals the plain loops', bit for bit, whatever the machine).
 *
 * Node 22 and later, and current browsers, have relaxed SIMD on. Node 20 and 21 (V8 11.3 to
 * 11.8) have it complete but behind the V8 flag --experimental-wasm-relaxed-simd, which
 * NODE_OPTIONS does not accept; the flag is set here, through v8.setFlagsFromString, only on
 * those two versions, only when the engine lacks the feature, and before any module using it is
 * compiled. It turns on that one WebAssembly feature and nothing else.
 */
import { ModuleBuilder, ValType } from "./emit";

export type MultiplyAdd = "fused" | "separate";

let mode: MultiplyAdd | undefined;

/** How the dense layer's products multiply and add in this process, decided on the first call. */
export function multiplyAdd(): MultiplyAdd {
  if (mode === undefined) mode = detect();
  return mode;
}

function detect(): MultiplyAdd {
  if (globalThis.process?.env?.SCRATCHNET_FMA === "0") return "separate";
  let madd = relaxedMadd();
  if (!madd && needsFlag()) {
    const v8 = globalThis.process.getBuiltinModule?.("node:v8") as typeof import("node:v8") | undefined;
    v8?.setFlagsFromString("--experimental-wasm-relaxed-simd");
    madd = relaxedMadd();
  }
  // Exactly the fused result, so an engine whose opcode means anything else is "separate" too.
  return madd && madd(1 + 2 ** -52, 1 - 2 ** -52, -1) === -(2 ** -104) ? "fused" : "separate";
}

/** Node 20 or 21, whose V8 has relaxed SIMD behind a flag. */
function needsFlag(): boolean {
  const major = Number(globalThis.process?.versions?.node?.split(".")[0]);
  return major === 20 || major === 21;
}

/** a b + c through f64x2.relaxed_madd, or null when this engine does not have relaxed SIMD. */
function relaxedMadd(): ((a: number, b: number, c: number) => number) | null {
  const mod = new ModuleBuilder(1);
  const f = mod.func([ValType.f64, ValType.f64, ValType.f64], [ValType.f64], "madd").body;
  // Lane 0 of relaxed_madd(splat a, splat b, splat c), through memory (no extract_lane in emit.ts).
  f.i32Const(0).get(0).f64x2Splat().get(1).f64x2Splat().get(2).f64x2Splat().f64x2RelaxedMadd().v128Store();
  f.i32Const(0).f64Load();
  const bytes = mod.encode();
  try {
    if (!WebAssembly.validate(bytes)) return null;
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    return exports.madd as (a: number, b: number, c: number) => number;
  } catch {
    return null;
  }
}
