/**
 * The playground's form: one labelled native control per setting (so every one works from the
 * keyboard and has a name a screen reader reads), grouped as data, features, network and
 * training, with `read` (the form to Settings) and `write` (Settings to the form).
 */
import { FEATURE_NAMES, FeatureName } from "../../data/datasets";
import type { OptimizerName } from "../../core/optimizers";
import { DATASET_NAMES, DATASETS, DatasetName } from "./playground-data";
import {
  BATCH_SIZES, HIDDEN_ACTIVATIONS, HiddenActivation, RATES, REGULARIZATION_RATES, RegularizationChoice, Settings, SPEEDS,
} from "./playground-settings";
import { button, checkbox, h, select, slider, textInput } from "./ui";

const ACTIVATION_LABELS: Record<HiddenActivation, string> = { tanh: "tanh", relu: "ReLU", sigmoid: "sigmoid", leakyRelu: "leaky ReLU", linear: "linear" };
/** How the features read on screen: x₁², sin(x₂), … */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: "x₁", x2: "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂", "sin(x1)": "sin(x₁)", "sin(x2)": "sin(x₂)", "cos(x1)": "cos(x₁)", "cos(x2)": "cos(x₂)",
};

type Select = ReturnType<typeof select>;
type Check = ReturnType<typeof checkbox>;

/** Sets a <select> to `value`, adding it as a choice first if it is not one (from options or a shared link). */
function choose(s: Select, value: string | number): void {
  const v = String(value);
  if (!Array.from(s.input.options).some((o) => o.value === v)) s.input.append(h("option", { value: v }, v));
  s.input.value = v;
}

export class PlaygroundControls {
  readonly dataset = select("data set", "dataset", DATASET_NAMES.map((n) => [n, DATASETS[n].label]), "circle");
  readonly noise = slider("noise", { min: 0, max: 50, step: 5, value: 0, name: "noise", format: (v) => String(v) });
  readonly trainPercent = slider("training share", { min: 10, max: 100, step: 10, value: 50, name: "trainPercent", format: (v) => `${v}%` });
  readonly dataSeed = textInput("data seed", "dataSeed", "0", { inputmode: "numeric" });
  readonly showTest = checkbox("show test data", "showTest", false);
  readonly discretize = checkbox("discretize output", "discretize", false);
  readonly features: Record<FeatureName, Check>;
  readonly hidden = textInput("hidden layers", "hidden", "4, 2", {
    title: "sizes of the hidden layers, separated by commas (0 to 6 layers of 1 to 16 units; empty: none)",
  });
  readonly activation = select("activation", "activation", HIDDEN_ACTIVATIONS.map((a) => [a, ACTIVATION_LABELS[a]]), "tanh");
  readonly learningRate = select("learning rate", "learningRate", RATES.map((r) => [String(r), String(r)]), "0.03");
  readonly optimizer = select("optimizer", "optimizer", [["sgd", "SGD"], ["momentum", "momentum"], ["adam", "Adam"]], "adam");
  readonly batchSize = select("batch size", "batchSize", BATCH_SIZES.map((b) => [String(b), b === 0 ? "all" : String(b)]), "10");
  readonly regularization = select("regularisation", "regularization", [["none", "none"], ["l2", "L2"], ["l1", "L1"]], "none");
  readonly regularizationRate = select("regularisation rate", "regularizationRate", REGULARIZATION_RATES.map((r) => [String(r), String(r)]), "0.001");
  readonly seed = textInput("seed", "seed", "0", { inputmode: "numeric" });
  readonly speed = select("epochs per frame", "speed", SPEEDS.map((s) => [String(s), String(s)]), "5");
  readonly showLines = checkbox("show the first hidden layer's lines", "showLines", false);
  readonly showMaps = checkbox("show every neuron's output", "showMaps", true);
  readonly trainBtn = button("▶ Train", "train");
  readonly pauseBtn = button("❚❚ Pause", "pause");
  readonly stepBtn = button("Step (1 epoch)", "step");
  readonly resetBtn = button("↺ Reset", "reset");
  readonly copyBtn = button("Copy as code", "copyCode");
  readonly code: HTMLTextAreaElement;
  readonly codeWrap: HTMLElement;

  constructor() {
    this.features = Object.fromEntries(FEATURE_NAMES.map((f) => {
      const c = checkbox(FEATURE_LABELS[f], "feature", false);
      c.input.value = f;
      return [f, c];
    })) as Record<FeatureName, Check>;
    this.code = h("textarea", { name: "code", readonly: true, rows: 14, cols: 90, spellcheck: "false", "aria-label": "notebook code that replays this run" });
    this.codeWrap = h("div", { class: "snw-code" }, this.code);
    this.codeWrap.hidden = true;
    // a unit of the first layer draws a straight line only when its inputs are x1 and x2 themselves
    this.showLines.input.title = "drawn when the inputs are x₁ and x₂ only, with at least one hidden layer";
  }

  /** The groups, in reading (and Tab) order. */
  groups(): HTMLElement[] {
    const group = (label: string, ...children: HTMLElement[]) =>
      h("div", { class: "snw-controls", role: "group", "aria-label": label }, ...children);
    const features = h("fieldset", { class: "snw-controls snw-features" }, h("legend", {}, "input features"),
      ...FEATURE_NAMES.map((f) => this.features[f].wrap));
    return [
      group("data", this.dataset.wrap, this.noise.wrap, this.trainPercent.wrap, this.dataSeed.wrap, this.showTest.wrap, this.discretize.wrap),
      features,
      group("network and training settings", this.hidden.wrap, this.activation.wrap, this.learningRate.wrap, this.optimizer.wrap,
        this.batchSize.wrap, this.regularization.wrap, this.regularizationRate.wrap, this.seed.wrap, this.speed.wrap,
        this.showLines.wrap, this.showMaps.wrap),
      group("training", this.trainBtn, this.pauseBtn, this.stepBtn, this.resetBtn, this.copyBtn),
    ];
  }

  /** The form as settings (not checked: see checkSettings). */
  read(): Settings {
    const hiddenText = this.hidden.input.value.trim();
    return {
      dataset: this.dataset.input.value as DatasetName,
      noise: this.noise.value(),
      trainPercent: this.trainPercent.value(),
      dataSeed: Number(this.dataSeed.input.value),
      features: FEATURE_NAMES.filter((f) => this.features[f].input.checked),
      hidden: hiddenText === "" ? [] : hiddenText.split(/[\s,]+/).filter((s) => s !== "").map(Number),
      activation: this.activation.input.value as HiddenActivation,
      learningRate: Number(this.learningRate.input.value),
      optimizer: this.optimizer.input.value as OptimizerName,
      batchSize: Number(this.batchSize.input.value),
      regularization: this.regularization.input.value as RegularizationChoice,
      regularizationRate: Number(this.regularizationRate.input.value),
      seed: Number(this.seed.input.value),
      epochsPerFrame: Number(this.speed.input.value),
      showTest: this.showTest.input.checked,
      discretize: this.discretize.input.checked,
      showLines: this.showLines.input.checked,
      showMaps: this.showMaps.input.checked,
    };
  }

  write(s: Settings): void {
    choose(this.dataset, s.dataset);
    this.noise.set(s.noise);
    this.trainPercent.set(s.trainPercent);
    this.dataSeed.input.value = String(s.dataSeed);
    for (const f of FEATURE_NAMES) this.features[f].input.checked = s.features.includes(f);
    this.hidden.input.value = s.hidden.join(", ");
    choose(this.activation, s.activation);
    choose(this.learningRate, s.learningRate);
    choose(this.optimizer, s.optimizer);
    choose(this.batchSize, s.batchSize);
    choose(this.regularization, s.regularization);
    choose(this.regularizationRate, s.regularizationRate);
    this.seed.input.value = String(s.seed);
    choose(this.speed, s.epochsPerFrame);
    this.showTest.input.checked = s.showTest;
    this.discretize.input.checked = s.discretize;
    this.showLines.input.checked = s.showLines;
    this.showMaps.input.checked = s.showMaps;
  }
}
