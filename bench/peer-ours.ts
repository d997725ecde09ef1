/**
 * Our peer of `npm run bench`: the workload on scratchnet itself, through its public API.
 * Training is `Network.fit` from the workload's starting weights, on the default backend (WebAssembly,
 * the reference loops' bits: src/kernels/seam.ts); matmul is `matmulInto` (the WebAssembly SIMD
 * kernel at these sizes, multiply then add: the reference's bits), float64, one thread.
 */
import { matmulInto } from "../src/kernels";
import { Matrix } from "../src/core/matrix";
import { getBackend } from "../src/kernels";
import { callsFor, peerArgs, readF64, ready, report, timedRuns, warmUpEpochs, writeF64 } from "./protocol";
import { startingNetwork } from "./workloads";

async function main(): Promise<void> {
  const { workload: w, repeats, budget, out } = peerArgs();
  const loaded = ready(); // the library was imported with this file, the workload is read
  const version = `scratchnet, Node ${process.version}`;
  if (w.kind === "matmul") {
    const A = new Matrix(w.n, w.n, readF64(w.A)), B = new Matrix(w.n, w.n, readF64(w.B)), C = new Matrix(w.n, w.n);
    const calls = callsFor(() => matmulInto(A, B, C));
    const { seconds } = await timedRuns(() => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) matmulInto(A, B, C);
      return { seconds: (performance.now() - t0) / 1000 / calls, value: null };
    }, repeats, budget);
    if (out) writeF64(out, C.data);
    report({ peer: "ours", workload: w.id, seconds, calls, ...loaded, version });
    return;
  }
  const X = Matrix.from(w.X), y = Matrix.column(w.y);
  const fit = (epochs: number) => () => {
    const net = startingNetwork(w);
    const options = { epochs, learningRate: w.learningRate, loss: w.loss, optimizer: "sgd" as const, batchSize: w.batchSize };
    const t0 = performance.now();
    const { loss } = net.fit(X, y, options);
    return { seconds: (performance.now() - t0) / 1000, value: loss };
  };
  const { seconds, value: history, coldSeconds } = await timedRuns(fit(w.epochs), repeats, budget, fit(warmUpEpochs(w.epochs)));
  // The version line says which backend was timed.
  const versionLine = `${version}, backend ${getBackend().name}`;
  report({ peer: "ours", workload: w.id, seconds, loss: history.at(-1), firstLoss: history[0], coldSeconds, ...loaded, version: versionLine });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
