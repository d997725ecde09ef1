/**
 * `npm run lite`: the course in the browser, with no install and no server: two JupyterLite sites
 * (JupyterLab and Notebook, built by jupyterlite-core from the project's .venv) with our
 * TypeScript kernel (lite/kernel/) and its Web Worker (lite/runtime/), in lite-site/ (git-ignored):
 *
 *   lite-site/index.html      what runs where, links into both editions, a reset button
 *   lite-site/full/           the course's notebooks as they are
 *   lite-site/student/        the student edition (scripts/student.ts's conversion)
 *
 * Each edition holds everything it loads (no request leaves the folder): the worker, TypeScript's
 * compiler, plotly.js, the widgets, mathjs, danfo's browser build, TensorFlow.js, and under
 * scratchnet-lite/pkg/ the package's data/ and src/ that cells read through the `fs` shim.
 *
 *   node --import tsx scripts/lite.ts [--out DIR] [--only full|student]
 */
import { execFileSync } from "child_process";
import { createServer, Server } from "http";
import { build, Plugin } from "esbuild";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { basename, dirname, join, resolve } from "path";
import { listNotebooks, readNotebook, titleAndSummary } from "./lib/notebooks";
import { NOTEBOOKS, ROOT, SetupError, buildLibrary, findJupyter } from "./lib/project";
import { plotlyBundle } from "../src/show/plot";
import { writeStudentNotebooks } from "./student";

export const LITE_SITE = join(ROOT, "lite-site");
const KERNEL = join(ROOT, "lite", "kernel");
const RUNTIME = join(ROOT, "lite", "runtime");
const VENV = join(ROOT, ".venv");

export type Edition = "full" | "student";

/**
 * What each notebook needs that the page cannot give, said plainly (the index shows it). A notebook
 * not listed runs in the page as it does in Jupyter.
 */
export const LIMITS: Record<string, string> = {
  "08-from-scratch-to-tensorflow.ipynb": "runs with TensorFlow.js's CPU and wasm backends in the page; its timings differ from Node's",
};

function log(message: string): void {
  process.stderr.write(`lite: ${message}\n`);
}

function run(cmd: string, args: string[], cwd = ROOT): void {
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PATH: `${join(VENV, "bin")}:${process.env.PATH}` } });
}

/**
 * The project's .venv (jupyter/requirements.txt, pinned by constraints.txt: JupyterLab and
 * jupyterlite-core), made or brought up to date by the same set-up as every other command.
 * JupyterLite exists only on PyPI: without it there is no lite build, and the error says so.
 */
async function ensureVenv(): Promise<void> {
  const jupyter = await findJupyter();
  if (jupyter.flavour !== "pypi" || !existsSync(join(dirname(jupyter.python), "jupyter-lite")) || !existsSync(join(jupyterlabStaging(), "package.json"))) {
    throw new SetupError(`lite: jupyterlite-core and JupyterLab come from PyPI into .venv (jupyter/requirements.txt), and this machine has ${jupyter.python} (${jupyter.why}): run npm run lite where PyPI can be reached`);
  }
}

function jupyterlabStaging(): string {
  const lib = join(VENV, "lib");
  const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith("python")) : undefined;
  return join(lib, python ?? "python3", "site-packages", "jupyterlab", "staging");
}

/**
 * The kernel extension: tsc, then @jupyterlab/builder's webpack build against JupyterLab's own
 * core (its staging folder in .venv). `jupyter labextension build` would do the same, but in
 * JupyterLab 4.6 it first looks up @jupyterlab/core-meta on npm and GitHub, which are out of reach.
 */
function buildKernelExtension(): string {
  if (!existsSync(join(KERNEL, "node_modules", "@jupyterlab", "builder"))) {
    log("installing the kernel extension's npm packages (lite/kernel)");
    run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], KERNEL);
  }
  run(process.execPath, [join(KERNEL, "node_modules", "typescript", "bin", "tsc"), "-p", join(KERNEL, "tsconfig.json")]);
  run(process.execPath, [join(KERNEL, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js"), "--core-path", jupyterlabStaging(), KERNEL]);
  return join(ROOT, "lite", "build", "labextension");
}

/** Node's modules swapped for the page's (lite/runtime/shims/), the wasm kernels carried inside. */
const browserSwaps: Plugin = {
  name: "scratchnet-lite",
  setup(b) {
    const shim = (name: string) => join(RUNTIME, "shims", `${name}.ts`);
    b.onResolve({ filter: /^(node:)?(fs|path|os|crypto|assert|tslab)$/ }, (args) => ({ path: shim(args.path.replace(/^node:/, "")) }));
    b.onResolve({ filter: /\/wasm-bytes$/ }, () => ({ path: "wasm-bytes", namespace: "scratchnet-lite" }));
    b.onLoad({ filter: /.*/, namespace: "scratchnet-lite" }, () => {
      // A worker may compile a module of any size synchronously (the page's main thread may not),
      // so both builds go in, and the library picks as it does in Node.
      const read = (f: string) => (existsSync(join(ROOT, "dist", f)) ? readFileSync(join(ROOT, "dist", f)).toString("base64") : "");
      return {
        loader: "ts",
        contents:
          `const BYTES = { plain: ${JSON.stringify(read("kernels.wasm"))}, fused: ${JSON.stringify(read("kernels-fma.wasm"))} };\n` +
          `export function kernelBytes(fused: boolean): Uint8Array<ArrayBuffer> | null {\n` +
          `  const b64 = fused ? BYTES.fused : BYTES.plain;\n` +
          `  return b64 === "" ? null : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));\n` +
          `}\n`,
      };
    });
  },
};

/** lite/runtime/worker.ts and the library, one script. */
async function buildWorker(outFile: string): Promise<void> {
  const result = await build({
    entryPoints: [join(RUNTIME, "worker.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: false,
    sourcemap: false,
    outfile: outFile,
    plugins: [browserSwaps],
    // dataPath() joins __dirname with ../../data: in the page that is the fs shim's /scratchnet/data.
    define: { __dirname: JSON.stringify("/scratchnet/src/data") },
    external: ["typescript"],
    logLevel: "warning",
  });
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join("\n"));
}

function copy(from: string, to: string): void {
  if (!existsSync(from)) throw new SetupError(`lite: ${from} is missing (npm ci, then npm run build)`);
  cpSync(from, to, { recursive: true });
}

/** <edition>/scratchnet-lite/: the worker and everything a cell may load. */
async function writeRuntime(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await buildWorker(join(dir, "worker.js"));
  const nm = join(ROOT, "node_modules");
  copy(join(nm, "typescript", "lib", "typescript.js"), join(dir, "typescript.js"));
  writeFileSync(join(dir, "plotly.js"), plotlyBundle());
  copy(join(ROOT, "dist", "widgets.js"), join(dir, "widgets.js"));
  copy(join(nm, "mathjs", "lib", "browser", "math.js"), join(dir, "mathjs.js"));
  copy(join(KERNEL, "node_modules", "danfojs", "lib", "bundle.js"), join(dir, "danfo.js"));
  copy(join(nm, "@tensorflow", "tfjs", "dist", "tf.min.js"), join(dir, "tf.js"));
  const wasmDist = join(nm, "@tensorflow", "tfjs-backend-wasm", "dist");
  copy(join(wasmDist, "tf-backend-wasm.min.js"), join(dir, "tf-backend-wasm.js"));
  for (const f of readdirSync(wasmDist).filter((f) => f.endsWith(".wasm"))) copy(join(wasmDist, f), join(dir, f));
  // The package as cells see it through fs: its data and its source (04 reads a method's source).
  const pkg = join(dir, "pkg");
  copy(join(ROOT, "data"), join(pkg, "data"));
  copy(join(ROOT, "src"), join(pkg, "src"));
  copy(join(ROOT, "package.json"), join(pkg, "package.json"));
}

/** One edition: `jupyter lite build` of its notebooks with our extension, then the runtime beside it. */
async function buildEdition(edition: Edition, notebooksDir: string, out: string, extension: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), `scratchnet-lite-${edition}-`));
  try {
    const contents = join(work, "contents");
    mkdirSync(contents);
    for (const file of listNotebooks(notebooksDir)) cpSync(file, join(contents, basename(file)));
    // The data beside the notebooks too, for a learner who opens them in the file browser.
    cpSync(join(ROOT, "data"), join(contents, "data"), { recursive: true });
    // Each edition keeps learners' changes under its own name: the same file names must not mix.
    writeFileSync(
      join(work, "jupyter-lite.json"),
      JSON.stringify({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
          appName: `scratchnet (${edition})`,
          contentsStorageName: `scratchnet-lite-${edition}`,
          settingsStorageName: `scratchnet-lite-${edition}-settings`,
          defaultKernelName: "tslab",
        },
      }),
    );
    // Every cell in the page, not only those in view: a learner's Find, and the tests, see all outputs.
    const overrides = join(work, "overrides.json");
    writeFileSync(overrides, JSON.stringify({ "@jupyterlab/notebook-extension:tracker": { windowingMode: "none" } }));
    run(join(VENV, "bin", "jupyter"), [
      "lite", "build",
      "--lite-dir", work,
      "--contents", contents,
      "--output-dir", out,
      "--apps", "lab", "--apps", "notebooks", "--apps", "tree",
      "--ignore-sys-prefix",
      `--LiteBuildConfig.federated_extensions=${extension}`,
      "--no-sourcemaps",
      "--settings-overrides", overrides,
    ], work);
    await writeRuntime(join(out, "scratchnet-lite"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** lite-site/index.html: each notebook, a link into each edition's Lab and Notebook, and its limits. */
export function liteIndexHtml(): string {
  const rows = listNotebooks(NOTEBOOKS).map((file) => {
    const name = basename(file);
    const { title } = titleAndSummary(readNotebook(file));
    const q = `?path=${encodeURIComponent(name)}`;
    const limit = LIMITS[name];
    return (
      `<li><strong>${escapeHtml(title ?? name)}</strong> <span class="file">${escapeHtml(name)}</span><br>\n` +
      `  <a href="full/notebooks/index.html${q}">open</a> · <a href="full/lab/index.html${q}">in JupyterLab</a> · ` +
      `<a href="student/notebooks/index.html${q}">student edition</a>` +
      (limit ? `<br><span class="limit">${escapeHtml(limit)}</span>` : "") +
      `</li>`
    );
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scratchnet: the course in your browser</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
a { color: #0645ad; } .file { color: #444; font-size: 0.9em; } .limit { color: #6b3a00; font-size: 0.9em; }
li { margin: 0 0 0.8rem 0; } button { font: inherit; padding: 0.3rem 0.8rem; }
</style>
</head>
<body>
<main>
<h1>scratchnet: run the course in your browser</h1>
<p>Every notebook below runs here, in this browser, with nothing installed: JupyterLite with a TypeScript kernel
that compiles each cell and runs it in a Web Worker. No request leaves this site. Your changes are kept in this
browser's storage; the button at the bottom brings back the original notebooks.</p>
<p>Differences from the full install: cells are compiled without type checking (a type error is not reported),
files a notebook writes live in memory until the kernel restarts, and Kernel &gt; Interrupt only cancels the cells
waiting to run: to stop a running cell, use Kernel &gt; Restart.</p>
<ol>
${rows.join("\n")}
</ol>
<p><a href="full/lab/index.html">JupyterLab, full edition</a> · <a href="student/lab/index.html">JupyterLab, student edition</a></p>
<p><button type="button" id="reset">Bring back the original notebooks (forget my changes)</button> <span id="reset-status" role="status"></span></p>
</main>
<script>
document.getElementById("reset").addEventListener("click", async function () {
  var status = document.getElementById("reset-status");
  var names = (await indexedDB.databases()).map(function (d) { return d.name; }).filter(function (n) { return n && n.indexOf("scratchnet-lite-") === 0; });
  await Promise.all(names.map(function (n) { return new Promise(function (ok) { var r = indexedDB.deleteDatabase(n); r.onsuccess = r.onerror = r.onblocked = ok; }); }));
  status.textContent = names.length ? "Done: the original notebooks are back (close any open notebook tabs first)." : "Nothing to reset: no changes are stored.";
});
</script>
</body>
</html>
`;
}

export async function buildLite(options: { out?: string; only?: Edition } = {}): Promise<string> {
  const out = resolve(options.out ?? LITE_SITE);
  await ensureVenv();
  if (!existsSync(join(ROOT, "dist", "widgets.js"))) buildLibrary();
  const extension = buildKernelExtension();
  mkdirSync(out, { recursive: true });
  const editions: Edition[] = options.only ? [options.only] : ["full", "student"];
  for (const edition of editions) {
    let notebooks = NOTEBOOKS;
    let tmp: string | undefined;
    if (edition === "student") {
      tmp = mkdtempSync(join(tmpdir(), "scratchnet-lite-student-nb-"));
      notebooks = join(tmp, "notebooks");
      writeStudentNotebooks(NOTEBOOKS, notebooks);
    }
    try {
      log(`building the ${edition} edition`);
      rmSync(join(out, edition), { recursive: true, force: true });
      await buildEdition(edition, notebooks, join(out, edition), extension);
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
  writeFileSync(join(out, "index.html"), liteIndexHtml());
  return out;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".ipynb": "application/json",
  ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8", ".ts": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".woff2": "font/woff2", ".woff": "font/woff",
};

/**
 * A plain static file server on 127.0.0.1 (what any host does: no headers of its own, no
 * rewriting), for `npm run lite -- --serve PORT` and the browser tests.
 */
export function serveStatic(dir: string, port: number): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let file = resolve(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return void res.writeHead(404).end("not found");
    const ext = file.slice(file.lastIndexOf("."));
    res.writeHead(200, { "Content-Type": TYPES[ext] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok(server));
  });
}

/** The size of a folder in bytes. */
export function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const t0 = Date.now();
  if (at("--serve")) {
    const port = Number(at("--serve"));
    serveStatic(at("--out") ?? LITE_SITE, port).then(() => log(`serving ${at("--out") ?? LITE_SITE} at http://127.0.0.1:${port}/ (Ctrl-C stops)`));
  } else buildLite({ out: at("--out"), only: at("--only") as Edition | undefined }).then(
    (out) => log(`${out} built in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${(folderBytes(out) / 1e6).toFixed(0)} MB; serve it with any static server, e.g. python3 -m http.server -d ${out}`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
