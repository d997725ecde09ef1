/**
 * What the library and the cells expect of Node, set on the worker's global object before any
 * module runs: `process` (env, pid), `Buffer`, and Node's Math.exp and Math.tanh.
 */
import { Buffer } from "./shims/buffer";
import { fdlibmExp, fdlibmTanh } from "../../src/numerics/fdlibm";

/** The site folder this worker was loaded from: <site>/scratchnet-lite/. */
export const RUNTIME_URL = new URL(".", self.location.href).href;

const g = self as any;
g.global = g;
g.Buffer = Buffer;
g.process = {
  env: {
    // The library sends plotly.js and the widgets as <script src> to the site's own copies.
    SCRATCHNET_PLOTLY_URL: RUNTIME_URL + "plotly.js",
    SCRATCHNET_WIDGETS_URL: RUNTIME_URL + "widgets.js",
  },
  pid: 1,
  // Libraries that look for Node (TypeScript's compiler among them) must see a browser.
  browser: true,
  platform: "browser",
  version: "browser",
  versions: {},
  argv: [],
  cwd: () => "/home/learner",
  kill(pid: number) {
    if (pid === 1) return true;
    throw Object.assign(new Error("kill ESRCH"), { code: "ESRCH" });
  },
  hrtime: Object.assign(() => [0, 0], { bigint: () => BigInt(Math.round(performance.now() * 1e6)) }),
  memoryUsage: () => ({ heapUsed: 0, rss: 0 }),
  nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
};
// Chromium's Math.exp differs from Node 20's in the last bit (see src/numerics/fdlibm.ts): the cells
// and the library compute with Node's, so the page prints the numbers the articles print.
Math.exp = fdlibmExp;
Math.tanh = fdlibmTanh;
