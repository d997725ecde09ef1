/**
 * From the playground's settings to what a run is: the data and the network's inputs, the
 * layer sizes and activations, and the options of every `fit` call. The page trains with it,
 * and "copy as code" writes it out (playground-code.ts), so both say the same thing.
 */
import type { FitOptions } from "../../core/network";
import { DatasetView, DATASETS, makeData, PlaygroundData } from "./playground-data";
import { Settings } from "./playground-settings";

export type FitSettings = Required<Omit<FitOptions, "onEpoch" | "epochs">>;

export interface PlaygroundRun {
  settings: Settings;
  view: DatasetView;
  data: PlaygroundData;
  /** What the shifted coordinates are multiplied by before the features (the set's, unless an option says otherwise). */
  scale: number;
  /** Neurons per layer, inputs first: [features, ...hidden, 1]. */
  sizes: number[];
  activations: string[];
  fit: FitSettings;
}

export function planRun(s: Settings, scaleOverride?: number): PlaygroundRun {
  const view = DATASETS[s.dataset];
  const scale = scaleOverride ?? view.scale;
  const data = makeData(s.dataset, s.dataSeed, s.noise, s.trainPercent, scale, s.features);
  return {
    settings: s, view, data, scale,
    sizes: [s.features.length, ...s.hidden, 1],
    // classification: a probability (sigmoid) and cross-entropy; regression: the value itself and the squared error
    activations: [...s.hidden.map(() => s.activation), view.regression ? "linear" : "sigmoid"],
    fit: fitSettings(s, view.regression, data.train.X.rows),
  };
}

/** `fit`'s options for these settings, on `rows` training rows (batch size 0: all of them). */
export function fitSettings(s: Settings, regression: boolean, rows: number): FitSettings {
  const batchSize = Math.min(s.batchSize || rows, rows);
  return {
    learningRate: s.learningRate,
    loss: regression ? "mse" : "binaryCrossEntropy",
    optimizer: s.optimizer,
    batchSize,
    shuffle: batchSize < rows,
    seed: s.seed,
    regularization: s.regularization === "none" || s.regularizationRate === 0 ? null : { kind: s.regularization, rate: s.regularizationRate },
  };
}
