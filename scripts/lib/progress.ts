/**
 * Progress for long work that runs several jobs at once (executing notebooks, a class of simulated
 * students): a line every few seconds with the time spent, how many are done, and the time left
 * when past runs give one.
 * Silence for two minutes looks like a hang; a line every few seconds says it is still working.
 */
import { readFileSync } from "fs";

/**
 * How long `jobs` workers take for tasks of the given seconds, started longest first, each on the
 * first worker to come free (what the export's pool does). Undefined when some task has no time.
 */
export function expectedSeconds(seconds: (number | undefined)[], jobs: number): number | undefined {
  if (seconds.some((s) => s === undefined || !Number.isFinite(s) || s < 0)) return undefined;
  const free = new Array<number>(Math.max(1, Math.min(jobs, seconds.length))).fill(0);
  for (const s of [...(seconds as number[])].sort((a, b) => b - a)) {
    const first = free.indexOf(Math.min(...free));
    free[first] += s;
  }
  return Math.max(0, ...free);
}

/** Seconds by name from a timings file such as .jupyter/export-seconds.json; {} when missing or unreadable. */
export function readSeconds(file: string): Record<string, number> {
  try {
    const json: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof json !== "object" || json === null || Array.isArray(json)) return {};
    return Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
  } catch {
    return {};
  }
}

/** 75 -> "1 min 15 s", 8.4 -> "8 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/**
 * One progress line, counting `unit` (notebooks, students). With an estimate from past runs, the time left is the estimate minus the
 * time spent; past the estimate it says so rather than counting below zero.
 * @example progressLine("student", 40, 3, 10, 120) // "student: 40 s, 3 of 10 notebooks done, about 1 min 20 s left"
 */
export function progressLine(label: string, elapsed: number, done: number, total: number, expected?: number, unit = "notebooks"): string {
  const head = `${label}: ${duration(elapsed)}, ${done} of ${total} ${unit} done`;
  if (expected === undefined) return `${head} (no past run to estimate the time left from)`;
  // Whole seconds, so that the line never says "0 s longer".
  if (Math.round(elapsed - expected) <= 0) return `${head}, about ${duration(expected - elapsed)} left`;
  return `${head}, ${duration(elapsed - expected)} longer than the last run took`;
}

export interface Progress {
  /** One more job finished. */
  done(): void;
  /** No more lines (call it in a finally). */
  stop(): void;
}

/** Calls `tick` every `ms` until the returned function is called; never keeps the process alive. */
function everyMs(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Prints `progressLine` every `everyMs` until stopped. `now` (milliseconds) and `schedule` are for
 * tests, which drive the clock and the ticks themselves.
 */
export function startProgress(options: {
  label: string;
  total: number;
  /** What is counted (default "notebooks"). */
  unit?: string;
  expected?: number;
  everyMs?: number;
  write?: (line: string) => void;
  now?: () => number;
  schedule?: (ms: number, tick: () => void) => () => void;
}): Progress {
  const now = options.now ?? Date.now;
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const started = now();
  let finished = 0;
  const cancel = (options.schedule ?? everyMs)(options.everyMs ?? 5000, () => {
    write(progressLine(options.label, (now() - started) / 1000, finished, options.total, options.expected, options.unit));
  });
  return {
    done: () => void finished++,
    stop: cancel,
  };
}
