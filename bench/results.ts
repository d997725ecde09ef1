/**
 * The shape of a benchmark report (bench/results/latest.json) and the rules that judge it:
 * when a peer's result counts, the ratios to NumPy, and the issue's five targets.
 * Pure functions of the measurements, so test/bench-results.test.ts can check them without running anything.
 */
import type { PeerResult } from "./protocol";

/** The peers, in the order of the report's columns. */
export const PEERS = ["ours", "numpy", "numpy-1t", "tfjs-cpu", "tfjs-wasm"] as const;
export type PeerId = (typeof PEERS)[number];

export const PEER_LABELS: Record<PeerId, string> = {
  ours: "scratchnet",
  numpy: "NumPy",
  "numpy-1t": "NumPy, 1 thread",
  "tfjs-cpu": "TF.js cpu",
  "tfjs-wasm": "TF.js wasm",
};

/** How close a peer's loss (or product) must be to ours before its time counts. */
export const TOLERANCE: Record<PeerId, number> = {
  ours: 0,
  numpy: 1e-6,
  "numpy-1t": 1e-6,
  "tfjs-cpu": 1e-4, // float32
  "tfjs-wasm": 1e-4,
};

export interface PeerOutcome {
  peer: PeerId;
  /** Median of the timed runs, in seconds (for matmul: per product). */
  median: number | null;
  seconds: number[];
  /** Matmul only: 2 n^3 / median, in GFLOPS. */
  gflops?: number;
  /** Training: the loss after the last epoch. */
  loss?: number;
  /** |loss - our loss| for training; for matmul, max |C - our C| / max |our C|. */
  difference?: number;
  /** Whether the result agrees with ours within TOLERANCE; only then does the time count. */
  matches: boolean;
  /** Seconds from spawning the process to having imported everything and read the data. */
  startupSeconds?: number;
  /** Training: seconds of the first warm-up run (a tenth of the epochs), the process's first work. */
  coldSeconds?: number;
  /** Peak resident set size of the peer's whole process, in MB. */
  peakRssMB?: number;
  /** Its RSS once loaded, before running anything (runtime, libraries, data), in MB. */
  readyRssMB?: number;
  version?: string;
  note?: string;
  /** Why there is no measurement (peer missing, crashed, ...). */
  error?: string;
  /** One-minute load average when this peer started. */
  loadAtStart?: number;
}

export interface WorkloadOutcome {
  id: string;
  title: string;
  kind: "train" | "matmul";
  /** Training: rows per epoch times epochs (samples processed), for samples per second. */
  samples?: number;
  peers: PeerOutcome[];
}

export interface CourseOutcome {
  /** Wall-clock seconds of `scripts/export.ts`: executing every notebook and writing the site. */
  seconds: number | null;
  /** Each notebook's execution, in seconds. */
  notebooks: { name: string; seconds: number }[];
  /** Peak of the summed RSS of the export's process tree, sampled, in MB. */
  peakRssMB?: number;
  jobs: number;
  error?: string;
}

export interface TargetOutcome {
  id: string;
  text: string;
  /** What was measured, in words ("4.1x faster than NumPy"), or why nothing was. */
  measured: string;
  met: boolean | null;
}

export interface BenchResults {
  date: string;
  commit: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGB: number;
    os: string;
    node: string;
    /** 1, 5 and 15-minute load averages. */
    loadAtStart: number[];
    loadAtEnd: number[];
    /**
     * Milliseconds of a fixed CPU-bound loop (bench/run.ts, `cpuProbe`), the fastest of 3, at the
     * start and at the end: how fast the machine's cores were running for us at the time.
     */
    probeMsAtStart?: number;
    probeMsAtEnd?: number;
  };
  /** Timed runs per peer and workload in all, split over `rounds` processes run in turn with the other peers'. */
  /** warmUpSeconds: each peer's warm-up before its timed runs (absent in results from before it was time-based). */
  settings: { repeats: number; rounds: number; budgetSeconds: number; warmUpSeconds?: number };
  versions: Partial<Record<PeerId, string>>;
  workloads: WorkloadOutcome[];
  course: CourseOutcome | null;
  targets: TargetOutcome[];
  messages: string[];
}

export const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Turns a peer's raw result into an outcome, comparing its loss with ours. */
export function trainOutcome(peer: PeerId, r: PeerResult, ours: number | undefined, spawnedAt: number): PeerOutcome {
  const difference = r.loss !== undefined && ours !== undefined ? Math.abs(r.loss - ours) : undefined;
  return {
    peer, median: median(r.seconds), seconds: r.seconds, loss: r.loss, difference, coldSeconds: r.coldSeconds,
    matches: peer === "ours" || (difference !== undefined && difference <= TOLERANCE[peer]),
    startupSeconds: (r.readyAt - spawnedAt) / 1000, peakRssMB: r.maxRssKB / 1024, readyRssMB: r.readyRssKB / 1024,
    version: r.version, note: r.note,
  };
}

/** max |c - ours| / max |ours|: the largest error relative to the product's scale. */
export function relativeMaxDifference(c: ArrayLike<number>, ours: ArrayLike<number>): number {
  if (c.length !== ours.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(c[i] - ours[i]));
    scale = Math.max(scale, Math.abs(ours[i]));
  }
  return Number.isNaN(diff) ? Infinity : diff / (scale || 1);
}

/** A matmul peer's outcome; `difference` from relativeMaxDifference. */
export function matmulOutcome(peer: PeerId, r: PeerResult, n: number, difference: number, spawnedAt: number): PeerOutcome {
  const m = median(r.seconds);
  return {
    peer, median: m, seconds: r.seconds, gflops: m ? (2 * n ** 3) / m / 1e9 : undefined, difference,
    matches: peer === "ours" || difference <= TOLERANCE[peer],
    startupSeconds: (r.readyAt - spawnedAt) / 1000, peakRssMB: r.maxRssKB / 1024, readyRssMB: r.readyRssKB / 1024,
    version: r.version, note: r.note,
  };
}

/**
 * One outcome from a peer's rounds (each its own process): all the timed runs together, a
 * match only if every round matched, the largest difference and peak memory, the median start-up.
 * `flops` per product turns a matmul's merged median into GFLOPS.
 */
export function mergeRounds(rounds: PeerOutcome[], flops?: number): PeerOutcome {
  const ok = rounds.filter((r) => !r.error);
  if (ok.length === 0) return rounds[0];
  const seconds = ok.flatMap((r) => r.seconds);
  const m = median(seconds);
  const max = (xs: (number | undefined)[]) => (xs.some((x) => x === undefined) ? undefined : Math.max(...(xs as number[])));
  return {
    ...ok[0],
    seconds,
    median: m,
    gflops: flops && m ? flops / m / 1e9 : undefined,
    matches: ok.length === rounds.length && ok.every((r) => r.matches),
    difference: max(ok.map((r) => r.difference)),
    startupSeconds: median(ok.map((r) => r.startupSeconds).filter((x): x is number => x !== undefined)) ?? undefined,
    coldSeconds: median(ok.map((r) => r.coldSeconds).filter((x): x is number => x !== undefined)) ?? undefined,
    peakRssMB: max(ok.map((r) => r.peakRssMB)),
    readyRssMB: max(ok.map((r) => r.readyRssMB)),
    loadAtStart: max(ok.map((r) => r.loadAtStart)),
    error: ok.length === rounds.length ? undefined : rounds.find((r) => r.error)?.error,
  };
}

/** A peer's outcome if it counts (measured and matching ours), else undefined. */
export function counted(w: WorkloadOutcome | undefined, peer: PeerId): PeerOutcome | undefined {
  const p = w?.peers.find((x) => x.peer === peer);
  return p && p.median !== null && p.matches && !p.error ? p : undefined;
}

/**
 * The NumPy that ratios are taken against: the faster of NumPy with its default threads and
 * NumPy on one thread (whichever counts), so that no ratio flatters us.
 */
export function numpyBaseline(w: WorkloadOutcome | undefined): PeerOutcome | undefined {
  const all = [counted(w, "numpy"), counted(w, "numpy-1t")].filter((p): p is PeerOutcome => !!p);
  return all.sort((a, b) => a.median! - b.median!)[0];
}

/** How many times faster than the NumPy baseline a peer is (its speed / NumPy's); > 1 is faster. */
export function speedVsNumpy(w: WorkloadOutcome | undefined, peer: PeerId): number | undefined {
  const base = numpyBaseline(w), p = counted(w, peer);
  if (!base || !p) return undefined;
  return base.median! / p.median!;
}

const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}x`;

/**
 * The performance targets (issue 19), as data, in this one place. Each is a ratio measured in one
 * run against a peer on the same machine, never an absolute time: this host's speed swings 2-4x
 * within an hour. (d) is a rate of the product alone, also from the same run.
 */
export const TARGETS = {
  /** (a) and (b): at least this many times NumPy's speed. */
  a: { fasterThanNumpy: 3 },
  b: { fasterThanNumpy: 1.5 },
  /** (c): at most this many times NumPy's time, and faster than TF.js on its wasm backend. */
  c: { slowerThanNumpyAtMost: 3 },
  /** (d): float64 GFLOPS of a 256 x 256 product, on one core. */
  d: { gflopsAt256: 8 },
} as const;

/** Judges the targets (TARGETS) from the workloads of one run. The course's time (e) is reported, not judged. */
export function judgeTargets(workloads: WorkloadOutcome[]): TargetOutcome[] {
  const w = (id: string) => workloads.find((x) => x.id === id);
  const faster = (id: "a" | "b", text: string): TargetOutcome => {
    const r = speedVsNumpy(w(id), "ours");
    if (r === undefined) return { id, text, measured: whyUnmeasured(w(id)), met: null };
    const measured = `${times(r)} NumPy's speed (${seconds(counted(w(id), "ours")!.median!)} vs ${seconds(numpyBaseline(w(id))!.median!)})`;
    return { id, text, measured, met: r >= TARGETS[id].fasterThanNumpy };
  };
  const targets = [
    faster("a", `(a) at least ${TARGETS.a.fasterThanNumpy}x faster than NumPy`),
    faster("b", `(b) at least ${TARGETS.b.fasterThanNumpy}x faster than NumPy`),
  ];

  const c = w("c"), ours = counted(c, "ours"), base = numpyBaseline(c), tfWasm = counted(c, "tfjs-wasm");
  const cText = `(c) no more than ${TARGETS.c.slowerThanNumpyAtMost}x slower than NumPy, and faster than TF.js wasm`;
  if (!ours || !base) {
    targets.push({ id: "c", text: cText, measured: whyUnmeasured(c), met: null });
  } else {
    const slower = ours.median! / base.median!;
    const rate = c?.samples ? `; ${Math.round(c.samples / ours.median! / 1000)}k samples/s` : "";
    const vsTf = tfWasm ? `, ${times(tfWasm.median! / ours.median!)} TF.js wasm's speed` : ", TF.js wasm not measured";
    const measured = `${slower >= 1 ? `${times(slower)} slower than` : `${times(1 / slower)} faster than`} NumPy${vsTf}${rate}`;
    targets.push({ id: "c", text: cText, measured, met: tfWasm ? slower <= TARGETS.c.slowerThanNumpyAtMost && ours.median! < tfWasm.median! : null });
  }

  const d = counted(w("d256"), "ours");
  targets.push({
    id: "d", text: `(d) at least ${TARGETS.d.gflopsAt256} GFLOPS float64 at 256 on one core`,
    measured: d?.gflops !== undefined ? `${d.gflops.toFixed(1)} GFLOPS` : whyUnmeasured(w("d256")),
    met: d?.gflops !== undefined ? d.gflops >= TARGETS.d.gflopsAt256 : null,
  });
  return targets;
}

function whyUnmeasured(w: WorkloadOutcome | undefined): string {
  if (!w) return "not run";
  const bad = w.peers.filter((p) => p.error || !p.matches).map((p) => `${PEER_LABELS[p.peer]}: ${p.error ?? "result differs from ours"}`);
  return bad.length ? `not measured (${bad.join("; ")})` : "not measured";
}

/** Seconds with three significant digits, or milliseconds below 0.1 s. */
export function seconds(s: number): string {
  if (s < 0.1) return `${(s * 1000).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}
