/**
 * `npm run build:widgets`: the browser build of the library and its widgets, dist/widgets.js.
 *
 * esbuild bundles src/show/widgets/entry.ts, which imports the library's modules one by one (never
 * src/index.ts, which brings fs, CSV files and tslab). Two things are swapped on the way:
 * - kernels/wasm-bytes.ts, which reads dist/kernels.wasm with fs in Node, becomes a module that
 *   carries the bytes inside the bundle (base64), so the page needs no second file and works
 *   from file://; without a built dist/kernels.wasm the bundle carries none and the library
 *   runs on its reference backend;
 * - `fs` and `path` (reached through datasets.ts, whose CSV readers the widgets never call)
 *   become stubs that throw if anything calls them, so nothing Node-only can work by accident.
 * - `Math.exp` and `Math.tanh` become src/numerics/fdlibm.ts's, the functions Node 20's V8 computes, because
 *   the browser's own Math.exp differs from it in the last bit (see fdlibm.ts), and the page's
 *   training must give Node's numbers; `Math.sin` and `Math.cos` (the playground's sin and cos
 *   features) likewise become fdlibm-trig.ts's.
 * The result is one IIFE script that sets `window.scratchnetWidgets`.
 */
import { build, Plugin } from "esbuild";
import { existsSync, readFileSync, statSync } from "fs";
import { join } from "path";

const ROOT = join(__dirname, "..");
export const WIDGETS_BUNDLE = join(ROOT, "dist", "widgets.js");
const ENTRY = join(ROOT, "src", "show", "widgets", "entry.ts");
const KERNELS = join(ROOT, "dist", "kernels.wasm");
/**
 * The largest module Chrome compiles synchronously on the main thread: 8 MiB in Chromium 156
 * (measured, see TOOLCHAIN.md; it was 4 KB until Chrome raised it).
 */
const MAX_SYNC_WASM = 8 * 1024 * 1024;

/** The browser's replacements for Node-only modules. */
const browserSwaps: Plugin = {
  name: "scratchnet-browser",
  setup(b) {
    b.onResolve({ filter: /\/wasm-bytes$/ }, () => ({ path: "wasm-bytes", namespace: "scratchnet-browser" }));
    b.onResolve({ filter: /^(fs|path)$/ }, (args) => ({ path: args.path, namespace: "scratchnet-node-stub" }));
    b.onLoad({ filter: /.*/, namespace: "scratchnet-browser" }, () => {
      const bytes = existsSync(KERNELS) ? readFileSync(KERNELS) : null;
      // wasm.ts compiles with a synchronous `new WebAssembly.Module`, which Chrome refuses on the
      // main thread past MAX_SYNC_WASM: bigger kernels would throw, so the page runs the reference loops.
      if (bytes && bytes.length > MAX_SYNC_WASM) {
        process.stderr.write(`build:widgets: dist/kernels.wasm is ${bytes.length} bytes, over Chrome's ${MAX_SYNC_WASM} for a synchronous compile: the bundle leaves it out and pages run the reference backend\n`);
      }
      const plain = bytes && bytes.length <= MAX_SYNC_WASM ? bytes.toString("base64") : "";
      return {
        loader: "ts",
        contents:
          `const PLAIN = ${JSON.stringify(plain)};\n` +
          `let bytes: Uint8Array<ArrayBuffer> | null | undefined;\n` +
          `/** The kernels compiled into this bundle; the fused build is not shipped to browsers. */\n` +
          `export function kernelBytes(fused: boolean): Uint8Array<ArrayBuffer> | null {\n` +
          `  if (fused || PLAIN === "") return null;\n` +
          `  if (bytes === undefined) bytes = Uint8Array.from(atob(PLAIN), (c) => c.charCodeAt(0));\n` +
          `  return bytes;\n` +
          `}\n`,
      };
    });
    b.onLoad({ filter: /.*/, namespace: "scratchnet-node-stub" }, (args) => ({
      loader: "js",
      contents:
        `const no = (name) => () => { throw new Error(${JSON.stringify(args.path)} + "." + name + " is not available in the browser"); };\n` +
        `export const existsSync = no("existsSync"), readFileSync = no("readFileSync"), join = no("join");\n` +
        `export default {};\n`,
    }));
  },
};

export interface WidgetsBuild {
  file: string;
  bytes: number;
  /** Whether the WebAssembly kernels are inside (dist/kernels.wasm existed). */
  wasm: boolean;
}

/** Builds dist/widgets.js (minified unless `minify` is false). */
export async function buildWidgets(options: { minify?: boolean } = {}): Promise<WidgetsBuild> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    legalComments: "none",
    outfile: WIDGETS_BUNDLE,
    plugins: [browserSwaps],
    // Math.exp, tanh, sin and cos differ between engines in the last bit; the bundle computes them as Node 20 does.
    define: { "Math.exp": "__scratchnetExp", "Math.tanh": "__scratchnetTanh", "Math.sin": "__scratchnetSin", "Math.cos": "__scratchnetCos" },
    inject: [join(ROOT, "src", "numerics", "fdlibm-inject.ts")],
    logLevel: "warning",
  });
  if (result.errors.length > 0) throw new Error(`build:widgets failed:\n${result.errors.map((e) => e.text).join("\n")}`);
  const wasm = existsSync(KERNELS) && statSync(KERNELS).size <= MAX_SYNC_WASM;
  return { file: WIDGETS_BUNDLE, bytes: statSync(WIDGETS_BUNDLE).size, wasm };
}

if (require.main === module) {
  buildWidgets().then(
    (r) => process.stderr.write(`build:widgets: ${r.file} ${(r.bytes / 1024).toFixed(1)} KB${r.wasm ? ", with the wasm kernels" : ", WITHOUT the wasm kernels (not built, or over Chrome's limit for a synchronous compile)"}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
