/**
 * The playground's settings: everything a reader can choose, one plain object, its defaults, its
 * checks, and its text form in the page's URL hash (so a teacher can share "open this, press
 * Train"): `#playground=1&dataset=xor&features=x1,x2,x1*x2&hidden=4,2&…`.
 */
import { FEATURE_NAMES, FeatureName } from "../../data/datasets";
import { OPTIMIZER_NAMES, OptimizerName } from "../../core/optimizers";
import { DATASET_NAMES, DatasetName } from "./playground-data";

export const HIDDEN_ACTIVATIONS = ["tanh", "relu", "sigmoid", "leakyRelu", "linear"] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];
export const REGULARIZATIONS = ["none", "l2", "l1"] as const;
export type RegularizationChoice = (typeof REGULARIZATIONS)[number];

export interface Settings {
  dataset: DatasetName;
  /** Playground's noise level, 0 to 50. */
  noise: number;
  /** Percent of the points that train, 10 to 100 (the rest are the test set). */
  trainPercent: number;
  /** Seed of the points and of the split. */
  dataSeed: number;
  features: FeatureName[];
  /** Hidden layer sizes: 0 to 6 layers of 1 to 16 units. */
  hidden: number[];
  activation: HiddenActivation;
  learningRate: number;
  optimizer: OptimizerName;
  /** Rows per update; 0: all training rows. */
  batchSize: number;
  regularization: RegularizationChoice;
  regularizationRate: number;
  /** Seed of the starting weights and of the shuffling. */
  seed: number;
  epochsPerFrame: number;
  showTest: boolean;
  discretize: boolean;
  /** The first hidden layer's lines on the big plot (classification, x1 and x2 only). */
  showLines: boolean;
  /** Every hidden unit's small map in the network diagram. */
  showMaps: boolean;
}

/** `playground`'s defaults: Playground's own start (circle, 50% training, x1 and x2, 4-2 tanh). */
export const PLAYGROUND_DEFAULTS: Settings = {
  dataset: "circle", noise: 0, trainPercent: 50, dataSeed: 0, features: ["x1", "x2"], hidden: [4, 2],
  activation: "tanh", learningRate: 0.03, optimizer: "adam", batchSize: 10, regularization: "none",
  regularizationRate: 0.001, seed: 0, epochsPerFrame: 5, showTest: false, discretize: false, showLines: false, showMaps: true,
};

/** `circle-playground`'s defaults: notebook 05's network on all 300 points of article 002's rings. */
export const CIRCLE_DEFAULTS: Settings = {
  ...PLAYGROUND_DEFAULTS, trainPercent: 100, hidden: [4, 8], activation: "relu", learningRate: 0.1, batchSize: 0,
};

export const RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const BATCH_SIZES = [0, 1, 10, 30, 100];
export const SPEEDS = [1, 2, 5, 10, 20, 50];

const isInt = (v: unknown, lo: number, hi: number) => typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;

/** The first thing wrong with a settings object, as a sentence for the reader; null when all is well. */
export function checkSettings(s: Settings): string | null {
  if (!(DATASET_NAMES as readonly string[]).includes(s.dataset)) return `data set: one of ${DATASET_NAMES.join(", ")}`;
  if (!isInt(s.noise, 0, 50)) return "noise: a whole number from 0 to 50";
  if (!isInt(s.trainPercent, 10, 100)) return "training share: a whole percent from 10 to 100";
  if (!isInt(s.dataSeed, 0, 4294967295) || !isInt(s.seed, 0, 4294967295)) return "seed: give a whole number, 0 or more";
  if (!Array.isArray(s.features) || s.features.length === 0 || s.features.some((f) => !(FEATURE_NAMES as readonly string[]).includes(f))) {
    return "features: choose at least one input feature";
  }
  if (!Array.isArray(s.hidden) || s.hidden.length > 6 || s.hidden.some((n) => !isInt(n, 1, 16))) {
    return "hidden layers: give 0 to 6 whole numbers from 1 to 16, separated by commas (for example 4, 2)";
  }
  if (!(HIDDEN_ACTIVATIONS as readonly string[]).includes(s.activation)) return `activation: one of ${HIDDEN_ACTIVATIONS.join(", ")}`;
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) return "learning rate: a positive number";
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(s.optimizer)) return `optimizer: one of ${OPTIMIZER_NAMES.join(", ")}`;
  if (!isInt(s.batchSize, 0, 1e6)) return "batch size: a whole number, 0 for all rows";
  if (!(REGULARIZATIONS as readonly string[]).includes(s.regularization)) return "regularisation: none, l2 or l1";
  if (!(s.regularizationRate >= 0) || !Number.isFinite(s.regularizationRate)) return "regularisation rate: a number, 0 or more";
  if (!isInt(s.epochsPerFrame, 1, 1000)) return "epochs per frame: a whole number from 1";
  return null;
}

/** The settings as the URL hash's text, after `playground=<k>` (k: which playground of the page, from 1). */
export function toHash(s: Settings, k: number): string {
  const fields: [string, string][] = [["playground", String(k)]];
  for (const [key, value] of Object.entries(s)) {
    fields.push([key, Array.isArray(value) ? value.join(",") : typeof value === "boolean" ? (value ? "1" : "0") : String(value)]);
  }
  return fields.map(([key, v]) => `${key}=${encodeURIComponent(v)}`).join("&");
}

/**
 * The settings a hash holds for playground k, over `base` (what the hash leaves out stays);
 * null when the hash is about another playground or none. Values are not checked here.
 */
export function fromHash(hash: string, k: number, base: Settings): Settings | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  if (params.get("playground") !== String(k)) return null;
  const s: Settings = { ...base };
  const out = s as unknown as Record<string, unknown>;
  for (const key of Object.keys(base) as (keyof Settings)[]) {
    const raw = params.get(key);
    if (raw === null) continue;
    const was = base[key];
    if (Array.isArray(was)) {
      const parts = raw === "" ? [] : raw.split(",");
      out[key] = key === "hidden" ? parts.map(Number) : parts;
    } else if (typeof was === "boolean") out[key] = raw === "1";
    else if (typeof was === "number") out[key] = Number(raw);
    else out[key] = raw;
  }
  return s;
}
