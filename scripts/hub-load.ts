/**
 * `npm run hub:load -- --students N`: N students on the hub at the same moment, each driven through
 * the hub's REST API and a kernel websocket only (scripts/lib/hub-student.ts): a token, a server,
 * a tslab kernel, the notebook run with Run All (every code cell sent at once, stop on error), its
 * asserted numbers checked, the outputs saved into the student's copy. A benchmark, run by hand.
 *
 *   npm run hub:load -- --students 10 [--start] [--url http://127.0.0.1:8000] [--notebook 01-neuron.ipynb]
 *                       [--stagger 0] [--out .hub-load] [--timeout 600]
 * --start   runs a hub of its own for the test (as root: its own system users, removed afterwards);
 * otherwise the hub at --url, with SCRATCHNET_HUB_ADMIN_TOKEN, gets users load-1 ... load-N (their
 *           servers are stopped at the end; the hub users and their system users stay).
 * --stagger seconds between one student's start and the next (0: everyone at once, the worst case).
 * Writes <out>/hub-load-N.md and .json: server ready, first cell, whole notebook (min/median/max),
 * memory per student (the server and its kernel, RSS and PSS), CPU per kernel start, failures.
 */
import { execFileSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { cpus, freemem, loadavg, totalmem } from "os";
import { join, resolve } from "path";
import { ROOT, SetupError, log } from "./lib/project";
import { HubClient, isRoot, parseHubOptions, sleep } from "./lib/hub";
import { SIZING_HEADER, sizingRow } from "./lib/hub-report";
import { TestHub } from "./lib/hub-harness";
import { startProgress } from "./lib/progress";
import { hubUserProcesses, kernelProcesses } from "./lib/hub-procs";
import { Student, codeCells, neuronProblems, requireWebSocket, withOutputs } from "./lib/hub-student";

interface Args {
  students: number;
  start: boolean;
  url: string;
  notebook: string;
  stagger: number;
  out: string;
  timeout: number;
}

export const HELP = `npm run hub:load -- --students N [options]: N students on the hub at once (docs/hub.md)
  --students N     how many students to simulate (1 or more)
  --start          run a hub of its own for the test (as root; its users are removed afterwards)
  --url URL        the hub to load otherwise (default http://127.0.0.1:8000), with SCRATCHNET_HUB_ADMIN_TOKEN
  --notebook F     the notebook each student runs (default 01-neuron.ipynb)
  --stagger S      seconds between one student's start and the next (default 0: all at once)
  --out DIR        where hub-load-N.md and .json go (default .hub-load)
  --timeout S      seconds a student may take (default 600)
  --help           this text`;

export function parse(argv: string[]): Args & { help: boolean } {
  const values = parseHubOptions("hub:load", {
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        students: { type: "string" },
        start: { type: "boolean", default: false },
        url: { type: "string", default: "http://127.0.0.1:8000" },
        notebook: { type: "string", default: "01-neuron.ipynb" },
        stagger: { type: "string", default: "0" },
        out: { type: "string", default: join(ROOT, ".hub-load") },
        timeout: { type: "string", default: "600" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  const str = (k: string) => values[k] as string;
  const help = !!values.help;
  const students = Number(values.students);
  if (!help && (!Number.isInteger(students) || students < 1)) throw new SetupError("--students N is needed: how many students to simulate (1 or more)");
  const stagger = Number(str("stagger"));
  const timeout = Number(str("timeout"));
  if (!(stagger >= 0)) throw new SetupError("--stagger is seconds (0 or more)");
  if (!(timeout > 0)) throw new SetupError("--timeout is seconds");
  return {
    help,
    students,
    start: !!values.start,
    url: str("url").replace(/\/$/, ""),
    notebook: str("notebook"),
    stagger,
    out: resolve(str("out")),
    timeout,
  };
}

interface StudentResult {
  name: string;
  ok: boolean;
  failure?: string;
  serverReadyS?: number;
  kernelReadyS?: number;
  firstCellS?: number;
  notebookS?: number;
  totalS?: number;
  kernelStartCpuS?: number;
  kernelCpuAfterS?: number;
  rssMiB?: number;
  pssMiB?: number;
  serverRssMiB?: number;
  kernelRssMiB?: number;
  step?: string;
  /** network errors retried and websockets reopened: not failures, but counted */
  retried?: string[];
}

const stats = (xs: (number | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === "number").sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { min: v[0], median, max: v[v.length - 1], n: v.length };
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (kib: number) => round(kib / 1024, 1);

function memUsedMiB(): number {
  const info = execFileSync("cat", ["/proc/meminfo"], { encoding: "utf8" });
  const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(info)?.[1] ?? 0);
  return mib(kib("MemTotal") - kib("MemAvailable"));
}

async function oneStudent(admin: HubClient, name: string, args: Args, delayMs: number, barrier: Promise<void>, measured: Promise<void>, done: () => void): Promise<{ result: StudentResult; student?: Student }> {
  const result: StudentResult = { name, ok: false };
  let student: Student | undefined;
  try {
    student = await Student.create(admin, name);
    await barrier; // everyone created: now they all start together (or staggered)
    await sleep(delayMs);
    const t0 = Date.now();
    result.step = "starting the server";
    result.serverReadyS = (await student.startServer(args.timeout * 1000)) / 1000;
    result.step = "reading the notebook";
    const notebook = await student.readNotebook(args.notebook);
    const cells = codeCells(notebook);
    result.step = "opening the kernel";
    const tk = Date.now();
    result.kernelReadyS = (await student.openKernel(args.notebook, undefined, args.timeout * 1000)) / 1000;
    // CPU of the kernel's processes: the launcher and, with the snapshot, the kernel it started
    const kernelCpuS = () => {
      const procs = kernelProcesses(name, student!.kernelId);
      return procs.length ? procs.reduce((s, p) => s + p.cpuMs, 0) / 1000 : undefined;
    };
    result.kernelStartCpuS = kernelCpuS();
    result.step = "Run All";
    const runs = await student.runAll(cells, args.timeout * 1000);
    const runMs = Math.max(...runs.map((r) => r.doneAt));
    result.firstCellS = (Date.now() - tk - runMs + runs[0].doneAt) / 1000;
    result.notebookS = runMs / 1000;
    result.totalS = (Date.now() - t0) / 1000;
    result.kernelCpuAfterS = kernelCpuS();
    const problems = neuronProblemsFor(args.notebook, cells, runs);
    result.step = "saving the notebook";
    const saved = withOutputs(notebook, cells, runs);
    await student.saveNotebook(args.notebook, saved);
    const back = await student.readNotebook(args.notebook);
    const outputsBack = back.cells.filter((c: any) => c.cell_type === "code" && (c.outputs ?? []).length > 0).length;
    if (outputsBack === 0) problems.push("the saved notebook came back without outputs");
    if (problems.length) throw new Error(problems.join("; "));
    result.ok = true;
    delete result.step;
  } catch (e) {
    result.failure = `${result.step ?? "creating the user"}: ${(e as Error).message}`;
  } finally {
    result.retried = [...(student?.client.retries ?? []), ...(student?.reconnects ?? [])];
    done();
  }
  // Memory once every student has run: all servers and kernels alive at once.
  await measured;
  const procs = hubUserProcesses(name);
  if (procs.length) {
    result.rssMiB = mib(procs.reduce((s, p) => s + p.rssKiB, 0));
    result.pssMiB = mib(procs.reduce((s, p) => s + p.pssKiB, 0));
    result.kernelRssMiB = mib(procs.filter((p) => p.cmdline.includes("launch.cjs")).reduce((s, p) => s + p.rssKiB, 0));
    result.serverRssMiB = mib(procs.filter((p) => /jupyterhub[-.]singleuser/.test(p.cmdline)).reduce((s, p) => s + p.rssKiB, 0));
  }
  return { result, student };
}

function neuronProblemsFor(notebook: string, cells: { source: string }[], runs: Parameters<typeof neuronProblems>[1]): string[] {
  if (notebook.startsWith("01-")) return neuronProblems(cells, runs);
  return runs.flatMap((r, i) => (r.status === "ok" ? [] : [`cell ${i + 1}: ${r.status}`]));
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (args.help) return void process.stdout.write(HELP + "\n");
  requireWebSocket();
  let hub: TestHub | undefined;
  let admin: HubClient;
  if (args.start) {
    if (!isRoot()) throw new SetupError("--start makes system users for the students: run it as root, or point --url at a running hub");
    hub = new TestHub({ label: "load", maxServers: Math.max(40, args.students + 5), maxSpawns: args.students + 5, maxStudents: args.students + 5 });
    log(`starting a hub of its own (state ${hub.state})`);
    const own = hub;
    const cleanup = () => void own.stop().finally(() => process.exit(130));
    process.once("SIGINT", cleanup);
    process.once("SIGTERM", cleanup);
    try {
      await hub.start();
    } catch (e) {
      await hub.stop();
      throw e;
    }
    admin = hub.admin;
  } else {
    const token = process.env.SCRATCHNET_HUB_ADMIN_TOKEN;
    if (!token) throw new SetupError("set SCRATCHNET_HUB_ADMIN_TOKEN to the admin token the hub was started with (or use --start for a hub of its own)");
    admin = new HubClient(args.url, token);
    const me = await admin.request("GET", "/hub/api/user").catch((e: Error) => {
      throw new SetupError(`no hub answers at ${args.url}: ${e.message} (start one with npm run hub, or use --start)`);
    });
    if (me.status !== 200 || !me.json?.admin) throw new SetupError(`${args.url} did not accept SCRATCHNET_HUB_ADMIN_TOKEN as an admin token (${me.status})`);
  }
  try {
    await loadTest(args, admin);
  } finally {
    if (hub) {
      for (const n of await hub.stop()) log(`cleanup: ${n}`);
      log("the test's hub, users and folders are removed");
    }
  }
}

/** The report's path without its extension: one per class size and notebook, replaced by each run. */
function reportBase(args: Args): string {
  const which = args.notebook === "01-neuron.ipynb" ? "" : `-${args.notebook.replace(/\.ipynb$/, "")}`;
  return join(args.out, `hub-load-${args.students}${which}`);
}

/** How long the last run of this size took (its report's wallS), for the time left; undefined without one. */
function lastWallSeconds(args: Args): number | undefined {
  try {
    const wallS: unknown = JSON.parse(readFileSync(`${reportBase(args)}.json`, "utf8")).wallS;
    return typeof wallS === "number" && Number.isFinite(wallS) ? wallS : undefined;
  } catch {
    return undefined;
  }
}

async function loadTest(args: Args, admin: HubClient): Promise<void> {
  const prefix = "load-";
  const started = new Date().toISOString();
  const before = { load: loadavg().map((x) => round(x)), memUsedMiB: memUsedMiB() };
  log(`${args.students} students, ${args.notebook}, ${args.stagger ? `one every ${args.stagger} s` : "all at once"}; load before: ${before.load.join(" ")}`);
  const names = Array.from({ length: args.students }, (_, i) => `${prefix}${i + 1}`);
  let release!: () => void;
  const barrier = new Promise<void>((r) => (release = r));
  let finished = 0;
  let measure!: () => void;
  const measured = new Promise<void>((r) => (measure = r));
  let peakMem = 0;
  const sampler = setInterval(() => (peakMem = Math.max(peakMem, memUsedMiB())), 1000);
  // Minutes for a whole class: a line every 5 s, with the time left when this size ran before.
  const progress = startProgress({ label: "hub:load", total: names.length, unit: "students", expected: lastWallSeconds(args), write: log });
  const runs = names.map((name, i) =>
    oneStudent(admin, name, args, i * args.stagger * 1000, barrier, measured, () => {
      finished++;
      progress.done();
      if (finished === names.length) measure();
    }),
  );
  // every user and token made, then release them all at once
  await sleep(100);
  const deadline = Date.now() + 60_000 + args.students * 2000;
  while (Date.now() < deadline && !(await allCreated(admin, names))) await sleep(200);
  release();
  const t0 = Date.now();
  const outcomes = await Promise.all(runs).finally(() => progress.stop());
  clearInterval(sampler);
  const wallS = (Date.now() - t0) / 1000;
  const afterMem = memUsedMiB();
  const results = outcomes.map((o) => o.result);
  log(`done in ${wallS.toFixed(1)} s; stopping the students' servers`);
  await Promise.all(outcomes.map((o) => o.student?.stopServer().catch(() => undefined)));
  log("servers stopped");
  const report = {
    started,
    students: args.students,
    notebook: args.notebook,
    staggerS: args.stagger,
    machine: { cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), loadBefore: before.load, loadAfter: loadavg().map((x) => round(x)) },
    wallS: round(wallS),
    failures: results.filter((r) => !r.ok).map((r) => ({ name: r.name, failure: r.failure })),
    retried: results.flatMap((r) => (r.retried ?? []).map((why) => `${r.name}: ${why}`)),
    serverReadyS: statsOf(results, "serverReadyS"),
    kernelReadyS: statsOf(results, "kernelReadyS"),
    firstCellS: statsOf(results, "firstCellS"),
    notebookS: statsOf(results, "notebookS"),
    totalS: statsOf(results, "totalS"),
    kernelStartCpuS: statsOf(results, "kernelStartCpuS"),
    kernelCpuAfterNotebookS: statsOf(results, "kernelCpuAfterS"),
    perStudentRssMiB: statsOf(results, "rssMiB"),
    perStudentPssMiB: statsOf(results, "pssMiB"),
    serverRssMiB: statsOf(results, "serverRssMiB"),
    kernelRssMiB: statsOf(results, "kernelRssMiB"),
    memoryUsedMiB: { before: before.memUsedMiB, peak: peakMem, atEnd: afterMem, growthPerStudent: round((peakMem - before.memUsedMiB) / args.students, 1) },
    freeMemMiBAtEnd: mib(freemem() / 1024),
    results,
  };
  mkdirSync(args.out, { recursive: true });
  const base = reportBase(args);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + "\n");
  writeFileSync(`${base}.md`, markdown(report));
  process.stderr.write(markdown(report));
  log(`report: ${base}.md and .json`);
  if (report.failures.length) process.exitCode = 1;
}

async function allCreated(admin: HubClient, names: string[]): Promise<boolean> {
  const r = await admin.request("GET", "/hub/api/users?limit=1000");
  if (r.status !== 200) return false;
  const have = new Set((r.json as any[]).map((u) => u.name));
  return names.every((n) => have.has(n));
}

function statsOf(results: StudentResult[], key: keyof StudentResult) {
  const s = stats(results.map((r) => r[key] as number | undefined));
  return s && { min: round(s.min), median: round(s.median), max: round(s.max), n: s.n };
}

function markdown(r: any): string {
  const row = (label: string, s: any, unit: string) => `| ${label} | ${s ? `${s.min} / ${s.median} / ${s.max}` : "n/a"} | ${unit} |`;
  return [
    `# Hub load test: ${r.students} students, ${r.notebook}`,
    "",
    `${r.started}; ${r.staggerS ? `one student every ${r.staggerS} s` : "all students at the same moment"}; ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; load average before ${r.machine.loadBefore.join(" ")}, after ${r.machine.loadAfter.join(" ")}; whole run ${r.wallS} s.`,
    "",
    "| measure | min / median / max | unit |",
    "| --- | --- | --- |",
    row("server ready (from asking for it)", r.serverReadyS, "s"),
    row("kernel ready (from asking for it)", r.kernelReadyS, "s"),
    row("first cell's result (from asking for the kernel)", r.firstCellS, "s"),
    row("whole notebook (Run All to last result)", r.notebookS, "s"),
    row("student total (server + kernel + notebook)", r.totalS, "s"),
    row("CPU of a kernel start (until it answers)", r.kernelStartCpuS, "s"),
    row("CPU of a kernel after the notebook", r.kernelCpuAfterNotebookS, "s"),
    row("memory per student, RSS (server + kernel)", r.perStudentRssMiB, "MiB"),
    row("memory per student, PSS (shared pages split)", r.perStudentPssMiB, "MiB"),
    row("  of which the server, RSS", r.serverRssMiB, "MiB"),
    row("  of which the kernel, RSS", r.kernelRssMiB, "MiB"),
    "",
    `Memory in use on the machine: ${r.memoryUsedMiB.before} MiB before, ${r.memoryUsedMiB.peak} MiB at the peak (${r.memoryUsedMiB.growthPerStudent} MiB more per student; other work on the machine counts too).`,
    "",
    "The README's row (Teaching a workshop, the measured table):",
    "",
    ...SIZING_HEADER,
    sizingRow(r),
    "",
    r.retried.length ? `Retried (network errors on idempotent requests, websockets reopened; not failures): ${r.retried.length}\n${r.retried.map((x: string) => `- ${x}`).join("\n")}\n` : "Retried: nothing.\n",
    r.failures.length ? `Failures (${r.failures.length}):\n${r.failures.map((f: any) => `- ${f.name}: ${f.failure}`).join("\n")}` : "Failures: none.",
    "",
  ].join("\n");
}

if (require.main === module) main().catch((err: unknown) => {
  log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
  process.exit(1);
});
