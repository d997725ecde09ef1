// The benchmark's rules (bench/results.ts, bench/report.ts) and its peers' agreement with us:
// a short run of each workload through each peer process must give our loss, to 1e-6 for NumPy
// and 1e-4 for TensorFlow.js. Nothing here times anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { PeerResult } from "../bench/protocol";
import { README_END, README_START, renderMarkdown, renderReadmeBlock, spliceReadme } from "../bench/report";
import {
  BenchResults, PeerOutcome, TARGETS, WorkloadOutcome, judgeTargets, median, mergeRounds, numpyBaseline, relativeMaxDifference, speedVsNumpy, trainOutcome,
} from "../bench/results";
import { startingNetwork, TrainId, trainWorkload } from "../bench/workloads";
import { Matrix } from "../src/index";

const ROOT = join(__dirname, "..");

function outcome(peer: PeerOutcome["peer"], median: number, matches = true): PeerOutcome {
  return { peer, median, seconds: [median], matches };
}

function workload(id: string, peers: PeerOutcome[], kind: "train" | "matmul" = "train"): WorkloadOutcome {
  return { id, title: `(${id})`, kind, samples: id === "c" ? 1797 * 20 : undefined, peers };
}

test("median of odd and even counts; none of nothing", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
});

test("a peer's time counts only when its loss is within its tolerance of ours", () => {
  const r = (loss: number): PeerResult => ({ peer: "x", workload: "a", seconds: [1], loss, readyAt: 1500, maxRssKB: 2048, readyRssKB: 1024, version: "v" });
  assert.equal(trainOutcome("numpy", r(0.5 + 9e-7), 0.5, 1000).matches, true);
  assert.equal(trainOutcome("numpy", r(0.5 + 2e-6), 0.5, 1000).matches, false);
  assert.equal(trainOutcome("tfjs-wasm", r(0.5 + 9e-5), 0.5, 1000).matches, true);
  assert.equal(trainOutcome("tfjs-cpu", r(0.5 + 2e-4), 0.5, 1000).matches, false);
  assert.equal(trainOutcome("numpy", r(NaN), 0.5, 1000).matches, false);
  const o = trainOutcome("numpy", r(0.5), 0.5, 1000);
  assert.equal(o.startupSeconds, 0.5);
  assert.equal(o.peakRssMB, 2);
  assert.equal(o.readyRssMB, 1);
});

test("a product agrees by its largest error relative to its largest entry; NaN never agrees", () => {
  assert.equal(relativeMaxDifference([1, 2, 4], [1, 2, 4]), 0);
  assert.ok(Math.abs(relativeMaxDifference([1, 2, 4.004], [1, 2, 4]) - 0.001) < 1e-12);
  assert.equal(relativeMaxDifference([NaN, 2], [1, 2]), Infinity);
  assert.equal(relativeMaxDifference([1], [1, 2]), Infinity);
});

test("rounds merge: all runs pooled, a match only if every round matched, the worst difference and memory", () => {
  const a = { ...outcome("numpy", 1), seconds: [1, 3], difference: 1e-9, peakRssMB: 30, startupSeconds: 0.5, coldSeconds: 0.3 };
  const b = { ...outcome("numpy", 2), seconds: [2, 4], difference: 2e-9, peakRssMB: 40, startupSeconds: 0.7, coldSeconds: 0.5 };
  const m = mergeRounds([a, b]);
  assert.deepEqual(m.seconds, [1, 3, 2, 4]);
  assert.equal(m.median, 2.5);
  assert.equal(m.difference, 2e-9);
  assert.equal(m.peakRssMB, 40);
  assert.equal(m.startupSeconds, 0.6);
  assert.equal(m.coldSeconds, 0.4);
  assert.equal(mergeRounds([a, { ...b, matches: false }]).matches, false);
  const failedRound = mergeRounds([a, { ...b, seconds: [], median: null, error: "exit 1" }]);
  assert.equal(failedRound.matches, false);
  assert.equal(failedRound.error, "exit 1");
  assert.equal(mergeRounds([{ ...a, seconds: [0.002] }], 2 * 256 ** 3).gflops?.toFixed(2), "16.78");
});

test("ratios are taken against the faster NumPy that agrees with us", () => {
  const w = workload("a", [outcome("ours", 1), outcome("numpy", 4), outcome("numpy-1t", 3), outcome("tfjs-wasm", 2)]);
  assert.equal(numpyBaseline(w)?.peer, "numpy-1t");
  assert.equal(speedVsNumpy(w, "ours"), 3);
  assert.equal(speedVsNumpy(w, "tfjs-wasm"), 1.5);
  const differs = workload("a", [outcome("ours", 1), outcome("numpy", 4), outcome("numpy-1t", 3, false)]);
  assert.equal(numpyBaseline(differs)?.peer, "numpy");
  assert.equal(numpyBaseline(workload("a", [outcome("ours", 1)])), undefined);
});

test("the targets, ratios kept as data (TARGETS): met, not met, and not measured when a peer is missing or differs", () => {
  const d256 = workload("d256", [{ ...outcome("ours", 0.002), gflops: 9 }], "matmul");
  const met = judgeTargets(
    [
      workload("a", [outcome("ours", 1), outcome("numpy", 3)]),
      workload("b", [outcome("ours", 1), outcome("numpy", 1.4)]),
      workload("c", [outcome("ours", 0.4), outcome("numpy", 0.2), outcome("tfjs-wasm", 1.6)]),
      d256,
    ],
  );
  assert.deepEqual(met.map((t) => [t.id, t.met]), [["a", true], ["b", false], ["c", true], ["d", true]]);
  assert.match(met.find((t) => t.id === "c")!.measured, /2\.0x slower than NumPy, 4\.0x TF\.js wasm's speed; 90k samples\/s/);
  assert.equal(met[0].text, `(a) at least ${TARGETS.a.fasterThanNumpy}x faster than NumPy`);
  // (c) is judged against 3x: just over it is not met.
  const slow = judgeTargets([workload("c", [outcome("ours", 0.61), outcome("numpy", 0.2), outcome("tfjs-wasm", 1.6)])]);
  assert.equal(slow.find((t) => t.id === "c")!.met, false);

  const unmeasured = judgeTargets(
    [
      workload("a", [outcome("ours", 1), outcome("numpy", 3, false)]),
      workload("c", [outcome("ours", 0.4), outcome("numpy", 0.1)]),
    ],
  );
  assert.deepEqual(unmeasured.map((t) => [t.id, t.met]), [["a", null], ["b", null], ["c", null], ["d", null]]);
  assert.match(unmeasured[0].measured, /result differs/);
});

test("the Markdown report shows every workload, strikes through a result that differs, and says how to reproduce", () => {
  const results: BenchResults = {
    date: "2026-01-01T00:00:00Z", commit: "abc1234",
    machine: { cpu: "CPU", cores: 2, memoryGB: 8, os: "Linux", node: "v20", loadAtStart: [0.1, 0.2, 0.3], loadAtEnd: [0.1, 0.2, 0.3] },
    settings: { repeats: 6, rounds: 2, budgetSeconds: 20 },
    versions: { ours: "scratchnet", numpy: "NumPy 2" },
    workloads: [workload("a", [{ ...outcome("ours", 0.05), seconds: [0.05, 0.05, 0.05], loss: 0.1, peakRssMB: 90 }, { ...outcome("numpy", 0.2, false), difference: 0.01 }])],
    course: { seconds: 42, notebooks: [{ name: "00-setup-check.ipynb", seconds: 3 }], jobs: 2 },
    targets: [], messages: ["a note"],
  };
  const md = renderMarkdown(results);
  assert.match(md, /\| \(a\) \| 50\.0 ms \| ~~0\.200 s~~ result differs \|/);
  assert.match(md, /\*\*DIFFERS\*\*/);
  assert.match(md, /\*\*42\.0 s\*\*/);
  assert.match(md, /npm run bench/);
  assert.match(md, /- a note/);
  assert.doesNotMatch(md, /CPU-bound loop/, "no probe line when the results have no probe");
  assert.doesNotMatch(md, /## Cold start/, "no cold-start table when no peer recorded a cold run");
  assert.match(md, /after a warm-up/);
  const cold = renderMarkdown({
    ...results, settings: { ...results.settings, warmUpSeconds: 1 },
    workloads: [workload("a", [{ ...outcome("ours", 0.05), loss: 0.1, coldSeconds: 0.02 }])],
  });
  assert.match(cold, /after 1 s of warm-up/);
  assert.match(cold, /## Cold start/);
  assert.match(cold, /\| \(a\) \| 20\.0 ms \(4\.0x\) \|/, "a cold tenth of 20 ms against a warm 50 ms is 4 times a warm tenth");
  const probed = renderMarkdown({ ...results, machine: { ...results.machine, probeMsAtStart: 250.4, probeMsAtEnd: 612 } });
  assert.match(probed, /A fixed CPU-bound loop \(`cpuProbe` in bench\/run\.ts\) took 250 ms at the start and 612 ms at the end\./);
});

test("the README's benchmark block is replaced between its markers and nowhere else; a missing marker is an error", () => {
  const readme = ["# Title", "intro", README_START, "old table", README_END, "", "## Next", "rest"].join("\n");
  const block = [README_START, "new table", README_END].join("\n");
  assert.equal(spliceReadme(readme, block), ["# Title", "intro", README_START, "new table", README_END, "", "## Next", "rest"].join("\n"));
  assert.equal(spliceReadme(spliceReadme(readme, block), block), spliceReadme(readme, block), "splicing twice changes nothing more");
  const markers = /needs the benchmark block's two marker lines, once each and in order/;
  assert.throws(() => spliceReadme("# Title\nno block here", block), markers);
  assert.throws(() => spliceReadme([README_END, "x", README_START].join("\n"), block), markers);
  assert.throws(() => spliceReadme([README_START, README_END, README_START, README_END].join("\n"), block), markers);
});

test("the README shows the committed run: its block is what bench/results/latest.json renders to", () => {
  const results = JSON.parse(readFileSync(join(ROOT, "bench", "results", "latest.json"), "utf8")) as BenchResults;
  const readme = readFileSync(join(ROOT, "docs", "benchmarks.md"), "utf8");
  const block = renderReadmeBlock(results);
  assert.ok(readme.includes(block), "docs/benchmarks.md's benchmark tables are stale: run `node --import tsx bench/report.ts`");
  assert.equal(readFileSync(join(ROOT, "bench", "results", "latest.md"), "utf8"), renderMarkdown(results), "latest.md is what latest.json renders to");
  for (const heading of ["### Targets", "### Time", "### Cold start", "### Peak memory"]) assert.ok(block.includes(`\n${heading}\n`), heading);
  assert.match(block, new RegExp(`at commit ${results.commit}, .* took ${results.machine.probeMsAtStart!.toFixed(0)} ms at the start`));
});

/** Runs one peer process on a shortened workload and returns its result line. */
function runPeer(command: string, args: string[], id: TrainId, epochs: number): PeerResult | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-bench-test-"));
  try {
    const file = join(dir, `${id}.json`);
    writeFileSync(file, JSON.stringify({ ...trainWorkload(id), epochs }));
    const r = spawnSync(command, [...args, file, "1", "60"], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
    if (r.error) return { skipped: `${command}: ${r.error.message}` };
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our loss for the same shortened workload, in this process. */
function ourLoss(id: TrainId, epochs: number): number {
  const w = trainWorkload(id);
  const net = startingNetwork(w);
  const { loss } = net.fit(Matrix.from(w.X), Matrix.column(w.y), { epochs, learningRate: w.learningRate, loss: w.loss, batchSize: w.batchSize });
  return loss.at(-1)!;
}

const hasNumpy = spawnSync(process.env.SCRATCHNET_PYTHON ?? "python3", ["-c", "import numpy"]).status === 0;
const SHORT: Record<TrainId, number> = { a: 100, b: 20, c: 2 };

for (const id of ["a", "b", "c"] as const) {
  test(`NumPy computes our algorithm: workload (${id}), ${SHORT[id]} epochs, the same loss to 1e-6`, { skip: !hasNumpy && "python3 with numpy is not available" }, () => {
    const r = runPeer(process.env.SCRATCHNET_PYTHON ?? "python3", [join(ROOT, "bench", "peer_numpy.py")], id, SHORT[id]);
    assert.ok(!("skipped" in r));
    assert.ok(Math.abs(r.loss! - ourLoss(id, SHORT[id])) <= 1e-6, `NumPy ${r.loss}, ours ${ourLoss(id, SHORT[id])}`);
    assert.ok(r.coldSeconds! > 0, "it reports its first (cold) warm-up run");
  });
}

for (const backend of ["cpu", "wasm"]) {
  test(`TensorFlow.js (${backend}) trains the same network: workload (c), 1 epoch, the same loss to 1e-4`, () => {
    const r = runPeer(process.execPath, ["--import", "tsx", join(ROOT, "bench", "peer-tfjs.ts"), backend], "c", 1);
    assert.ok(!("skipped" in r));
    assert.ok(Math.abs(r.loss! - ourLoss("c", 1)) <= 1e-4, `TF.js ${r.loss}, ours ${ourLoss("c", 1)}`);
    assert.ok(r.coldSeconds! > 0, "it reports its first (cold) warm-up run");
  });
}

test("our own peer process reports our loss exactly, its timed runs and its cold first run", () => {
  const r = runPeer(process.execPath, ["--import", "tsx", join(ROOT, "bench", "peer-ours.ts")], "a", 100);
  assert.ok(!("skipped" in r));
  assert.equal(r.loss, ourLoss("a", 100));
  assert.equal(r.seconds.length, 1);
  assert.ok(r.coldSeconds! > 0);
});
