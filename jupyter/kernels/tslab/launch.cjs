/**
 * Starts tslab's kernel in this process (as node_modules/tslab/bin/tslab does), and ends it when
 * the Jupyter process that started it is gone.
 *
 * jupyter_client starts each kernel in a session of its own, so a Jupyter (or an export's
 * nbconvert) that is killed outright takes nothing down with it, and tslab does not watch its
 * parent: the kernel, a node process, would run on for ever. Here the kernel checks every second
 * whether its parent is still the one that started it (a process whose parent dies is handed to
 * another); if not, it exits. ipykernel does the same for Python kernels (ParentPollerUnix).
 */
const { join } = require("path");

// An error thrown inside the library points into its TypeScript source (src/*.ts), through the
// source maps that `npm run build` writes beside dist/, not into the compiled lines.
process.setSourceMapsEnabled(true);

// The opt-in backend with fused multiply-adds (SCRATCHNET_BACKEND=wasm-fma) needs WebAssembly's
// relaxed SIMD, behind a V8 flag on Node 20 and 21. The launcher passes it; the library never does.
const major = Number(process.versions.node.split(".")[0]);
if (process.env.SCRATCHNET_BACKEND === "wasm-fma" && major < 22) {
  require("v8").setFlagsFromString("--experimental-wasm-relaxed-simd");
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref(); // the kernel's own sockets keep it alive, not this timer

require(join(__dirname, "..", "..", "..", "node_modules", "tslab", "dist", "main.js")).main();
