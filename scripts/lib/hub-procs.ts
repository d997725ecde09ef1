/**
 * What a hub user's processes cost, read from /proc (Linux): the single-user server and its
 * kernels carry JUPYTERHUB_USER=<name> in their environment (reading it needs root or the same uid).
 */
import { readFileSync, readdirSync } from "fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface Proc {
  pid: number;
  cmdline: string;
  rssKiB: number;
  pssKiB: number;
  cpuMs: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export function procInfo(pid: number): Proc | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (!stat || cmdline === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime, stime
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? "";
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  return { pid, cmdline: cmdline.split("\0").join(" ").trim(), rssKiB: kib("Rss"), pssKiB: kib("Pss"), cpuMs };
}

/** The processes whose environment says JUPYTERHUB_USER=name: the user's server and kernels. */
export function hubUserProcesses(name: string): Proc[] {
  const marker = `\0JUPYTERHUB_USER=${name}\0`;
  const out: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const env = read(`/proc/${entry}/environ`);
    if (!env || !`\0${env}`.includes(marker)) continue;
    const info = procInfo(Number(entry));
    if (info) out.push(info);
  }
  return out;
}

/**
 * The tslab kernel process of kernel `kernelId` (its connection file is kernel-<id>.json): the one
 * started from the snapshot (node --snapshot-blob) when there is one, which runs the cells, rather
 * than the launcher that started it and only relays signals.
 */
export function kernelProcess(name: string, kernelId: string): Proc | undefined {
  const both = kernelProcesses(name, kernelId);
  return both.find((p) => p.cmdline.includes("--snapshot-blob")) ?? both[0];
}

/** Every process of kernel `kernelId`: its launcher, and the process it started from the snapshot if any. */
export function kernelProcesses(name: string, kernelId: string): Proc[] {
  return hubUserProcesses(name).filter((p) => p.cmdline.includes("launch.cjs") && p.cmdline.includes(`kernel-${kernelId}.json`));
}
