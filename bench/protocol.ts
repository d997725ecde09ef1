/**
 * What every peer process of `npm run bench` shares: how it is called, how it times, what it prints.
 *
 *   <peer> WORKLOAD.json REPEATS BUDGET_SECONDS [OUT.f64]
 *
 * A peer reads the workload, warms up for WARM_UP_SECONDS (V8 and TensorFlow.js compile on first
 * use; a training warm-up run is a tenth of the epochs, a matmul one is a sample), then runs it REPEATS
 * times, stopping once BUDGET_SECONDS have passed after 3 runs (or after 1 run longer than the
 * budget by itself), and prints one line of JSON, a PeerResult. bench/peer_numpy.py speaks the
 * same protocol.
 */
import { readFileSync, writeFileSync } from "fs";
import type { Workload } from "./workloads";

export interface PeerResult {
  peer: string;
  workload: string;
  /** Seconds of each timed run: the training loop, or one matmul call. */
  seconds: number[];
  /** Training: the loss over all rows after the last epoch, as the peer computes it. */
  loss?: number;
  /** Training: the loss after the first epoch. */
  firstLoss?: number;
  /** Training: seconds of the first warm-up run (a tenth of the epochs), the first thing the process ran. */
  coldSeconds?: number;
  /** Matmul: calls per timed sample. */
  calls?: number;
  /** Date.now() when the peer had started, imported its libraries and read the workload. */
  readyAt: number;
  /** Peak resident set size of the peer's process, in KB. */
  maxRssKB: number;
  /** The same when it was ready (runtime, libraries and data loaded, nothing run yet), in KB. */
  readyRssKB: number;
  /** The peer's runtime and library versions. */
  version: string;
  /** Anything else worth a line in the report. */
  note?: string;
}

export interface PeerArgs {
  workload: Workload;
  repeats: number;
  budget: number;
  out?: string;
}

export function peerArgs(argv = process.argv.slice(2)): PeerArgs {
  const [file, repeats, budget, out] = argv;
  if (!file) throw new Error("usage: <peer> WORKLOAD.json [REPEATS] [BUDGET_SECONDS] [OUT.f64]");
  return { workload: JSON.parse(readFileSync(file, "utf8")), repeats: Number(repeats ?? 5), budget: Number(budget ?? 30), out };
}

/** One run: its duration in seconds and whatever it produced. */
export type Run<T> = () => Promise<{ seconds: number; value: T }> | { seconds: number; value: T };

/**
 * Seconds of warm-up before the timed runs. V8 compiles in tiers (JavaScript and WebAssembly
 * alike: a baseline first, the optimizing compiler once code is hot, in the background) and
 * TensorFlow.js builds its kernels on first use, so a peer warms up for this long, as the
 * matmul timings (bench/matmul.ts) do too. The first warm-up run, in a process that has run
 * nothing yet, is kept as the peer's cold time.
 */
export const WARM_UP_SECONDS = 1;

/**
 * Warm-up runs until WARM_UP_SECONDS have passed (at least one), then `repeats` timed runs,
 * stopping early once `budget` seconds have passed: after 3 runs, or after the first if that
 * one alone took longer than the budget. `coldSeconds` is the first warm-up run's time.
 */
export async function timedRuns<T>(
  run: Run<T>, repeats: number, budget: number, warmUp: Run<unknown> = run,
): Promise<{ seconds: number[]; value: T; coldSeconds: number }> {
  const warmBegin = performance.now();
  const coldSeconds = (await warmUp()).seconds;
  while ((performance.now() - warmBegin) / 1000 < WARM_UP_SECONDS) await warmUp();
  const seconds: number[] = [];
  let value!: T;
  const begin = performance.now();
  while (seconds.length < repeats) {
    const r = await run();
    seconds.push(r.seconds);
    value = r.value;
    const spent = (performance.now() - begin) / 1000;
    if (spent > budget && (seconds.length >= 3 || seconds[0] > budget)) break;
  }
  return { seconds, value, coldSeconds };
}

/** The epochs of a warm-up run: a tenth of the workload's. */
export const warmUpEpochs = (epochs: number) => Math.max(1, Math.round(epochs / 10));

/** Calls per matmul sample so that a sample lasts about `targetSeconds` (one call measured first). */
export function callsFor(oneCall: () => void, targetSeconds = 0.2): number {
  const t0 = performance.now();
  oneCall();
  const dt = (performance.now() - t0) / 1000;
  return Math.max(1, Math.floor(targetSeconds / Math.max(dt, 1e-6)));
}

export function readF64(path: string): Float64Array {
  const bytes = readFileSync(path);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function writeF64(path: string, values: ArrayLike<number>): void {
  writeFileSync(path, new Uint8Array(Float64Array.from(values).buffer));
}

/** Date.now() and the peak RSS so far: call once the peer has loaded everything, before any run. */
export function ready(): { readyAt: number; readyRssKB: number } {
  return { readyAt: Date.now(), readyRssKB: process.resourceUsage().maxRSS };
}

/** Prints the result line (the runner reads the last line of stdout). */
export function report(result: Omit<PeerResult, "maxRssKB">): void {
  const full: PeerResult = { ...result, maxRssKB: process.resourceUsage().maxRSS };
  process.stdout.write(JSON.stringify(full) + "\n");
}
