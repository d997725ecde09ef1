/**
 * The compiled kernels' bytes (kernels/assembly/kernels.ts, built by `npm run build` into
 * dist/). In Node they are read from the build output; a browser bundle replaces this file with
 * one that carries the bytes inside it.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";

/** The .wasm for plain or fused multiply-adds, or null when it has not been built. */
export function kernelBytes(fused: boolean): Uint8Array<ArrayBuffer> | null {
  const file = fused ? "kernels-fma.wasm" : "kernels.wasm";
  // Compiled, this file is dist/kernels/wasm-bytes.js; run from source (tests), src/kernels/.
  for (const dir of [join(__dirname, ".."), join(__dirname, "..", "..", "dist")]) {
    const path = join(dir, file);
    if (existsSync(path)) return new Uint8Array(readFileSync(path));
  }
  return null;
}
