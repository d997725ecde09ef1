/**
 * The playground's data: TensorFlow Playground's six sets, each made by a library function of
 * src/data/datasets.ts (so a notebook makes the same points), with where to look at it and how
 * its coordinates become the network's inputs.
 *
 *   inputs = inputFeatures((X - shift) * scale, features)
 *
 * The shift and scale put every set at about ±2 around 0 for the network (circle: ±2 from
 * article 002's ±20, as notebook 05 does), where x1², x1x2, sin and cos all mean something.
 */
import { circles, Dataset, FeatureName, gaussianMixture, gaussians, inputFeatures, plane, spiral, trainTestSplit, xor } from "../../data/datasets";
import { Matrix } from "../../core/matrix";

export const DATASET_NAMES = ["circle", "xor", "gaussians", "spiral", "plane", "mixture"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface DatasetView {
  label: string;
  /** Classification (two labels, sigmoid output, cross-entropy) or regression (linear output, MSE). */
  regression: boolean;
  /** The library call, as the copied code writes it, for a noise level of 0 to 50 (Playground's slider). */
  call(seed: number, level: number): string;
  make(seed: number, level: number): Dataset;
  /** The square shown: [-extent, extent] around `shift`, in the set's own coordinates. */
  extent: number;
  shift: number;
  scale: number;
}

/** Noise levels 0..50 mapped to each function's own noise (a spread in its units). */
const circleNoise = (level: number) => level / 10; // rings of radius 20 and 5
const xorNoise = (level: number) => level * 0.006; // corners 1 apart; 25 gives xor()'s default 0.15
const gaussNoise = (level: number) => 0.5 + level / 25; // centres 4√2 apart
const spiralNoise = (level: number) => level / 100; // radians of the arm's angle
const targetNoise = (level: number) => level / 100; // targets between -1 and 1

export const DATASETS: Record<DatasetName, DatasetView> = {
  circle: {
    label: "circle (two rings)", regression: false, extent: 22, shift: 0, scale: 0.1,
    call: (seed, level) => `circles({ seed: ${seed}${level ? `, noise: ${circleNoise(level)}` : ""} })`,
    make: (seed, level) => circles({ seed, noise: circleNoise(level) }),
  },
  xor: {
    label: "exclusive or", regression: false, extent: 1.1, shift: 0.5, scale: 4,
    call: (seed, level) => `xor({ n: 300, noise: ${xorNoise(level)}, seed: ${seed} })`,
    make: (seed, level) => xor({ n: 300, noise: xorNoise(level), seed }),
  },
  gaussians: {
    label: "two Gaussians", regression: false, extent: 6, shift: 0, scale: 0.5,
    call: (seed, level) => `gaussians({ n: 300, noise: ${gaussNoise(level)}, seed: ${seed} })`,
    make: (seed, level) => gaussians({ n: 300, noise: gaussNoise(level), seed }),
  },
  spiral: {
    label: "spiral", regression: false, extent: 1.3, shift: 0, scale: 3,
    call: (seed, level) => `spiral({ classes: 2, pointsPerClass: 150, noise: ${spiralNoise(level)}, seed: ${seed} })`,
    make: (seed, level) => spiral({ classes: 2, pointsPerClass: 150, noise: spiralNoise(level), seed }),
  },
  plane: {
    label: "plane (regression)", regression: true, extent: 6, shift: 0, scale: 0.5,
    call: (seed, level) => `plane({ n: 300, noise: ${targetNoise(level)}, seed: ${seed} })`,
    make: (seed, level) => plane({ n: 300, noise: targetNoise(level), seed }),
  },
  mixture: {
    label: "mixture of Gaussians (regression)", regression: true, extent: 6, shift: 0, scale: 0.5,
    call: (seed, level) => `gaussianMixture({ n: 300, noise: ${targetNoise(level)}, seed: ${seed} })`,
    make: (seed, level) => gaussianMixture({ n: 300, noise: targetNoise(level), seed }),
  },
};

/** The points, split, and the network's inputs for them. */
export interface PlaygroundData {
  view: DatasetView;
  /** Training and test points in the set's own coordinates (test: 0 rows at 100% training). */
  train: Dataset;
  test: Dataset;
  /** The network's inputs: (rows, features). */
  trainInputs: Matrix;
  testInputs: Matrix;
}

/** Network inputs from points in the set's coordinates: the shift, the scale, then the features. */
export function toInputs(X: Matrix, view: DatasetView, scale: number, features: readonly FeatureName[]): Matrix {
  const centred = view.shift === 0 ? X : X.sub(view.shift);
  return inputFeatures(centred.scale(scale), features);
}

/**
 * Makes the set and splits it: `trainPercent` of the rows train (trainTestSplit with the data
 * seed), the rest test; at 100 every row trains, in the set's own order.
 */
export function makeData(name: DatasetName, seed: number, level: number, trainPercent: number, scale: number, features: readonly FeatureName[]): PlaygroundData {
  const view = DATASETS[name];
  const all = view.make(seed, level);
  let train: Dataset = all;
  let test: Dataset = { X: new Matrix(0, 2), y: new Matrix(0, 1) };
  if (trainPercent < 100) {
    const s = trainTestSplit(all.X, all.y, { testFraction: (100 - trainPercent) / 100, seed });
    train = { X: s.XTrain, y: s.yTrain };
    test = { X: s.XTest, y: s.yTest };
  }
  return {
    view, train, test,
    trainInputs: toInputs(train.X, view, scale, features),
    testInputs: test.X.rows > 0 ? toInputs(test.X, view, scale, features) : new Matrix(0, features.length),
  };
}
