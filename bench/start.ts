/**
 * `npm run bench:start`: how long a learner waits for a first result, our TypeScript kernel
 * (tslab, through jupyter/kernels/tslab/launch.cjs) against IPython's, in one run. A measurement
 * by hand, not a test: nothing fails on time.
 *
 *   npm run bench:start [-- --starts 5] [-- --out DIR] [-- --help]
 *
 * Each kernel is started as Jupyter starts it (jupyter_client, bench/kernel_start.py), the kernels
 * taking turns start by start, and timed to "ready" (its first kernel_info reply), then through a
 * first cell: for ours the course's first (import scratchnet, one neuron), for IPython the same
 * neuron with NumPy. CPU is the kernel processes' own user + system time (/proc), which other work
 * on a shared machine does not stretch the way it stretches wall times; ratios are taken between
 * kernels measured in the same run. Three kernels: ours as it starts now (from its start-up
 * snapshot, built first if missing), ours without the snapshot (SCRATCHNET_KERNEL_SNAPSHOT=0, the
 * start before it), and IPython. Writes bench/results/start.md and start.json.
 */
import { spawnSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { cpus, loadavg } from "os";
import { join } from "path";
import { parseArgs } from "util";
import { NOTEBOOKS, ensureJupyter, jupyterEnv, buildLibrary, linkLibrary } from "../scripts/lib/project";

const ROOT = join(__dirname, "..");
const DRIVER = join(__dirname, "kernel_start.py");
const LAUNCHER = join(ROOT, "jupyter", "kernels", "tslab", "launch.cjs");

const USAGE = `npm run bench:start [-- OPTIONS]: our kernel's start against IPython's, in one run.
  --starts N   starts of each kernel, taking turns (default 5)
  --out DIR    where start.md and start.json go (default bench/results)
  --help       this text
Needs a Python with jupyter_client, ipykernel and numpy ($SCRATCHNET_PYTHON, else the project's Jupyter).`;

/** The first cells: the course's opening (notebooks/01-neuron.ipynb), and the same neuron in NumPy. */
const TS_CELL = [
  'import { Neuron, RandomState } from "scratchnet";',
  "const neuron = new Neuron([0, 1], 4);",
  "console.log(neuron.feedforward([2, 3]));",
].join("\n");
const PY_CELL = ["import numpy as np", "print(1 / (1 + np.exp(-(np.dot([0, 1], [2, 3]) + 4))))"].join("\n");

interface Kernel {
  label: string;
  name: string;
  cell: string;
  env?: Record<string, string>;
}

const KERNELS: Kernel[] = [
  { label: "tslab (ours)", name: "tslab", cell: TS_CELL },
  { label: "tslab, no snapshot", name: "tslab", cell: TS_CELL, env: { SCRATCHNET_KERNEL_SNAPSHOT: "0" } },
  { label: "IPython", name: "python3", cell: PY_CELL },
];

interface Run {
  label: string;
  start: number;
  readySeconds: number;
  readyCpu: number;
  cellSeconds: number;
  firstResultCpu: number;
  rssMB: number;
  status: string;
  output: string;
}

export interface StartRow {
  label: string;
  starts: number;
  readySeconds: number;
  readyCpu: number;
  cellSeconds: number;
  firstResultCpu: number;
  /** Resident memory of the kernel's processes after the first cell, MB. */
  rssMB: number;
  /** CPU to first result over IPython's, from the medians. */
  cpuRatio: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median of each measure per kernel, and each kernel's CPU to first result over IPython's. */
export function summarise(runs: Run[], labels: string[]): StartRow[] {
  const rows = labels.map((label) => {
    const mine = runs.filter((r) => r.label === label);
    const of = (key: "readySeconds" | "readyCpu" | "cellSeconds" | "firstResultCpu" | "rssMB") => median(mine.map((r) => r[key]));
    return {
      label, starts: mine.length, readySeconds: of("readySeconds"), readyCpu: of("readyCpu"), cellSeconds: of("cellSeconds"),
      firstResultCpu: of("firstResultCpu"), rssMB: of("rssMB"), cpuRatio: null as number | null,
    };
  });
  const python = rows.find((r) => r.label === "IPython");
  for (const r of rows) r.cpuRatio = python ? r.firstResultCpu / python.firstResultCpu : null;
  return rows;
}

export function renderTable(rows: StartRow[]): string {
  const lines = [
    "| kernel | ready (wall) | CPU until ready | first cell (wall) | CPU to first result | CPU to first result / IPython's | memory after the first cell |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const ratio = r.cpuRatio === null ? "-" : `${r.cpuRatio.toFixed(1)}x`;
    lines.push(`| ${r.label} | ${r.readySeconds.toFixed(2)} s | ${r.readyCpu.toFixed(2)} s | ${r.cellSeconds.toFixed(2)} s | ${r.firstResultCpu.toFixed(2)} s | ${ratio} | ${r.rssMB.toFixed(0)} MB |`);
  }
  return lines.join("\n");
}

function parseOptions(argv: string[]): { starts: number; outDir: string } | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { starts: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) return "help";
  const starts = Number(values.starts ?? 5);
  if (!Number.isInteger(starts) || starts < 1) throw new Error(`bench:start: --starts must be a whole number of 1 or more, got ${JSON.stringify(values.starts)}`);
  return { starts, outDir: values.out ?? join(ROOT, "bench", "results") };
}

/** A Python that can drive kernels and run IPython with NumPy, or an error saying what is missing. */
async function findPython(): Promise<string> {
  const python = process.env.SCRATCHNET_PYTHON ?? (await ensureJupyter("nbconvert"));
  const r = spawnSync(python, ["-c", "import jupyter_client, ipykernel, numpy"], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`bench:start: ${python} cannot import jupyter_client, ipykernel and numpy (${r.stderr.trim().split("\n").at(-1)}); ` +
      `install them there (pip install ipykernel numpy) or set SCRATCHNET_PYTHON`);
  }
  return python;
}

const log = (line: string) => process.stderr.write(line + "\n");

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const python = await findPython();
  buildLibrary();
  linkLibrary();
  log("bench:start: building the kernel's start-up snapshot");
  const build = spawnSync(process.execPath, [LAUNCHER, "--build-snapshot"], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bench:start: the snapshot did not build: ${build.stderr}`);
  const loadAtStart = loadavg();
  log(`bench:start: load average ${loadAtStart.map((x) => x.toFixed(2)).join(", ")} on ${cpus().length} cores; ${o.starts} starts of each kernel`);
  const request = { kernels: KERNELS, starts: o.starts, cwd: NOTEBOOKS, timeout: 120 };
  const r = spawnSync(python, [DRIVER], { input: JSON.stringify(request), env: jupyterEnv(), encoding: "utf8", stdio: ["pipe", "pipe", "inherit"], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench:start: kernel_start.py exited ${r.status}`);
  const runs = (JSON.parse(r.stdout) as { runs: Run[] }).runs;
  const failed = runs.filter((x) => x.status !== "ok");
  if (failed.length) throw new Error(`bench:start: a first cell failed: ${failed.map((x) => `${x.label}: ${x.status} ${x.output}`).join("; ")}`);
  const rows = summarise(runs, KERNELS.map((k) => k.label));
  // The peer's own start cost moves with its versions (ipykernel 7 starts heavier than 6): say which.
  const peer = spawnSync(python, ["-c", "import sys, ipykernel, numpy; print(f'Python {sys.version.split()[0]}, ipykernel {ipykernel.__version__}, NumPy {numpy.__version__}')"], { encoding: "utf8" }).stdout.trim();
  const loadAtEnd = loadavg();
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const table = renderTable(rows);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
  const md = [
    "# Kernel start",
    "",
    `Measured ${date} on ${cpus()[0]?.model.trim()}, ${cpus().length} cores, Node ${process.version}; load average (1, 5, 15 min) ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end.`,
    "",
    `Median of ${o.starts} starts of each kernel, taking turns, through jupyter_client (\`npm run bench:start\`). Ready: from start_kernel to the first kernel_info reply. ` +
      "First cell: ours imports scratchnet and runs one neuron; IPython's imports NumPy and computes the same neuron. " +
      "CPU: user + system time of the kernel's processes (the launcher and the kernel it starts); other work on the machine stretches wall times, not these. " +
      `Memory: resident set of those processes after the first cell. IPython: ${peer} (${python}).`,
    "",
    table,
    "",
  ].join("\n");
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, "start.md"), md);
  writeFileSync(join(o.outDir, "start.json"), JSON.stringify({ date, loadAtStart, loadAtEnd, starts: o.starts, peer, rows, runs }, null, 2) + "\n");
  process.stdout.write(table + "\n");
  log(`bench:start: wrote ${join(o.outDir, "start.md")} and start.json`);
}

main().catch((err: unknown) => {
  const code = (err as { code?: string })?.code;
  if (code?.startsWith("ERR_PARSE_ARGS")) log(`bench:start: ${(err as Error).message}\n${USAGE}`);
  else log((err as Error)?.message ?? String(err));
  process.exit(1);
});
