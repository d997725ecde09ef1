/**
 * Workload (e): the whole course, executed headlessly. Runs `scripts/export.ts` (every notebook
 * through nbconvert and the tslab kernel, then the HTML site) into a temporary folder, timing it
 * from spawn to exit and sampling the summed RSS of its process tree (Linux /proc).
 */
import { spawn } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { cpus, tmpdir } from "os";
import { join } from "path";
import { ROOT, buildLibrary, linkLibrary } from "../scripts/lib/project";
import type { CourseOutcome } from "./results";

const PAGE_BYTES = 4096;

/** pid -> parent pid for every process, from /proc; empty where there is no /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return map;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of stat is the parent; the command name (field 2) may hold spaces, so split after its ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      map.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return map;
}

/** Summed resident memory of `root` and all its descendants, in bytes. */
export function treeRss(root: number): number {
  const parent = parents();
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let bytes = 0;
  for (const pid of inTree) {
    try {
      bytes += Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES;
    } catch {
      // ended meanwhile
    }
  }
  return bytes;
}

/** Times one cold export of the course; never throws (a failure is reported in `error`). */
export async function timeCourse(log: (line: string) => void): Promise<CourseOutcome> {
  const jobs = Number(process.env.SCRATCHNET_EXPORT_JOBS) || Math.min(2, cpus().length);
  try {
    // Build dist/ first: the export would otherwise rebuild it inside the timing after a src change.
    buildLibrary();
    linkLibrary();
  } catch (e) {
    return { seconds: null, notebooks: [], jobs, error: `the library did not build: ${(e as Error).message}` };
  }
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-bench-course-"));
  try {
    return await new Promise<CourseOutcome>((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "export.ts"), "--out", join(dir, "site")], {
        cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      let peak = 0;
      const sample = () => {
        if (child.pid) peak = Math.max(peak, treeRss(child.pid));
      };
      const timer = setInterval(sample, 250);
      const collect = (d: Buffer) => {
        output += d.toString();
        for (const line of d.toString().split("\n")) if (/^\s+(ok|FAILED)\s/.test(line)) log(`    ${line.trim()}`);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      child.on("close", (code) => {
        clearInterval(timer);
        const seconds = (performance.now() - started) / 1000;
        const notebooks = [...output.matchAll(/^\s+ok\s+(\S+\.ipynb)\s+([\d.]+) s$/gm)].map((m) => ({ name: m[1], seconds: Number(m[2]) }));
        const peakRssMB = peak > 0 ? peak / 2 ** 20 : undefined;
        if (code !== 0) {
          const tail = output.trim().split("\n").slice(-5).join(" / ");
          resolve({ seconds: null, notebooks, jobs, peakRssMB, error: `the export failed (exit ${code}): ${tail}` });
        } else {
          resolve({ seconds, notebooks, jobs, peakRssMB });
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
