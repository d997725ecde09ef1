/**
 * The kernel's Web Worker: it compiles each cell (compile.ts, with the TypeScript compiler the
 * site ships), runs it, and sends its outputs to the kernel in the page (lite/kernel/src/index.ts).
 *
 * Modules a cell can import: scratchnet (bundled into this file, WebAssembly kernels inside),
 * Node's assert, fs, path, os and crypto as shims (shims/), tslab's display API, and, loaded from
 * the site when first imported, mathjs, danfojs-node (danfo's browser build), @tensorflow/tfjs
 * and its wasm backend.
 */
import { RUNTIME_URL } from "./globals";
import * as scratchnet from "../../src/index";
import * as assert from "./shims/assert";
import * as fs from "./shims/fs";
import * as path from "./shims/path";
import * as os from "./shims/os";
import * as cryptoShim from "./shims/crypto";
import * as tslab from "./shims/tslab";
import { CellSyntaxError, compileCell, REQUIRE } from "./compile";
import { current, post } from "./channel";
import { format, inspect } from "./shims/inspect";
import type * as TS from "typescript";

fs.siteFiles.url = RUNTIME_URL + "pkg/";

const g = self as any;

/** A module that lives in a script of the site, loaded by importScripts on first use. */
function script(file: string, global: string): () => unknown {
  return () => {
    if (g[global] === undefined) g.importScripts(RUNTIME_URL + file);
    if (g[global] === undefined) throw new Error(`${file} loaded but did not define ${global}`);
    return g[global];
  };
}

const assertModule = Object.assign(assert.default, assert);
const MODULES: Record<string, () => unknown> = {
  scratchnet: () => scratchnet,
  assert: () => assertModule,
  "assert/strict": () => Object.assign(assert.strict, { default: assert.strict }),
  fs: () => fs,
  path: () => path,
  os: () => os,
  crypto: () => cryptoShim,
  tslab: () => tslab,
  mathjs: script("mathjs.js", "math"),
  "danfojs-node": () => danfo(),
  danfojs: () => danfo(),
  "@tensorflow/tfjs": script("tf.js", "tf"),
  "@tensorflow/tfjs-backend-wasm": () => {
    script("tf.js", "tf")();
    if (!g.tf.wasm) g.importScripts(RUNTIME_URL + "tf-backend-wasm.js");
    return g.tf.wasm;
  },
};

/**
 * danfo's browser build, whose readCSV takes a URL: a path of the package's files
 * (dataPath("people.csv") is /scratchnet/data/people.csv) becomes the site's URL of that file.
 */
let danfoModule: any;
function danfo(): unknown {
  if (danfoModule) return danfoModule;
  const dfd = script("danfo.js", "dfd")() as any;
  const readCSV = dfd.readCSV;
  const toUrl = (p: unknown) => (typeof p === "string" && p.startsWith(fs.siteFiles.root) ? fs.siteFiles.url + p.slice(fs.siteFiles.root.length) : p);
  danfoModule = { ...dfd, readCSV: (file: unknown, options?: unknown) => readCSV(toUrl(file), options) };
  return danfoModule;
}

/** What only Node can do, said plainly when a cell asks for it. */
const NODE_ONLY: Record<string, string> = {
  child_process: "starting processes needs Node: run this notebook in the full install (npm start)",
  worker_threads: "threads need Node: run this notebook in the full install (npm start)",
  http: "a server needs Node: run this notebook in the full install (npm start)",
  net: "sockets need Node: run this notebook in the full install (npm start)",
};

/** The files `require.resolve` knows: the package's own, and the tfjs wasm binaries in the site. */
function resolve(name: string): string {
  if (name === "scratchnet/package.json" || name === "scratchnet") return fs.siteFiles.root + "package.json";
  const m = /^@tensorflow\/tfjs-backend-wasm\/dist\/(.+\.wasm)$/.exec(name);
  if (m) return RUNTIME_URL + m[1];
  throw Object.assign(new Error(`Cannot find module '${name}' in the browser kernel`), { code: "MODULE_NOT_FOUND" });
}

function requireModule(name: string): unknown {
  const bare = name.replace(/^node:/, "");
  const load = MODULES[bare];
  if (load) return load();
  if (NODE_ONLY[bare]) throw new Error(`import "${name}": ${NODE_ONLY[bare]}`);
  throw Object.assign(new Error(`Cannot find module '${name}': the browser kernel has scratchnet, mathjs, danfojs-node, @tensorflow/tfjs, plotly (through scratchnet) and Node's assert, fs, path, os`), { code: "MODULE_NOT_FOUND" });
}
g[REQUIRE] = requireModule;
g.require = Object.assign(requireModule, { resolve });

// console.* become the cell's stdout and stderr, formatted as Node's console formats them.
for (const [method, name] of [["log", "stdout"], ["info", "stdout"], ["debug", "stdout"], ["warn", "stderr"], ["error", "stderr"]] as const) {
  console[method] = (...args: unknown[]) => post("stream", { name, text: format(args) + "\n" });
}

let ts: typeof TS | undefined;
function typescript(): typeof TS {
  if (!ts) {
    g.importScripts(RUNTIME_URL + "typescript.js");
    ts = g.ts as typeof TS;
  }
  return ts;
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (body: string) => () => Promise<unknown>;
/** The lines V8 counts before the body of a `new AsyncFunction(body)` ("async function anonymous(\n) {\n"). */
const HEADER_LINES = 2;

/** The traceback of an error: its message, then where in the cell (line and source) it happened. */
function traceback(err: unknown, cellName: string, source: string, lineMap: (number | undefined)[]): { ename: string; evalue: string; traceback: string[] } {
  const e = err instanceof Error ? err : new Error(inspect(err));
  const lines = source.split("\n");
  const out = [`${e.name}: ${e.message}`];
  let line: number | undefined;
  if (e instanceof CellSyntaxError) line = e.line;
  else {
    const at = new RegExp(`${cellName}:(\\d+):\\d+`).exec(e.stack ?? "");
    if (at) {
      const jsLine = Number(at[1]) - HEADER_LINES - 1;
      const original = lineMap[jsLine];
      if (original !== undefined) line = original + 1;
    }
  }
  if (line !== undefined) out.push(`    at line ${line} of this cell: ${(lines[line - 1] ?? "").trim()}`);
  return { ename: e.name, evalue: e.message, traceback: out };
}

let cells = 0;
async function execute(id: number, code: string): Promise<void> {
  current.id = id;
  const cellName = `cell-${++cells}.ts`;
  let lineMap: (number | undefined)[] = [];
  try {
    const compiled = compileCell(typescript(), code);
    lineMap = compiled.lineMap;
    for (const name of compiled.names) if (!(name in g)) g[name] = undefined;
    const run = new AsyncFunction(`${compiled.body}\n//# sourceURL=${cellName}`);
    const value = await run();
    if (value !== undefined) post("execute_result", { data: { "text/plain": inspect(value) }, metadata: {} });
    post("reply", { status: "ok", user_expressions: {}, payload: [] });
  } catch (err) {
    const error = traceback(err, cellName, code, lineMap);
    post("error", error);
    post("reply", { status: "error", ...error });
  }
}

// One cell at a time, in order (the kernel sends the next only after this one's reply, but a
// queue keeps the order even if it did not).
let queue = Promise.resolve();
self.onmessage = (e: MessageEvent<{ type: string; id: number; code: string }>) => {
  if (e.data.type === "execute") queue = queue.then(() => execute(e.data.id, e.data.code));
};
