/**
 * The kernel's start-up snapshot: `node --snapshot-blob FILE --build-snapshot start-snapshot.cjs`
 * (snapshot-cache.cjs runs it) saves V8's heap after this script has run, and
 * `node --snapshot-blob FILE launch.cjs kernel ...` (launch.cjs) starts from that heap.
 *
 * Why: a profile of a plain start (node --cpu-prof) spends about a seventh of its CPU compiling
 * TypeScript's compiler (8 MB of JavaScript), and two thirds in tslab's first program, parsing
 * and binding the same lib.es2022*.d.ts and @types/node files (about 3 MB) on every start. Here
 * that is done once: the snapshot holds the compiler, loaded, and those files parsed and bound.
 *
 * Built with --build-snapshot, this script can require only Node's own modules; the compiler is
 * loaded from its file by hand, as Node's loader would wrap it. At start-up (the function given
 * to setDeserializeMainFunction), the compiler goes into require's cache under its own path
 * (compiler.cjs, as in every kernel of ours), so tslab gets this very instance, with one more
 * change: tslab's compiler host takes a lib file from the snapshot instead of parsing it again,
 * when the file on disk still has the same text and is read with the same options (otherwise it
 * parses it, as before). Everything else, cells, errors, source maps, interrupts, is tslab's own
 * code, unchanged.
 */
const fs = require("fs");
const path = require("path");
const v8 = require("v8");
const vm = require("vm");
const Module = require("module");

const ROOT = fs.realpathSync(process.env.SCRATCHNET_SNAPSHOT_ROOT);
const TS_PATH = path.join(ROOT, "node_modules", "@tslab", "typescript-for-tslab", "lib", "typescript.js");

/** The compiler, run as Node's loader runs a CommonJS file (same wrapper, same file name in stacks). */
function loadCompiler() {
  const module = { exports: {}, filename: TS_PATH, id: TS_PATH, loaded: false };
  const wrapper = vm.runInThisContext(Module.wrap(fs.readFileSync(TS_PATH, "utf8")), { filename: TS_PATH });
  wrapper.call(module.exports, module.exports, require, module, TS_PATH, path.dirname(TS_PATH));
  return module.exports;
}

const ts = loadCompiler();
// The compiler's system memoizes the working directory on its first use, which here would be the
// build's folder, kept in the snapshot for every kernel started from it (tslab's cells would
// resolve imports and watch folders there, wherever the notebook is). It asks Node each time
// instead (Node caches the answer itself until a chdir).
ts.sys.getCurrentDirectory = () => process.cwd();

/**
 * The options of tslab's program (node_modules/tslab/dist/converter.js, createConverter, for Node
 * 18 and later) that decide which files it reads and how it parses them.
 */
function tslabOptions(cwd) {
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    newLine: ts.NewLineKind.LineFeed,
    noImplicitUseStrict: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    typeRoots: ts.getDefaultTypeRoots(cwd, { directoryExists: ts.sys.directoryExists }) || [],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    rootDir: cwd,
    outDir: "outDir",
  };
}

/**
 * Parses and binds what tslab's programs read besides the cells themselves: the lib files and
 * @types, which every program reads, and the library's own declarations (dist/*.d.ts), which a
 * first cell's `import ... from "scratchnet"` reads. Returns them by file name, with the options
 * they were parsed with. Then type-checks such a cell once, so that the checker's functions are
 * compiled in the snapshot too (bytecode), not on the learner's first cell.
 */
function parseLibraries() {
  const cwd = ts.sys.getCurrentDirectory();
  const options = tslabOptions(cwd);
  const cell = path.join(cwd, "__tslab__.ts").split(path.sep).join("/");
  const host = ts.createCompilerHost(options);
  const files = new Map();
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, how, onError, fresh) => {
    if (fileName === cell) return ts.createSourceFile(fileName, FIRST_CELL, how);
    const file = getSourceFile.call(host, fileName, how, onError, fresh);
    if (file && (fileName.includes("/node_modules/") || fileName.startsWith(DIST))) {
      const { size, mtimeNs } = fs.statSync(fileName, { bigint: true });
      files.set(fileName, { file, size, mtimeNs, languageVersion: languageVersionOf(how), impliedNodeFormat: impliedNodeFormatOf(how) });
    }
    return file;
  };
  const fileExists = host.fileExists;
  host.fileExists = (fileName) => fileName === cell || fileExists.call(host, fileName);
  const program = ts.createProgram([cell], options, host);
  for (const { file } of files.values()) ts.bindSourceFile(file, program.getCompilerOptions());
  program.getSemanticDiagnostics();
  return files;
}

/** The library's declarations, as the compiler names them (their real path: node_modules/scratchnet links to the project). */
const DIST = path.join(ROOT, "dist").split(path.sep).join("/") + "/";
/** A first cell like the course's (tslab prefixes "export {};"): it imports the library and uses it. */
const FIRST_CELL = 'export {};\nimport { Neuron, RandomState } from "scratchnet";\nconst n = new Neuron([0, 1], 4);\nconsole.log(n.feedforward([2, 3]), new RandomState(0).random());\n';

const languageVersionOf = (how) => (typeof how === "object" ? how.languageVersion : how);
const impliedNodeFormatOf = (how) => (typeof how === "object" ? how.impliedNodeFormat : undefined);

const parsed = parseLibraries();

const hosts = new WeakSet();

/**
 * Makes a watch program's compiler host answer from the snapshot for a file it holds, when the
 * file on disk is unchanged (the same size and modification time to the nanosecond, checked once
 * per process; reading and comparing the 3.5 MB of text cost a tenth of the start) and the program
 * asks for it with the same language version and module format. Such a file is not watched for
 * changes: it is under node_modules or dist/, and tslab's watch of it polls the disk for nothing
 * (a rebuilt dist/ has new times: a new kernel parses it). Its version, which the compiler only
 * compares with its own earlier ones, names its size and time instead of hashing its text.
 */
function useParsedFiles(compilerHost) {
  if (hosts.has(compilerHost)) return;
  hosts.add(compilerHost);
  const fromSnapshot = (fileName, how, fresh) => {
    const entry = parsed.get(fileName);
    if (!entry || fresh || entry.languageVersion !== languageVersionOf(how) || entry.impliedNodeFormat !== impliedNodeFormatOf(how)) return undefined;
    if (entry.same === undefined) {
      const now = fs.statSync(fileName, { bigint: true, throwIfNoEntry: false });
      entry.same = now !== undefined && now.size === entry.size && now.mtimeNs === entry.mtimeNs;
      if (entry.same) entry.file.version = `snapshot ${entry.size} ${entry.mtimeNs}`;
    }
    return entry.same ? entry.file : undefined;
  };
  const getSourceFile = compilerHost.getSourceFile, getSourceFileByPath = compilerHost.getSourceFileByPath;
  compilerHost.getSourceFile = (fileName, how, onError, fresh) =>
    fromSnapshot(fileName, how, fresh) || getSourceFile.call(compilerHost, fileName, how, onError, fresh);
  if (getSourceFileByPath) {
    compilerHost.getSourceFileByPath = (fileName, filePath, how, onError, fresh) =>
      fromSnapshot(fileName, how, fresh) || getSourceFileByPath.call(compilerHost, fileName, filePath, how, onError, fresh);
  }
}

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // Node takes Error.stackTraceLimit out of a snapshot it builds ("it will be re-installed after
  // deserialization"), but on Node 20 a process started from one has none: errors would carry no
  // stack at all, in tslab's output or in a learner's catch. V8's own default is 10.
  if (typeof Error.stackTraceLimit !== "number") Error.stackTraceLimit = 10;
  // TypeScript picks its hash at load time; Node's crypto cannot be loaded while a snapshot is
  // built, so it is chosen here, as the compiler itself would (sha256, hex).
  if (!ts.sys.createHash) ts.sys.createHash = (data) => require("crypto").createHash("sha256").update(data).digest("hex");
  // The snapshot's compiler, for tslab: its watch hosts repaired as in every kernel of ours, and
  // their programs given the parsed files.
  const kernelRequire = Module.createRequire(path.join(ROOT, "jupyter", "kernels", "tslab", "launch.cjs"));
  kernelRequire("./compiler.cjs").installCompilerForTslab(ts, (host) => {
    const createProgram = host.createProgram;
    host.createProgram = (rootNames, options, compilerHost, ...rest) => {
      if (compilerHost) useParsedFiles(compilerHost);
      return createProgram(rootNames, options, compilerHost, ...rest);
    };
  });
  // A process started from the snapshot is launch.cjs's child: it follows its parent closely.
  kernelRequire("./kernel-main.cjs").startKernel(250);
});
