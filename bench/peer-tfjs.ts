/**
 * The TensorFlow.js peer of `npm run bench`, on its cpu or its wasm backend:
 *
 *   node --import tsx bench/peer-tfjs.ts cpu|wasm WORKLOAD.json REPEATS BUDGET_SECONDS [OUT.f64]
 *
 * Training is what a learner writes: a `tf.sequential` of dense layers given the workload's
 * starting weights, compiled with plain SGD and the same loss, then `model.fit` in row order
 * (shuffle off) with the same batch size. TensorFlow.js computes in float32. The loss we
 * report is computed from the trained model's predictions on every row.
 */
import { dirname } from "path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { callsFor, peerArgs, readF64, ready, report, timedRuns, warmUpEpochs, writeF64 } from "./protocol";
import type { TrainWorkload } from "./workloads";

/** Starts the backend; the wasm backend's binaries ship inside its npm package. */
async function startBackend(backend: string): Promise<string> {
  tf.env().set("PROD", true); // no banner recommending tfjs-node, which does not install here
  if (backend === "wasm") {
    setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + "/");
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js: the ${backend} backend did not start`);
  await tf.ready();
  if (backend !== "wasm") return "";
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return `wasm SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : "off"}`;
}

/** The workload's network with its starting weights (our W (nIn, nOut) is Keras's kernel layout). */
function buildModel(w: TrainWorkload): tf.Sequential {
  const model = tf.sequential();
  w.layers.forEach((layer, l) => {
    model.add(tf.layers.dense({
      units: w.sizes[l + 1],
      activation: w.activations[l],
      ...(l === 0 ? { inputShape: [w.sizes[0]] } : {}),
    }));
  });
  tf.tidy(() => model.layers.forEach((dense, l) => dense.setWeights([tf.tensor2d(w.layers[l].W), tf.tensor1d(w.layers[l].b)])));
  model.compile({
    optimizer: tf.train.sgd(w.learningRate),
    loss: w.loss === "mse" ? "meanSquaredError" : "sparseCategoricalCrossentropy",
  });
  return model;
}

/** The loss of the model's float32 predictions, by the formulas of src/core/losses.ts. */
function finalLoss(model: tf.Sequential, X: tf.Tensor, w: TrainWorkload): number {
  const out = tf.tidy(() => model.predict(X) as tf.Tensor);
  const p = out.dataSync();
  out.dispose();
  const k = w.sizes[w.sizes.length - 1], n = w.y.length;
  let s = 0;
  if (w.loss === "mse") {
    for (let i = 0; i < n; i++) s += (w.y[i] - p[i]) ** 2;
    return s / n;
  }
  for (let i = 0; i < n; i++) s -= Math.log(Math.min(Math.max(p[i * k + w.y[i]], 1e-12), 1 - 1e-12));
  return s / n;
}

async function main(): Promise<void> {
  const [backend, ...rest] = process.argv.slice(2);
  const { workload: w, repeats, budget, out } = peerArgs(rest);
  const detail = await startBackend(backend);
  const loaded = ready();
  const version = `TensorFlow.js ${tf.version.tfjs}, ${backend} backend${detail ? ` (${detail})` : ""}, Node ${process.version}`;

  if (w.kind === "matmul") {
    const a = tf.tensor2d(Float32Array.from(readF64(w.A)), [w.n, w.n]);
    const b = tf.tensor2d(Float32Array.from(readF64(w.B)), [w.n, w.n]);
    // The cpu and wasm backends compute when the op is called; dispose frees the result.
    const product = () => tf.matMul(a, b).dispose();
    const calls = callsFor(product);
    const { seconds } = await timedRuns(() => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) product();
      return { seconds: (performance.now() - t0) / 1000 / calls, value: null };
    }, repeats, budget);
    const c = tf.matMul(a, b);
    if (out) writeF64(out, c.dataSync());
    tf.dispose([a, b, c]);
    report({ peer: `tfjs-${backend}`, workload: w.id, seconds, calls, ...loaded, version });
    return;
  }

  const X = tf.tensor2d(w.X);
  const y = w.loss === "mse" ? tf.tensor2d(w.y, [w.y.length, 1]) : tf.tensor1d(w.y, "float32");
  const fit = (epochs: number) => async () => {
    const model = buildModel(w);
    const t0 = performance.now();
    const history = await model.fit(X, y, { epochs, batchSize: w.batchSize, shuffle: false, verbose: 0 });
    const seconds = (performance.now() - t0) / 1000;
    const loss = finalLoss(model, X, w);
    const logged = history.history.loss as number[];
    model.dispose();
    return { seconds, value: { loss, logged } };
  };
  const { seconds, value, coldSeconds } = await timedRuns(fit(w.epochs), repeats, budget, fit(warmUpEpochs(w.epochs)));
  tf.dispose([X, y]);
  report({
    peer: `tfjs-${backend}`, workload: w.id, seconds, loss: value.loss, coldSeconds, ...loaded, version,
    note: `model.fit's own loss log, last epoch (mean over its batches, before the last updates): ${value.logged.at(-1)}`,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
