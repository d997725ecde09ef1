/**
 * The `playground` widget: TensorFlow Playground's lessons on the course's own Network, trained
 * in the page. Six data sets (circle, exclusive or, two Gaussians, spiral; a plane and a mixture
 * of Gaussians to regress), noise, a train/test split with both loss curves, nine input
 * features, L2 and L1 regularisation, hidden layers and neurons added and removed with + and −,
 * every hidden neuron's output as a small map in a network diagram, the settings in the URL
 * hash, and "copy as code" for the notebook.
 *
 * `circle-playground` (notebooks 05 and 06) is the same widget with notebook 05's start:
 * article 002's rings, all 300 points training, a 4-8 ReLU network (CIRCLE_DEFAULTS).
 *
 * Every epoch is `net.fit(X, y, { epochs: 1, ...the same options })`, which continues exactly
 * where the last call stopped, so N epochs here are the weights of one `fit` of N epochs in Node
 * (test/browser/widgets-determinism.test.ts and widgets-playground.test.ts check it bit for bit).
 * The pieces: playground-data.ts (the sets), playground-settings.ts (what can be chosen, and the
 * hash), playground-run.ts (settings to a run), playground-controls.ts (the form),
 * playground-diagram.ts (the network), playground-plots.ts (the plots), playground-code.ts.
 */
import type { ActivationName } from "../../core/activations";
import type { FeatureName } from "../../data/datasets";
import { getBackend } from "../../kernels";
import { Matrix } from "../../core/matrix";
import { Network } from "../../core/network";
import { toInputs } from "./playground-data";
import { FEATURE_LABELS, PlaygroundControls } from "./playground-controls";
import { Diagram } from "./playground-diagram";
import { notebookCode } from "./playground-code";
import { BigPlot, drawLosses } from "./playground-plots";
import { FitSettings, fitSettings, planRun, PlaygroundRun } from "./playground-run";
import { checkSettings, CIRCLE_DEFAULTS, fromHash, PLAYGROUND_DEFAULTS, Settings, toHash } from "./playground-settings";
import { Canvas, figure, h, linspace } from "./ui";

/** The widget's options: any setting (playground-settings.ts), plus how the circle's inputs are scaled. */
export type PlaygroundOptions = Partial<Settings> & {
  /** The circle's coordinates are multiplied by this before the network sees them (default 0.1, as in notebook 05). */
  inputScale?: number;
  /** Keep the settings in the page's URL hash (default: yes, except inside a live Jupyter page). */
  urlHash?: boolean;
};

/** Everything that decides a run: the tests rebuild the same network and fit in Node from it. */
export interface PlaygroundConfig {
  sizes: number[];
  activations: string[];
  init: "he";
  seed: number;
  dataSeed: number;
  inputScale: number;
  features: FeatureName[];
  fit: FitSettings;
}

export interface PlaygroundController {
  config(): PlaygroundConfig;
  settings(): Settings;
  epoch(): number;
  losses(): number[];
  testLosses(): number[];
  /** Every layer's W and b as nested arrays. */
  weights(): { W: number[][]; b: number[] | null }[];
  /** The points in the set's own coordinates: training, and test (none at 100% training). */
  data(): { train: { X: number[][]; y: number[] }; test: { X: number[][]; y: number[] } };
  /** The notebook code of the run so far (what "Copy as code" writes). */
  code(): string;
  /**
   * While running: frames drawn, epochs trained, the milliseconds spent in them (training and
   * drawing) and the wall-clock milliseconds spent running (what frames/s and epochs/s divide by).
   */
  stats(): { frames: number; epochs: number; ms: number; wallMs: number; backend: string };
  train(): void;
  pause(): void;
  step(): void;
  reset(): void;
  destroy(): void;
}

/** The big plot's grid: RES x RES predictions per frame (the small maps use the same pass). */
const RES = 48;

export function mountPlayground(root: HTMLElement, options: PlaygroundOptions = {}, defaults: Settings = PLAYGROUND_DEFAULTS): PlaygroundController {
  const { inputScale, urlHash, ...given } = options;
  const ui = new PlaygroundControls();
  const message = h("div", { class: "snw-readout", role: "status", "aria-live": "polite" });
  const readout = h("div", { class: "snw-readout snw-progress" });
  const bigCanvas = new Canvas(340, 340, -1, 1, -1, 1, { l: 40, r: 8, t: 8, b: 30 }, "decision boundary");
  const lossPlot = new Canvas(320, 200, 1, 2, 0, 1, { l: 44, r: 20, t: 10, b: 30 }, "loss curves");
  const big = new BigPlot(bigCanvas, RES);
  const caption = h("figcaption", {});
  const bigFigure = figure(bigCanvas, "");
  bigFigure.querySelector("figcaption")?.replaceWith(caption);
  let hovered: { layer: number; unit: number } | null = null;
  const diagram = new Diagram(RES, {
    addNeuron: (l) => editHidden((hs) => (hs[l] = Math.min(16, hs[l] + 1))),
    removeNeuron: (l) => editHidden((hs) => (hs[l] = Math.max(1, hs[l] - 1))),
    addLayer: () => editHidden((hs) => hs.length < 6 && hs.push(hs.at(-1) ?? 4)),
    removeLayer: () => editHidden((hs) => hs.pop()),
    hover: (u) => {
      hovered = u;
      draw();
    },
  });
  root.append(
    ...ui.groups(),
    readout,
    h("div", { class: "snw-row" }, diagram.el,
      h("div", { class: "snw-plots" }, bigFigure, figure(lossPlot, "Loss after each epoch: training (solid red) and test (dashed black).")),
    ),
    ui.codeWrap,
    message,
  );

  // --- the URL hash: this widget is playground k of the page
  const k = 1 + Array.from(document.querySelectorAll('[data-widget="playground"], [data-widget="circle-playground"]')).indexOf(root);
  const inJupyter = !!document.querySelector(".jp-Notebook, #notebook-container");
  const useHash = urlHash ?? !inJupyter;
  const start: Settings = { ...defaults, ...(given as Partial<Settings>) };
  const shared = useHash ? fromHash(location.hash, k, start) : null;
  ui.write(shared && checkSettings(shared) === null ? shared : start); // a broken link opens the widget's own start
  let mounted = false; // the hash changes on a reader's changes only, not when the page opens
  const writeHash = () => {
    if (useHash && mounted) history.replaceState(null, "", `#${toHash(ui.read(), k)}`);
  };

  // --- state
  let net: Network;
  let run: PlaygroundRun;
  let gridInputs: Matrix;
  let trainLoss: number[] = [];
  let testLoss: number[] = [];
  let changedMidRun = false;
  let running = false;
  let frame = 0;
  const stats = { frames: 0, epochs: 0, ms: 0, wallMs: 0 };
  let runningSince = 0;
  let gridXs: number[] = [];
  let gridYs: number[] = [];

  const say = (text: string, error = false) => {
    message.textContent = text;
    message.classList.toggle("snw-error", error);
  };

  function editHidden(change: (hidden: number[]) => unknown) {
    const s = ui.read();
    change(s.hidden);
    ui.hidden.input.value = s.hidden.join(", ");
    reset();
  }

  /** A new network and data from the form; false (with a message) when a setting is wrong. */
  function reset(): boolean {
    pause();
    const s = ui.read();
    const problem = checkSettings(s);
    if (problem) {
      say(problem, true);
      return false;
    }
    run = planRun(s, s.dataset === "circle" ? inputScale : undefined);
    net = new Network({ sizes: run.sizes, activations: run.activations as ActivationName[], seed: s.seed, init: "he" });
    trainLoss = [];
    testLoss = [];
    changedMidRun = false;
    hovered = null;
    const { extent, shift } = run.view;
    for (const axis of ["x0", "y0", "x1", "y1"] as const) bigCanvas[axis] = shift + (axis.endsWith("0") ? -extent : extent);
    gridXs = linspace(shift - extent, shift + extent, RES);
    gridYs = gridXs;
    const points = new Matrix(RES * RES, 2);
    for (let i = 0; i < RES; i++) for (let j = 0; j < RES; j++) points.set(i * RES + j, 0, gridXs[j]).set(i * RES + j, 1, gridYs[i]);
    gridInputs = toInputs(points, run.view, run.scale, s.features);
    diagram.build(run.sizes, s.features.map((f) => FEATURE_LABELS[f]));
    caption.textContent = run.view.regression
      ? `${run.view.label}: each point's colour is its target (blue −1, orange +1); behind, the network's output. Black rings: test points.`
      : `${run.view.label}: blue points are label 0, orange label 1; behind, the network's output and its 0.5 line. Black rings: test points.`;
    say(`New network ${run.sizes.join("-")} from seed ${s.seed}, on ${run.data.train.X.rows} training and ${run.data.test.X.rows} test points.`);
    writeHash();
    draw();
    return true;
  }

  /** Runs `epochs` epochs, continuing the last fit; false (and paused) when training diverged. */
  const trainEpochs = (epochs: number): boolean => {
    // Options that change mid-run (rate, optimizer, batch size, regularisation) apply from the next epoch on.
    const s = ui.read();
    if (!checkSettings(s)) {
      const settings: Settings = { ...run.settings, learningRate: s.learningRate, optimizer: s.optimizer, batchSize: s.batchSize,
        regularization: s.regularization, regularizationRate: s.regularizationRate };
      const fit = fitSettings(settings, run.view.regression, run.data.train.X.rows);
      if (JSON.stringify(fit) !== JSON.stringify(run.fit)) {
        changedMidRun ||= trainLoss.length > 0;
        run = { ...run, settings, fit };
      }
    }
    const { trainInputs, testInputs, train, test } = run.data;
    try {
      const onEpoch = test.X.rows > 0 ? () => void testLoss.push(net.evaluate(testInputs, test.y, run.fit.loss)) : undefined;
      trainLoss.push(...net.fit(trainInputs, train.y, { ...run.fit, epochs, onEpoch }).loss);
      return true;
    } catch (err) {
      pause();
      say(`${(err as Error).message}`, true);
      return false;
    }
  };

  const loop = () => {
    if (!running) return;
    const t0 = performance.now();
    const epochs = Number(ui.speed.input.value);
    const ok = trainEpochs(epochs);
    draw();
    stats.ms += performance.now() - t0;
    stats.frames++;
    if (ok) stats.epochs += epochs;
    if (running) frame = requestAnimationFrame(loop);
  };

  function train() {
    if (running || !net) return;
    running = true;
    runningSince = performance.now();
    const hadFocus = document.activeElement === ui.trainBtn;
    ui.trainBtn.disabled = true;
    ui.pauseBtn.disabled = false;
    if (hadFocus) ui.pauseBtn.focus(); // a disabled button drops the focus: hand it to Pause
    say("Training…");
    frame = requestAnimationFrame(loop);
  }
  function pause() {
    if (!running) {
      ui.pauseBtn.disabled = true;
      ui.trainBtn.disabled = false;
      return;
    }
    running = false;
    stats.wallMs += performance.now() - runningSince;
    cancelAnimationFrame(frame);
    const hadFocus = document.activeElement === ui.pauseBtn;
    ui.trainBtn.disabled = false;
    ui.pauseBtn.disabled = true;
    if (hadFocus) ui.trainBtn.focus();
    say(`Paused at epoch ${trainLoss.length}, training loss ${fmt(trainLoss.at(-1))}.`);
  }
  function step() {
    pause();
    if (trainEpochs(1)) say(`Epoch ${trainLoss.length}: training loss ${fmt(trainLoss.at(-1))}${testLoss.length ? `, test loss ${fmt(testLoss.at(-1))}` : ""}.`);
    draw();
  }

  // --- drawing
  /** Share of the rows whose predicted class is their label (classification only). */
  const accuracy = (X: Matrix, y: Matrix) => {
    if (X.rows === 0) return NaN;
    const p = net.predict(X).data;
    let right = 0;
    for (let i = 0; i < X.rows; i++) if ((p[i] >= 0.5 ? 1 : 0) === y.data[i]) right++;
    return right / X.rows;
  };

  function draw() {
    const s = ui.read();
    // one pass over the grid, keeping every layer's outputs: the output's map and each unit's
    const values: Float64Array[] = [];
    let a = gridInputs;
    for (const layer of net.layers) {
      a = layer.forward(a);
      values.push(a.data);
    }
    const out = values[values.length - 1];
    const regression = run.view.regression;
    const outputColor = (k: number) => {
      const v = out[k];
      if (regression) return s.discretize ? (v >= 0 ? 1 : 0) : (v + 1) / 2;
      return s.discretize ? (v >= 0.5 ? 1 : 0) : v;
    };
    let color = outputColor;
    if (hovered && hovered.layer < values.length - 1) {
      const cols = net.layers[hovered.layer].nOut, j = hovered.unit, hv = values[hovered.layer];
      let most = 0;
      for (let k = 0; k < RES * RES; k++) most = Math.max(most, Math.abs(hv[k * cols + j]));
      color = (k) => 0.5 + (most > 0 ? (0.5 * hv[k * cols + j]) / most : 0);
    }
    const { train, test } = run.data;
    big.draw({
      color, line: !regression && !hovered ? out : null, gridXs, gridYs, train, regression,
      test: s.showTest && test.X.rows > 0 ? test : null,
    }, s.showLines ? drawUnitLines : undefined);
    bigCanvas.axes("x₁", "x₂", 4, (v) => String(Math.round(v * 100) / 100));
    if (s.showMaps) diagram.paint(gridInputs.data, values.slice(0, -1), outputColor, true);
    else {
      diagram.paint(gridInputs.data, [], outputColor, false);
      diagram.clearHidden();
    }
    diagram.drawLinks(net);
    drawLosses(lossPlot, trainLoss, testLoss);

    const epoch = trainLoss.length;
    const acc = regression ? "" : `   accuracy ${pct(accuracy(run.data.trainInputs, train.y))}${test.X.rows ? ` (test ${pct(accuracy(run.data.testInputs, test.y))})` : ""}`;
    readout.textContent = `epoch ${epoch}   training loss ${fmt(trainLoss.at(-1))}${test.X.rows ? `   test loss ${fmt(testLoss.at(-1))}` : ""}${acc}`;
    const what = hovered ? `hidden layer ${hovered.layer + 1} neuron ${hovered.unit + 1}'s output` : regression ? "the network's output" : "decision boundary";
    bigCanvas.el.setAttribute("aria-label", `${run.view.label}: ${what} of the ${run.sizes.join("-")} network after ${epoch} epochs.`);
    bigCanvas.el.dataset.epoch = String(epoch);
    bigCanvas.el.dataset.points = String(train.X.rows + (s.showTest ? test.X.rows : 0));
  }

  /** Unit j of the first hidden layer is 0 where w1j·u1 + w2j·u2 + bj = 0, u = (x - shift)·scale (inputs x1, x2 only). */
  function drawUnitLines(b: Canvas) {
    const feats = run.settings.features;
    if (net.layers.length < 2 || feats.length !== 2 || feats[0] !== "x1" || feats[1] !== "x2") return;
    const layer = net.layers[0];
    const c = b.ctx, { scale, view } = run, E = view.extent, S = view.shift;
    c.setLineDash([6, 4]);
    c.lineWidth = 1.5;
    c.font = "bold 11px system-ui, sans-serif";
    for (let j = 0; j < layer.nOut; j++) {
      const w1 = layer.W.get(0, j) * scale, w2 = layer.W.get(1, j) * scale;
      const bj = (layer.b ? layer.b.get(0, j) : 0) - (w1 + w2) * S;
      let p1: [number, number], p2: [number, number];
      if (Math.abs(w2) > Math.abs(w1)) {
        p1 = [S - E, (-bj - w1 * (S - E)) / w2];
        p2 = [S + E, (-bj - w1 * (S + E)) / w2];
      } else if (w1 !== 0) {
        p1 = [(-bj - w2 * (S - E)) / w1, S - E];
        p2 = [(-bj - w2 * (S + E)) / w1, S + E];
      } else continue;
      c.strokeStyle = "rgba(60, 60, 60, 0.85)";
      c.beginPath();
      c.moveTo(b.px(p1[0]), b.py(p1[1]));
      c.lineTo(b.px(p2[0]), b.py(p2[1]));
      c.stroke();
      // the label sits at the point of the line nearest the origin
      const d = w1 * w1 + w2 * w2 || 1;
      c.fillStyle = "#222";
      c.fillText(String(j + 1), b.px((-bj * w1) / d) + 4, b.py((-bj * w2) / d) - 4);
    }
    c.setLineDash([]);
  }

  const code = () => notebookCode(run, trainLoss.length, changedMidRun);

  // --- wiring
  ui.trainBtn.addEventListener("click", train);
  ui.pauseBtn.addEventListener("click", pause);
  ui.stepBtn.addEventListener("click", step);
  ui.resetBtn.addEventListener("click", () => reset());
  ui.copyBtn.addEventListener("click", () => {
    ui.code.value = code();
    ui.codeWrap.hidden = false;
    ui.code.select();
    const done = () => say("The code is copied; paste it into a notebook cell (it is also in the box below).");
    const manual = () => say("The code is in the box below, selected: copy it with Ctrl+C (or ⌘C).");
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(ui.code.value).then(done, manual);
    else manual();
  });
  const restart = [ui.dataset.input, ui.noise.input, ui.trainPercent.input, ui.dataSeed.input, ui.hidden.input, ui.activation.input, ui.seed.input,
    ...Object.values(ui.features).map((f) => f.input)];
  for (const control of restart) control.addEventListener("change", () => reset());
  const later = [ui.learningRate.input, ui.optimizer.input, ui.batchSize.input, ui.regularization.input, ui.regularizationRate.input, ui.speed.input];
  for (const control of later) control.addEventListener("change", writeHash);
  for (const control of [ui.showTest.input, ui.discretize.input, ui.showLines.input, ui.showMaps.input]) {
    control.addEventListener("change", () => {
      writeHash();
      draw();
    });
  }
  ui.pauseBtn.disabled = true;
  if (!reset()) throw new Error(message.textContent ?? "playground: bad options");
  mounted = true;

  return {
    config: () => JSON.parse(JSON.stringify({
      sizes: run.sizes, activations: run.activations, init: "he", seed: run.settings.seed, dataSeed: run.settings.dataSeed,
      inputScale: run.scale, features: run.settings.features, fit: run.fit,
    })) as PlaygroundConfig,
    settings: () => ui.read(),
    epoch: () => trainLoss.length,
    losses: () => trainLoss.slice(),
    testLosses: () => testLoss.slice(),
    weights: () => net.layers.map((l) => ({ W: l.W.toArray(), b: l.b ? l.b.toFlatArray() : null })),
    data: () => {
      const plain = (d: { X: Matrix; y: Matrix }) => ({ X: d.X.toArray(), y: d.y.toFlatArray() });
      return { train: plain(run.data.train), test: plain(run.data.test) };
    },
    code,
    stats: () => ({ ...stats, wallMs: stats.wallMs + (running ? performance.now() - runningSince : 0), backend: getBackend().name }),
    train,
    pause,
    step,
    reset: () => void reset(),
    destroy() {
      pause();
      root.replaceChildren();
    },
  };
}

/** `circle-playground`: the playground with notebook 05's start (see CIRCLE_DEFAULTS). */
export function mountCirclePlayground(root: HTMLElement, options: PlaygroundOptions = {}): PlaygroundController {
  return mountPlayground(root, options, CIRCLE_DEFAULTS);
}

const fmt = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(4));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
