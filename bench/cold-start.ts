/**
 * The library's first call, in CPU time: what a fresh Node process pays to load scratchnet, build
 * workload (a)'s network and run its first `fit` (a tenth of the epochs), against the same fit once
 * warm. A measurement by hand, not a test: nothing fails on time.
 *
 *   node --import tsx bench/cold-start.ts [--runs 5] [--out DIR]
 *
 * Why CPU and not wall time: the machine is shared, and other work stretches wall times but not
 * the process's own user + system time (process.cpuUsage). That CPU includes V8's background
 * compiler threads (TurboFan, for JavaScript and WebAssembly alike), which a cold start does pay.
 * Each run is a new process on the built package (dist/index.js, what `require("scratchnet")`
 * loads): load, then the first network (the WebAssembly module is compiled there, on the first
 * kernel matrix), then the cold fit, then warm-up and seven warm fits of all the epochs, whose
 * median over ten is the "warm tenth". bench/run.ts's "Cold start" table is wall time, of the
 * same cold fit, run from the sources through tsx.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { loadavg, tmpdir } from "os";
import { join } from "path";
import { parseArgs } from "util";
import { trainWorkload } from "./workloads";

const ROOT = join(__dirname, "..");
const LIBRARY = join(ROOT, "dist", "index.js");

/** One fresh process's CPU milliseconds, phase by phase. */
interface ColdRun {
  load: number;
  firstNetwork: number;
  coldFit: number;
  warmTenth: number;
  backend: string;
}

/** The child: plain CommonJS run by `node -e`, so that nothing but the library is loaded. */
const CHILD = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const w = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const t0 = cpu();
const sn = require(process.argv[2]);
const t1 = cpu();
const X = sn.Matrix.from(w.X), y = sn.Matrix.column(w.y);
const build = () => sn.Network.fromJSON({ layers: w.layers.map((l, i) => ({ weights: l.W, biases: l.b, activation: w.activations[i] })) });
const t2 = cpu(); let net = build(); const firstNetwork = cpu() - t2;
const fit = (net, epochs) => { const c = cpu(); net.fit(X, y, { epochs, learningRate: w.learningRate, loss: w.loss, optimizer: "sgd", batchSize: w.batchSize }); return cpu() - c; };
const tenth = Math.max(1, Math.round(w.epochs / 10));
const coldFit = fit(net, tenth);
const warmBegin = cpu(); while (cpu() - warmBegin < 1000) fit(build(), tenth);
const warm = []; for (let i = 0; i < 7; i++) warm.push(fit(build(), w.epochs) / 10);
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ load: t1 - t0, firstNetwork, coldFit, warmTenth: warm[3], backend: sn.getBackend().name }));
`;

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, out: { type: "string" } }, strict: true });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`cold-start: --runs must be a whole number of at least 1, got ${values.runs}`);
  if (!existsSync(LIBRARY)) throw new Error(`cold-start: ${LIBRARY} is missing: run \`npm run build\` first`);
  const outDir = values.out ?? join(ROOT, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "scratchnet-cold-"));
  const workloadFile = join(scratch, "a.json");
  writeFileSync(workloadFile, JSON.stringify(trainWorkload("a")));
  const loadBefore = loadavg()[0];
  const results: ColdRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["-e", CHILD, workloadFile, LIBRARY], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold-start: run ${i + 1} failed:\n${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split("\n").at(-1)!));
  }
  const loadAfter = loadavg()[0];
  rmSync(scratch, { recursive: true, force: true });
  const median = (pick: (r: ColdRun) => number) => {
    const v = results.map(pick).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const md = [
    `# Cold start of the library, CPU time`,
    "",
    `${new Date().toISOString()}, Node ${process.version}, backend ${results[0].backend}, ${runs} fresh processes, ` +
      `load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. Medians; workload (a), a tenth = 100 epochs.`,
    "",
    "| load `scratchnet` | first network (wasm compile) | first fit, a tenth | warm tenth | cold / warm |",
    "| --- | --- | --- | --- | --- |",
    `| ${ms(median((r) => r.load))} | ${ms(median((r) => r.firstNetwork))} | ${ms(median((r) => r.coldFit))} | ` +
      `${ms(median((r) => r.warmTenth))} | ${median((r) => r.coldFit / r.warmTenth).toFixed(1)}x |`,
    "",
  ].join("\n");
  writeFileSync(join(outDir, "cold-start.md"), md);
  writeFileSync(join(outDir, "cold-start.json"), JSON.stringify({ node: process.version, loadBefore, loadAfter, runs: results }, null, 2) + "\n");
  process.stdout.write(md);
}

main();
