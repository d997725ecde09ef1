/**
 * What every tslab kernel process of ours does to start: source maps, the opt-in flag, watching
 * its parent, the compiler for tslab (compiler.cjs), Unix sockets where Jupyter connects, then
 * tslab's own main() (as node_modules/tslab/bin/tslab does). Called by launch.cjs in its own
 * process, or by start-snapshot.cjs in a process started from the snapshot.
 */
const { join } = require("path");

/** The project: this file is jupyter/kernels/tslab/kernel-main.cjs. */
const ROOT = join(__dirname, "..", "..", "..");
/** tslab's code: node_modules/tslab/dist. */
const TSLAB = join(__dirname, "..", "..", "..", "node_modules", "tslab", "dist");

/**
 * Starts the kernel in this process. `pollMs`: how often it checks that its parent is still
 * the one that started it (a process whose parent dies is handed to another); if not, it exits.
 */
function startKernel(pollMs) {
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
  }, pollMs).unref(); // the kernel's own sockets keep it alive, not this timer

  // The compiler with its watch hosts repaired (compiler.cjs), unless the snapshot put it there.
  require("./compiler.cjs").installCompilerForTslab();
  bindIpcWhereJupyterConnects(require(join(TSLAB, "jupyter.js")).ZmqServer);
  require(join(TSLAB, "main.js")).main();
}

/**
 * With KernelManager.transport=ipc (as the classroom hub starts kernels, so that no other user
 * can connect to a student's kernel), Jupyter connects to the Unix socket `<ip>-<port>`, but
 * tslab 1.0 binds `<transport>://<ip>:<port>` for every transport, where Jupyter never looks.
 * This binds the name Jupyter connects to; with tcp (the default) it changes nothing.
 */
function bindIpcWhereJupyterConnects(ZmqServer) {
  const bindSocket = ZmqServer.prototype.bindSocket;
  ZmqServer.prototype.bindSocket = async function (sock, port) {
    if (this.connInfo && this.connInfo.transport === "ipc") return sock.bind(`ipc://${this.connInfo.ip}-${port}`);
    return bindSocket.call(this, sock, port);
  };
}

module.exports = { startKernel, ROOT, TSLAB };
