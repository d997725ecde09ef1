/**
 * The Markdown report of `npm run bench` (bench/results/latest.md), written from the JSON results,
 * and the README's copy of its main tables (between README_START and README_END).
 *
 *   node --import tsx bench/report.ts   # re-renders latest.md and the README's tables from latest.json
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { writeFileAtomic } from "../src/data/io";
import { BenchResults, PEER_LABELS, PEERS, PeerId, PeerOutcome, TOLERANCE, WorkloadOutcome, numpyBaseline, seconds, speedVsNumpy } from "./results";

const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => "---"))];

/** A table of one row per workload and one column per peer, each cell from `cell`. */
function workloadTable(workloads: WorkloadOutcome[], peers: PeerId[], cell: (w: WorkloadOutcome, p: PeerId) => string): string[] {
  return [
    ...header(["workload", ...peers.map((p) => PEER_LABELS[p])]),
    ...workloads.map((w) => row([w.title, ...peers.map((p) => cell(w, p))])),
  ];
}

/** The peers that appear anywhere in the results, in column order. */
function peersIn(r: BenchResults): PeerId[] {
  return PEERS.filter((p) => r.workloads.some((w) => w.peers.some((x) => x.peer === p)));
}

function outcome(w: WorkloadOutcome, peer: PeerId): PeerOutcome | undefined {
  return w.peers.find((p) => p.peer === peer);
}

/** A time (or GFLOPS) cell: the median and the speed relative to NumPy. */
function timeCell(w: WorkloadOutcome, peer: PeerId): string {
  const p = outcome(w, peer);
  if (!p) return "";
  if (p.error || p.median === null) return `not run${p.error ? ` (${p.error})` : ""}`;
  const value = w.kind === "matmul" ? `${p.gflops!.toFixed(1)} GFLOPS` : seconds(p.median);
  if (!p.matches) return `~~${value}~~ result differs`;
  const ratio = speedVsNumpy(w, peer);
  const base = numpyBaseline(w);
  const mark = base && base.peer === peer ? " (baseline)" : ratio !== undefined ? ` (${ratio.toFixed(2)}x)` : "";
  const runs = p.seconds.length < 3 ? `, ${p.seconds.length} run${p.seconds.length === 1 ? "" : "s"}` : "";
  return `${value}${mark}${runs}`;
}

function agreementCell(w: WorkloadOutcome, peer: PeerId): string {
  const p = outcome(w, peer);
  if (!p || p.error || p.median === null) return "";
  if (peer === "ours") return w.kind === "matmul" ? "reference" : `loss ${p.loss!.toPrecision(10)}`;
  const d = p.difference === undefined ? "?" : p.difference.toExponential(1);
  return `${d} ${p.matches ? "ok" : `**DIFFERS** (tolerance ${TOLERANCE[peer]})`}`;
}

/** The warm-up, as the results record it (older results: a single run of a tenth of the epochs). */
function warmUp(r: BenchResults): string {
  const s = r.settings.warmUpSeconds;
  return s === undefined ? "a warm-up" : `${s} s of warm-up (training: runs of a tenth of the epochs; the first of them is the cold time below)`;
}

/**
 * The first run of each process, cold: a tenth of the epochs before anything was compiled. In
 * brackets, how many times a tenth of the warm median it took.
 */
function coldSection(r: BenchResults, peers: PeerId[]): string[] {
  const train = r.workloads.filter((w) => w.kind === "train" && w.peers.some((p) => p.coldSeconds !== undefined));
  if (train.length === 0) return [];
  return [
    "The first run in a fresh process (median over the rounds), a tenth of the epochs, before any warm-up: what a" +
      " learner's first `fit` in a new kernel pays while the runtime compiles. In brackets, how many times a tenth of the" +
      " warm median it took.",
    "",
    ...workloadTable(train, peers, (w, peer) => {
      const o = outcome(w, peer);
      if (!o || o.error || o.coldSeconds === undefined) return "";
      return o.median ? `${seconds(o.coldSeconds)} (${(o.coldSeconds / (o.median / 10)).toFixed(1)}x)` : seconds(o.coldSeconds);
    }),
  ];
}

/** How fast the cores ran for us, by the CPU probe, when the results record it. */
function probeLine(r: BenchResults): string[] {
  const { probeMsAtStart: start, probeMsAtEnd: end } = r.machine;
  if (start === undefined || end === undefined) return [];
  return [
    "",
    `A fixed CPU-bound loop (\`cpuProbe\` in bench/run.ts) took ${start.toFixed(0)} ms at the start and ${end.toFixed(0)} ms at the end.` +
      " This machine is a virtual one with neighbours: the same loop has taken from about 230 ms to 880 ms on it within an hour," +
      " so absolute times swing with the host's load. Each ratio compares runs taken in turn, close together, and swings less.",
  ];
}

/** The spread of the one-minute load average as each peer started, when the results record it. */
function loadRange(r: BenchResults): string[] {
  const loads = r.workloads.flatMap((w) => w.peers.map((p) => p.loadAtStart)).filter((x): x is number => x !== undefined);
  if (loads.length === 0) return [];
  return ["", `The one-minute load average was between ${Math.min(...loads).toFixed(2)} and ${Math.max(...loads).toFixed(2)} as the peers started (other work shares this machine).`];
}

/** The targets, one row each, as judged in the results. */
function targetsTable(r: BenchResults): string[] {
  return [
    ...header(["target", "measured", "met"]),
    ...r.targets.map((t) => row([t.text, t.measured, t.met === null ? "not measured" : t.met ? "**met**" : "**not met**"])),
  ];
}

function timeSection(r: BenchResults, peers: PeerId[]): string[] {
  return [
    "Median time of the training loop (matmul: GFLOPS, 2n^3 per product). In brackets: the speed relative to NumPy" +
      " (its time divided by the peer's; above 1 is faster), where NumPy is the faster of its two runs, with its default" +
      " threads and on one thread.",
    "",
    ...workloadTable(r.workloads, peers, timeCell),
  ];
}

function memorySection(r: BenchResults, peers: PeerId[]): string[] {
  return [
    "Peak resident set size of each peer's process, in MB; in brackets, what it held once loaded (runtime, libraries," +
      " data), before running anything.",
    "",
    ...workloadTable(r.workloads, peers, (w, p) => {
      const o = outcome(w, p);
      if (o?.peakRssMB === undefined) return "";
      return o.readyRssMB !== undefined ? `${o.peakRssMB.toFixed(0)} (${o.readyRssMB.toFixed(0)})` : o.peakRssMB.toFixed(0);
    }),
  ];
}

/** `## title` (or `### title` at level 3), the body, and a blank line. */
const section = (level: 2 | 3, title: string, body: string[]) => [`${"#".repeat(level)} ${title}`, "", ...body, ""];

export function renderMarkdown(r: BenchResults): string {
  const peers = peersIn(r);
  const labels = peers.map((p) => PEER_LABELS[p]);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
  const cold = coldSection(r, peers);
  const lines: string[] = [
    "# Benchmarks",
    "",
    `Measured ${r.date} on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, ${r.machine.os}, Node ${r.machine.node}` +
      ` (commit ${r.commit}). Load average (1, 5, 15 min) ${load(r.machine.loadAtStart)} at the start, ${load(r.machine.loadAtEnd)} at the end.`,
    "",
    `Every figure is a median of ${r.settings.repeats} timed runs: ${r.settings.rounds} rounds, each peer in turn running each` +
      ` workload in a process of its own, after ${warmUp(r)} (fewer runs once a peer has spent ${r.settings.budgetSeconds} s on a` +
      " workload; fewer than 3 marked), all from the same data and the same starting weights. A time counts only when the peer's result" +
      " agrees with ours: the loss after the last epoch to 1e-6 (NumPy) or 1e-4 (TensorFlow.js, float32), a product to the" +
      " same tolerances relative to its largest entry. Times are wall-clock, in-process, of the training loop alone.",
    ...loadRange(r),
    ...probeLine(r),
    "",
    ...section(2, "Targets", targetsTable(r)),
    ...section(2, "Time", timeSection(r, peers)),
    ...section(2, "Agreement with our result", [
      "Our final loss, and each peer's absolute difference from it (matmul: max |C - ours| / max |ours|).",
      "",
      ...workloadTable(r.workloads, peers, agreementCell),
    ]),
    ...section(2, "Memory", memorySection(r, peers)),
    ...(cold.length ? section(2, "Cold start", cold) : []),
    ...section(2, "Start-up", [
      "Seconds from spawning the process to having imported the libraries and read workload (a): what a whole-process" +
        " timing adds to the medians above.",
      "",
      ...header(labels),
      row(peers.map((p) => {
        const o = r.workloads.find((w) => w.id === "a")?.peers.find((x) => x.peer === p);
        return o?.startupSeconds !== undefined && !o.error ? o.startupSeconds.toFixed(2) : "";
      })),
    ]),
  ];

  lines.push("## (e) The course, executed headlessly", "");
  const c = r.course;
  if (!c) {
    lines.push("Not run (left out by `--only` or `--quick`).", "");
  } else if (c.seconds === null) {
    lines.push(`Not measured: ${c.error ?? "unknown error"}`, "");
  } else {
    lines.push(
      `\`scripts/export.ts\` executed ${c.notebooks.length} notebooks, ${c.jobs} at a time, and wrote the site in` +
        ` **${c.seconds.toFixed(1)} s**${c.peakRssMB ? `; the peak of its process tree's summed RSS (sampled) was ${c.peakRssMB.toFixed(0)} MB` : ""}.` +
        " Each notebook's execution (a fresh Python, nbconvert and tslab kernel):",
      "",
      ...header(["notebook", "seconds"]),
      ...c.notebooks.map((n) => row([n.name, n.seconds.toFixed(1)])),
      "",
    );
  }

  lines.push("## Versions", "");
  for (const p of peers) if (r.versions[p]) lines.push(`- ${PEER_LABELS[p]}: ${r.versions[p]}`);
  if (r.messages.length) lines.push("", "## Notes", "", ...r.messages.map((m) => `- ${m}`));
  lines.push(
    "",
    "## Reproduce",
    "",
    "```sh",
    "npm run bench                 # everything, ~5-10 min; writes bench/results/latest.{md,json}",
    "npm run bench -- --quick      # 3 runs each, no (e), no 1024 matmul",
    "npm run bench -- --only a,c   # some workloads: a b c d e",
    "```",
    "",
    "NumPy runs when `python3` (or $SCRATCHNET_PYTHON) imports numpy; otherwise it is skipped with a message.",
    "",
  );
  return lines.join("\n");
}

/** The README's generated block lies between these two lines. */
export const README_START = "<!-- bench:start: written by `npm run bench` from bench/results/latest.json (bench/report.ts); edit there, not here -->";
export const README_END = "<!-- bench:end -->";

/** What the README shows of a run: when and how fast the machine was, then the targets, times, cold starts and memory. */
export function renderReadmeBlock(r: BenchResults): string {
  const peers = peersIn(r);
  const { probeMsAtStart: start, probeMsAtEnd: end } = r.machine;
  const probe = start !== undefined && end !== undefined
    ? `; the CPU probe (a fixed loop, about 230 ms at best on this machine) took ${start.toFixed(0)} ms at the start and ${end.toFixed(0)} ms at the end`
    : "";
  const cold = coldSection(r, peers);
  return [
    README_START,
    `Measured ${r.date.slice(0, 10)} at commit ${r.commit}, on ${r.machine.cores} cores of ${r.machine.cpu}${probe}.`,
    "",
    ...section(3, "Targets", targetsTable(r)),
    ...section(3, "Time", timeSection(r, peers)),
    ...(cold.length ? section(3, "Cold start", cold) : []),
    ...section(3, "Peak memory", memorySection(r, peers)),
    README_END,
  ].join("\n");
}

/** The README with its generated block replaced by `block`; an error if the block's two marker lines are not there once each. */
export function spliceReadme(readme: string, block: string): string {
  const lines = readme.split("\n");
  const start = lines.indexOf(README_START), end = lines.indexOf(README_END);
  const once = (marker: string) => lines.filter((l) => l === marker).length === 1;
  if (start < 0 || end < start || !once(README_START) || !once(README_END)) {
    throw new Error(`README.md needs the benchmark block's two marker lines, once each and in order:\n${README_START}\n${README_END}`);
  }
  return [...lines.slice(0, start), block, ...lines.slice(end + 1)].join("\n");
}

/** Writes the README with `r`'s tables, through a temporary file renamed into place (never half-written). */
export function updateReadme(readmePath: string, r: BenchResults): void {
  writeFileAtomic(readmePath, spliceReadme(readFileSync(readmePath, "utf8"), renderReadmeBlock(r)));
}

if (require.main === module) {
  const root = join(__dirname, "..");
  const results = JSON.parse(readFileSync(join(root, "bench", "results", "latest.json"), "utf8")) as BenchResults;
  writeFileSync(join(root, "bench", "results", "latest.md"), renderMarkdown(results));
  updateReadme(join(root, "docs", "benchmarks.md"), results);
  process.stderr.write("bench: re-rendered bench/results/latest.md and docs/benchmarks.md's tables from latest.json\n");
}
