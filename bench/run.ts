/**
 * `npm run bench`: scratchnet against NumPy and TensorFlow.js (cpu and wasm backends) on the
 * same data and the same starting weights, in one run. Writes bench/results/latest.md and
 * latest.json, and copies the main tables into README.md (not with --out, which writes elsewhere).
 * A measurement run by hand, not a test: nothing fails on time.
 *
 *   npm run bench [-- --quick] [-- --only a,b,c,d,e] [-- --repeats 6] [-- --rounds 2] [-- --budget 20] [-- --out DIR] [-- --help]
 *
 * Workloads (bench/workloads.ts): (a) the circle classifier, 300 rows; (b) the same on 10,000
 * rows; (c) a softmax MLP on the digits; (d) square matmuls; (e) the course executed headlessly
 * (bench/course.ts). Each peer runs each workload in child processes of its own (bench/peer-*),
 * which gives every figure a fresh runtime and its own peak RSS: `--rounds` of them, taking
 * turns with the other peers', `--repeats` timed runs in all.
 */
import { spawn, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, release, tmpdir, totalmem, type } from "os";
import { join } from "path";
import { parseArgs } from "util";
import { timeCourse } from "./course";
import type { PeerResult } from "./protocol";
import { readF64, WARM_UP_SECONDS } from "./protocol";
import { renderMarkdown, updateReadme } from "./report";
import {
  BenchResults, CourseOutcome, PEER_LABELS, PeerId, PeerOutcome, WorkloadOutcome,
  judgeTargets, matmulOutcome, mergeRounds, relativeMaxDifference, seconds, trainOutcome,
} from "./results";
import { MATMUL_SIZES, TRAIN_SPECS, TrainId, writeWorkloads } from "./workloads";

const ROOT = join(__dirname, "..");
/** Where the committed report lives; a run written there also updates the README's tables. */
const DEFAULT_OUT_DIR = join(ROOT, "bench", "results");

interface Options {
  only: Set<string>;
  repeats: number;
  rounds: number;
  budget: number;
  outDir: string;
  quick: boolean;
}

const USAGE = `npm run bench [-- OPTIONS]: scratchnet against NumPy and TensorFlow.js, same data and weights, one run.
  --quick          fewer runs (3, one round, 5 s budget) and no (e), no 1024 matmul
  --only LIST      workloads to run, of a,b,c,d,e (default all)
  --repeats N      timed runs per peer and workload (default 6; 3 with --quick)
  --rounds N       rounds of child processes, peers taking turns (default 2; 1 with --quick)
  --budget S       seconds a peer may spend on one workload (default 20; 5 with --quick)
  --out DIR        write latest.md and latest.json there (default bench/results, which also updates docs/benchmarks.md)
  --help           this text`;

/** The command line, read with node:util's parseArgs: an unknown option or a bad value is an error that says so. */
export function parseOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      repeats: { type: "string" },
      rounds: { type: "string" },
      budget: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const quick = values.quick!;
  const only = new Set((values.only ?? "a,b,c,d,e").split(",").map((s) => s.trim()));
  if (quick) only.delete("e");
  for (const id of only) if (!["a", "b", "c", "d", "e"].includes(id)) throw new Error(`bench: unknown workload "${id}" (a, b, c, d, e)`);
  const count = (flag: string, value: string | undefined, fallback: number) => {
    const n = Number(value ?? fallback);
    if (!(n > 0)) throw new Error(`bench: --${flag} must be a positive number, got ${JSON.stringify(value)}`);
    return n;
  };
  return {
    only, quick,
    repeats: count("repeats", values.repeats, quick ? 3 : 6),
    rounds: count("rounds", values.rounds, quick ? 1 : 2),
    budget: count("budget", values.budget, quick ? 5 : 20),
    outDir: values.out ?? DEFAULT_OUT_DIR,
  };
}

const log = (line: string) => process.stderr.write(line + "\n");

/** How to start each peer: a command line, an environment, or why it cannot run here. */
interface PeerCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** The Python with NumPy: $SCRATCHNET_PYTHON, else python3 on PATH; undefined (and why) if none imports numpy. */
function findNumpy(): { python?: string; why?: string } {
  const python = process.env.SCRATCHNET_PYTHON ?? "python3";
  const r = spawnSync(python, ["-c", "import numpy"], { encoding: "utf8" });
  if (r.error) return { why: `${python} was not found` };
  if (r.status !== 0) return { why: `${python} cannot import numpy` };
  return { python };
}

function peerCommands(python: string | undefined): Partial<Record<PeerId, PeerCommand>> {
  const node = (file: string, ...pre: string[]): PeerCommand => ({ command: process.execPath, args: ["--import", "tsx", join(ROOT, "bench", file), ...pre] });
  const commands: Partial<Record<PeerId, PeerCommand>> = {
    ours: node("peer-ours.ts"),
    "tfjs-cpu": node("peer-tfjs.ts", "cpu"),
    "tfjs-wasm": node("peer-tfjs.ts", "wasm"),
  };
  if (python) {
    const script = join(ROOT, "bench", "peer_numpy.py");
    commands.numpy = { command: python, args: [script] };
    const one = "1";
    commands["numpy-1t"] = { command: python, args: [script], env: { OPENBLAS_NUM_THREADS: one, OMP_NUM_THREADS: one, MKL_NUM_THREADS: one } };
  }
  return commands;
}

/** Runs one peer on one workload; resolves to its result line, or rejects with its stderr. */
function runPeer(cmd: PeerCommand, args: string[]): Promise<{ result: PeerResult; spawnedAt: number }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const child = spawn(cmd.command, [...cmd.args, ...args], { cwd: ROOT, env: { ...process.env, ...cmd.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) {
        resolve({ result: JSON.parse(last) as PeerResult, spawnedAt });
      } else {
        reject(new Error(`exit ${code}: ${(err.trim().split("\n").at(-1) ?? "").slice(0, 300)}`));
      }
    });
  });
}

function failed(peer: PeerId, error: string, loadAtStart: number): PeerOutcome {
  return { peer, median: null, seconds: [], matches: false, error, loadAtStart };
}

function describe(w: WorkloadOutcome, p: PeerOutcome): string {
  if (p.error) return `FAILED: ${p.error}`;
  const value = w.kind === "matmul" ? `${p.gflops!.toFixed(2)} GFLOPS` : `median ${seconds(p.median!)}`;
  const agree = p.peer === "ours" ? "" : p.matches ? ", agrees" : `, RESULT DIFFERS from ours by ${p.difference?.toExponential(2)}: its time does not count`;
  return `${value} of ${p.seconds.length} runs${agree}; peak RSS ${p.peakRssMB!.toFixed(0)} MB`;
}

/**
 * The fastest of 3 runs of a fixed integer loop, in ms. On a shared virtual machine the same
 * work can take twice as long from one minute to the next; this says how fast it ran for us.
 */
export function cpuProbe(): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    let x = 0;
    for (let i = 0; i < 3e8; i++) x += i & 7;
    best = Math.min(best, performance.now() - t0 + (x < 0 ? 1 : 0)); // x is used, so the loop stays
  }
  return best;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const loadAtStart = loadavg();
  const probeMsAtStart = cpuProbe();
  log(`bench: load average ${loadAtStart.map((x) => x.toFixed(2)).join(", ")} on ${cpus().length} cores; CPU probe ${probeMsAtStart.toFixed(0)} ms`);
  const messages: string[] = [];
  const numpy = findNumpy();
  if (numpy.why) {
    const m = `NumPy skipped: ${numpy.why} (set SCRATCHNET_PYTHON to a Python with numpy); no ratios to NumPy, targets (a)-(c) not measured.`;
    log(`bench: ${m}`);
    messages.push(m);
  }
  const commands = peerCommands(numpy.python);
  const ids: string[] = [...(["a", "b", "c"] as const).filter((id) => o.only.has(id))];
  if (o.only.has("d")) ids.push(...MATMUL_SIZES.filter((n) => !(o.quick && n > 256)).map((n) => `d${n}`));

  const dir = mkdtempSync(join(tmpdir(), "scratchnet-bench-"));
  const workloads: WorkloadOutcome[] = [];
  const versions: BenchResults["versions"] = {};
  try {
    const files = writeWorkloads(dir, ids);
    for (const id of ids) {
      const isTrain = id === "a" || id === "b" || id === "c";
      const spec = isTrain ? TRAIN_SPECS[id as TrainId] : undefined;
      const n = isTrain ? 0 : Number(id.slice(1));
      const w: WorkloadOutcome = {
        id, kind: isTrain ? "train" : "matmul",
        title: spec?.title ?? `(d) matmul ${n}x${n}, float64 (TF.js: float32)`,
        samples: spec ? spec.rows * spec.epochs : undefined,
        peers: [],
      };
      workloads.push(w);
      log(`\n${w.title}`);
      let ourLoss: number | undefined;
      let ourProduct: Float64Array | undefined;
      const peers = Object.keys(commands) as PeerId[];
      const rounds = new Map<PeerId, PeerOutcome[]>(peers.map((p) => [p, []]));
      // Round by round, each peer in turn: a burst of other work on the machine then lands on
      // every peer's runs alike, not on one peer's.
      for (let round = 0; round < o.rounds; round++) {
        for (const peer of peers) {
          const load = loadavg()[0];
          const out = join(dir, `${id}-${peer}.f64`);
          const args = [files.get(id)!, String(Math.max(1, Math.round(o.repeats / o.rounds))), String(o.budget / o.rounds), out];
          let outcome: PeerOutcome;
          try {
            const { result, spawnedAt } = await runPeer(commands[peer]!, args);
            versions[peer] ??= result.version;
            if (isTrain) {
              if (peer === "ours") ourLoss ??= result.loss;
              outcome = trainOutcome(peer, result, ourLoss, spawnedAt);
            } else {
              const product = readF64(out);
              if (peer === "ours") ourProduct ??= product;
              outcome = matmulOutcome(peer, result, n, ourProduct ? relativeMaxDifference(product, ourProduct) : Infinity, spawnedAt);
            }
            outcome.loadAtStart = load;
          } catch (e) {
            outcome = failed(peer, (e as Error).message, load);
          }
          rounds.get(peer)!.push(outcome);
        }
      }
      for (const peer of peers) {
        const outcome = mergeRounds(rounds.get(peer)!, isTrain ? undefined : 2 * n ** 3);
        // Our own rounds must agree with each other too: the library is deterministic.
        if (peer === "ours" && isTrain && new Set(rounds.get(peer)!.map((r) => r.loss)).size > 1) {
          messages.push(`${w.title}: our own runs gave different losses in different processes.`);
        }
        w.peers.push(outcome);
        log(`  ${PEER_LABELS[peer].padEnd(16)} ${describe(w, outcome)}`);
        if (!outcome.error && !outcome.matches) {
          messages.push(`${w.title}: ${PEER_LABELS[peer]}'s result differs from ours by ${outcome.difference?.toExponential(2)}; its time is not counted.`);
        }
        if (outcome.error) messages.push(`${w.title}: ${PEER_LABELS[peer]} failed: ${outcome.error}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let course: CourseOutcome | null = null;
  if (o.only.has("e")) {
    log("\n(e) the course, executed headlessly (scripts/export.ts)");
    course = await timeCourse(log);
    log(course.seconds !== null ? `  ${course.seconds.toFixed(1)} s` : `  FAILED: ${course.error}`);
  }

  const results: BenchResults = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    commit: gitCommit(),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
      cores: cpus().length,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      loadAtStart,
      loadAtEnd: loadavg(),
      probeMsAtStart,
      probeMsAtEnd: cpuProbe(),
    },
    settings: { repeats: o.repeats, rounds: o.rounds, budgetSeconds: o.budget, warmUpSeconds: WARM_UP_SECONDS },
    versions,
    workloads,
    course,
    targets: judgeTargets(workloads),
    messages,
  };
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  const md = renderMarkdown(results);
  writeFileSync(join(o.outDir, "latest.md"), md);
  log(`\nbench: wrote ${join(o.outDir, "latest.md")} and latest.json`);
  if (o.outDir === DEFAULT_OUT_DIR) {
    updateReadme(join(ROOT, "docs", "benchmarks.md"), results);
    log("bench: and the tables in docs/benchmarks.md");
  }
  for (const t of results.targets) log(`  ${t.met === null ? "not measured" : t.met ? "met    " : "NOT MET"}  ${t.text}: ${t.measured}`);
}

/** The commit measured, with "+changes" when the tree differs from it. */
function gitCommit(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  if (head.status !== 0) return "unknown";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" });
  return head.stdout.trim() + (dirty.stdout.trim() ? "+changes" : "");
}

main().catch((err: unknown) => {
  const code = (err as { code?: string })?.code;
  // A mistyped option: its message and the usage, not a stack.
  if (code?.startsWith("ERR_PARSE_ARGS")) log(`bench: ${(err as Error).message}\n${USAGE}`);
  else log(`bench: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
