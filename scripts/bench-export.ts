/**
 * `npm run bench:export`: how long a cold export takes, in total and per notebook.
 * Runs `scripts/export.ts` as a fresh process into a temporary folder (site/ is not touched):
 * once with the default parallelism, once with one notebook at a time, which gives each notebook's
 * own time (a new Python, nbconvert and tslab kernel each: every notebook's export is cold).
 * Prints a Markdown table for the README. A measurement, not a test: nothing here can fail on time.
 */
import { spawn } from "child_process";
import { cpus, tmpdir } from "os";
import { mkdtempSync, rmSync } from "fs";
import { join } from "path";
import { ROOT, buildLibrary, linkLibrary } from "./lib/project";

interface Run {
  seconds: number;
  perNotebook: Map<string, number>;
}

function exportOnce(out: string, jobs?: number): Promise<Run> {
  const args = ["--import", "tsx", join(ROOT, "scripts", "export.ts"), "--out", out];
  if (jobs) args.push("--jobs", String(jobs));
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "inherit", "pipe"] });
    let log = "";
    child.stderr.on("data", (d: Buffer) => {
      log += d.toString();
      process.stderr.write(d);
    });
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`export failed (exit ${code})`));
      const perNotebook = new Map<string, number>();
      for (const m of log.matchAll(/^\s+ok\s+(\S+\.ipynb)\s+([\d.]+) s$/gm)) perNotebook.set(m[1], Number(m[2]));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, perNotebook });
    });
  });
}

async function main(): Promise<void> {
  buildLibrary();
  linkLibrary();
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-bench-"));
  try {
    const parallel = await exportOnce(join(dir, "a"));
    const serial = await exportOnce(join(dir, "b"), 1);
    const jobs = Number(process.env.SCRATCHNET_EXPORT_JOBS) || Math.min(2, cpus().length);
    const rows = [...serial.perNotebook].map(([name, s]) => `| ${name} | ${s.toFixed(1)} s |`);
    const cpu = cpus()[0]?.model.trim() ?? "?";
    process.stdout.write(
      [
        ``,
        `Cold export of ${serial.perNotebook.size} notebook(s) on ${cpus().length} cores (${cpu}), Node ${process.version}:`,
        ``,
        `| | time |`,
        `| --- | --- |`,
        `| whole export, ${jobs} notebook(s) at a time (default) | ${parallel.seconds.toFixed(1)} s |`,
        `| whole export, one at a time | ${serial.seconds.toFixed(1)} s |`,
        ...rows,
        ``,
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
