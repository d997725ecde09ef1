/**
 * The workloads of `npm run bench`, and the files that hand them to every peer.
 *
 * A training workload is written as one JSON file holding everything a peer needs: the
 * rows, the targets, the starting weights (drawn once, by our RandomState) and the options.
 * So NumPy, TensorFlow.js and we start from the very same numbers. A matmul workload is two
 * float64 files of random operands. What each peer does with them lives in bench/peer-*.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { circles, digits } from "../src/data/datasets";
import { Matrix } from "../src/core/matrix";
import { Network } from "../src/core/network";
import { RandomState } from "../src/numerics/random";

export type TrainId = "a" | "b" | "c";

/** One training run: full-batch or mini-batch SGD in row order (no shuffling), fixed learning rate. */
export interface TrainWorkload {
  kind: "train";
  id: TrainId;
  title: string;
  sizes: number[];
  activations: ("relu" | "sigmoid" | "softmax")[];
  /** "mse" with a sigmoid output, or "crossEntropy" with a softmax output and integer labels. */
  loss: "mse" | "crossEntropy";
  learningRate: number;
  epochs: number;
  batchSize: number;
  X: number[][]; // (n, sizes[0])
  /** Targets: 0/1 for mse (one output), class labels 0..k-1 for crossEntropy. */
  y: number[]; // (n)
  /** Starting weights: W (nIn, nOut) and b (nOut) per layer. */
  layers: { W: number[][]; b: number[] }[];
}

/** C = A @ B for square float64 operands stored row-major in two files. */
export interface MatmulWorkload {
  kind: "matmul";
  id: string; // "d64", "d256", "d1024"
  title: string;
  n: number;
  A: string; // path of n * n float64 values
  B: string;
}

export type Workload = TrainWorkload | MatmulWorkload;

/** Article 002's inputs are coordinates up to about 20: scaled to about 2, plain SGD trains steadily. */
const CIRCLES_SCALE = 0.1;

/** The options of the three training workloads, without the data. */
export const TRAIN_SPECS: Record<TrainId, Omit<TrainWorkload, "kind" | "id" | "X" | "y" | "layers"> & { rows: number }> = {
  a: {
    title: "(a) circles [2,4,8,1], 300 rows, full batch, 1000 epochs",
    sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], loss: "mse",
    learningRate: 0.5, epochs: 1000, batchSize: 300, rows: 300,
  },
  b: {
    title: "(b) circles [2,4,8,1], 10,000 rows, full batch, 1000 epochs",
    sizes: [2, 4, 8, 1], activations: ["relu", "relu", "sigmoid"], loss: "mse",
    learningRate: 0.5, epochs: 1000, batchSize: 10000, rows: 10000,
  },
  c: {
    title: "(c) digits [64,128,64,10] softmax, batch 32, 20 epochs",
    sizes: [64, 128, 64, 10], activations: ["relu", "relu", "softmax"], loss: "crossEntropy",
    learningRate: 0.1, epochs: 20, batchSize: 32, rows: 1797,
  },
};

/** The sides of the square matmul workloads. */
export const MATMUL_SIZES = [64, 256, 1024];

/**
 * A training workload with its data and starting weights.
 * (a) is article 002's 300 rings (`circles({ seed: 0 })`, data/circles.csv), (b) the same
 * generator with 5,000 points per ring; both scaled by 0.1. (c) is data/digits.csv with pixels / 16.
 * The weights: He initialisation for the ReLU layers, Xavier for the output, seed 0.
 */
export function trainWorkload(id: TrainId): TrainWorkload {
  const spec = TRAIN_SPECS[id];
  let X: Matrix, y: Matrix;
  if (id === "c") {
    const d = digits();
    X = d.X.scale(1 / 16);
    y = d.y;
  } else {
    const d = circles({ seed: 0, n: spec.rows / 2 });
    X = d.X.scale(CIRCLES_SCALE);
    y = d.y;
  }
  if (X.rows !== spec.rows) throw new Error(`bench: workload ${id} has ${X.rows} rows, expected ${spec.rows}`);
  const init = spec.activations.map((a) => (a === "relu" ? "he" : "xavier") as "he" | "xavier");
  const net = new Network({ sizes: spec.sizes, activations: spec.activations, init, seed: 0 });
  const { rows: _rows, ...options } = spec;
  return {
    kind: "train", id, ...options,
    X: X.toArray(), y: y.toFlatArray(),
    layers: net.layers.map((l) => ({ W: l.W.toArray(), b: l.b!.toFlatArray() })),
  };
}

/** The network a training workload starts from, as our library builds it. */
export function startingNetwork(w: TrainWorkload): Network {
  return Network.fromJSON({
    layers: w.layers.map((l, i) => ({ weights: l.W, biases: l.b, activation: w.activations[i] })),
  });
}

/** Writes every workload into `dir` and returns each one's JSON file, by id. */
export function writeWorkloads(dir: string, ids: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of ids) {
    let w: Workload;
    if (id === "a" || id === "b" || id === "c") {
      w = trainWorkload(id);
    } else {
      const n = Number(id.slice(1));
      const rng = new RandomState(n);
      const A = join(dir, `${id}-A.f64`), B = join(dir, `${id}-B.f64`);
      for (const [path, m] of [[A, rng.uniform(-1, 1, n, n)], [B, rng.uniform(-1, 1, n, n)]] as const) {
        writeFileSync(path, new Uint8Array(m.data.buffer));
      }
      w = { kind: "matmul", id, title: `(d) matmul ${n}x${n} @ ${n}x${n}`, n, A, B };
    }
    const file = join(dir, `${id}.json`);
    writeFileSync(file, JSON.stringify(w));
    files.set(id, file);
  }
  return files;
}
