/**
 * The TypeScript compiler as our kernels hand it to tslab: the same compiler, whose watch hosts
 * (createWatchCompilerHost) get one repair, and, in a kernel started from the snapshot, the
 * snapshot's parsed files (start-snapshot.cjs passes that as `adjustHost`).
 *
 * The repair. tslab drives TypeScript's watch program by hand: it gives the program a setTimeout
 * with room for one pending timer, the program update that it runs itself at every cell, and it
 * throws "Unexpected pending rebuildTimer" when a second timer is asked for. The watch program
 * asks for a second kind: after a failed import (a package not installed yet), it watches the
 * folders where the package could appear, and when one changes (npm install, or a notebook saved
 * beside it) it schedules "invalidate the failed lookups" in that same slot. The next cell's
 * program update then finds the slot taken, and every later cell of the kernel fails with
 * tslab's error. Here that second timer is a timer of its own (250 ms, as the compiler asks):
 * when it fires, the compiler forgets the failed lookups and schedules its program update, which
 * tslab runs with the next cell, so the newly installed package is found.
 */
const Module = require("module");
const path = require("path");

/** The compiler's file, as tslab's require("@tslab/typescript-for-tslab") finds it. */
const TS_PATH = require.resolve("@tslab/typescript-for-tslab", { paths: [require("./kernel-main.cjs").TSLAB] });

const REPAIRED = Symbol.for("scratchnet.compilerForTslab");

/** The failed-lookup timer apart from tslab's single slot; the program update stays in it. */
function failedLookupsOnTheirOwnTimer(host) {
  const setTimeout = host.setTimeout, clearTimeout = host.clearTimeout;
  if (!setTimeout || !clearTimeout) return;
  host.setTimeout = (callback, ms, ...args) => {
    if (callback.name !== "invalidateResolutionsOfFailedLookup") return setTimeout(callback, ms, ...args);
    const own = global.setTimeout(callback, ms, ...args);
    own.unref(); // the kernel's sockets keep it alive, not this timer
    return { own };
  };
  host.clearTimeout = (timer) => (timer && timer.own ? global.clearTimeout(timer.own) : clearTimeout(timer));
}

/**
 * A second object with the compiler's exports (they are read-only getters, so the compiler itself
 * is not changed), whose createWatchCompilerHost returns a repaired host, then `adjustHost(host)`.
 */
function compilerForTslab(ts, adjustHost = () => {}) {
  const exported = {};
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(ts))) {
    Object.defineProperty(exported, name, { ...descriptor, configurable: true });
  }
  Object.defineProperty(exported, "createWatchCompilerHost", {
    enumerable: true,
    value: (...args) => {
      const host = ts.createWatchCompilerHost(...args);
      failedLookupsOnTheirOwnTimer(host);
      adjustHost(host);
      return host;
    },
  });
  Object.defineProperty(exported, REPAIRED, { value: true });
  return exported;
}

/**
 * Puts the compiler for tslab into require's cache under the compiler's own path, before tslab
 * loads it: `ts` is an instance already loaded (the snapshot's), else the file is required here.
 */
function installCompilerForTslab(ts, adjustHost) {
  const cached = Module._cache[TS_PATH];
  if (cached && cached.exports[REPAIRED]) return;
  if (ts === undefined) ts = require(TS_PATH);
  const compiler = Module._cache[TS_PATH] || new Module(TS_PATH, null);
  compiler.filename = TS_PATH;
  compiler.paths = Module._nodeModulePaths(path.dirname(TS_PATH));
  compiler.exports = compilerForTslab(ts, adjustHost);
  compiler.loaded = true;
  Module._cache[TS_PATH] = compiler;
}

module.exports = { installCompilerForTslab };
