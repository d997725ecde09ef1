/**
 * The `circle-playground` widget (notebook 05): the course's own Network trained on article
 * 002's two rings, in the page. Choose the hidden layers, activation, learning rate, optimizer and
 * batch size; Train, Pause, Step and Reset; watch the decision boundary, the loss curve and,
 * if asked, the line each unit of the first hidden layer draws.
 *
 * Every epoch is `net.fit(Xs, y, { epochs: 1, ...the same options })`, which continues exactly
 * where the last call stopped, so N epochs here are the weights of one `fit` of N epochs in Node
 * (test/widgets-determinism.test.ts checks it bit for bit). Reset rebuilds the network from the
 * seed, so the same seed replays the same run.
 */
import type { ActivationName } from "../../core/activations";
import { circles } from "../../data/datasets";
import { getBackend } from "../../kernels";
import { Matrix } from "../../core/matrix";
import { FitOptions, Network } from "../../core/network";
import type { OptimizerName } from "../../core/optimizers";
import { button, Canvas, checkbox, contourSegments, figure, h, linspace, probabilityColor, select, textInput } from "./ui";

export interface PlaygroundOptions {
  /** Hidden layer sizes (default [4, 8], the course's [2, 4, 8, 1]). */
  hidden?: number[];
  activation?: "relu" | "tanh" | "sigmoid" | "leakyRelu";
  learningRate?: number;
  optimizer?: OptimizerName;
  /** Rows per update; 0 or absent: all rows (full batch). */
  batchSize?: number;
  /** Seed of the starting weights and of the shuffling (default 0). */
  seed?: number;
  /** Seed of the rings (default 0, the notebook's). */
  dataSeed?: number;
  /** The inputs are multiplied by this before the network sees them (default 0.1, as in notebook 05). */
  inputScale?: number;
  /** Epochs run per animation frame (default 5). */
  epochsPerFrame?: number;
  /** Show the first hidden layer's lines from the start (default false). */
  showLines?: boolean;
}

/** Everything that decides a run: the test rebuilds the same network and fit in Node from it. */
export interface PlaygroundConfig {
  sizes: number[];
  activations: string[];
  init: "he";
  seed: number;
  dataSeed: number;
  inputScale: number;
  fit: Required<Omit<FitOptions, "onEpoch" | "epochs">>;
}

export interface PlaygroundController {
  config(): PlaygroundConfig;
  epoch(): number;
  losses(): number[];
  /** Every layer's W and b as nested arrays. */
  weights(): { W: number[][]; b: number[] | null }[];
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

const ACTIVATIONS: [string, string][] = [["relu", "ReLU"], ["tanh", "tanh"], ["sigmoid", "sigmoid"], ["leakyRelu", "leaky ReLU"]];
const RATES = ["0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3"];
const OPTIMIZERS: [string, string][] = [["sgd", "SGD"], ["momentum", "momentum"], ["adam", "Adam"]];
const SPEEDS = ["1", "2", "5", "10", "20", "50"];
/** The boundary's grid: RES x RES predictions per frame. */
const RES = 60;
const EXTENT = 22; // the rings reach r = 20

export function mountPlayground(root: HTMLElement, options: PlaygroundOptions = {}): PlaygroundController {
  const inputScale = options.inputScale ?? 0.1;
  const dataSeed = options.dataSeed ?? 0;
  const data = circles({ seed: dataSeed });
  const X = data.X;
  const y = data.y;
  const Xs = X.scale(inputScale);
  const n = X.rows;

  // --- controls
  const hidden = textInput("hidden layers", "hidden", (options.hidden ?? [4, 8]).join(", "), {
    title: "sizes of the hidden layers, separated by commas (1 to 3 layers of 1 to 16 units)",
  });
  const activation = select("activation", "activation", ACTIVATIONS, options.activation ?? "relu");
  const rate = select("learning rate", "learningRate", RATES.map((r) => [r, r]), String(options.learningRate ?? 0.1));
  if (options.learningRate !== undefined && !RATES.includes(String(options.learningRate))) {
    rate.input.append(h("option", { value: String(options.learningRate) }, String(options.learningRate)));
    rate.input.value = String(options.learningRate);
  }
  const optimizer = select("optimizer", "optimizer", OPTIMIZERS, options.optimizer ?? "adam");
  const batchChoices = [0, 100, 30, 10].filter((b) => b < n);
  if (options.batchSize && !batchChoices.includes(options.batchSize)) batchChoices.push(options.batchSize);
  const batch = select("batch size", "batchSize", batchChoices.map((b) => [String(b), b === 0 ? `all ${n}` : String(b)]), String(options.batchSize ?? 0));
  const seed = textInput("seed", "seed", String(options.seed ?? 0), { inputmode: "numeric" });
  const speed = select("epochs per frame", "speed", SPEEDS.map((s) => [s, s]), String(options.epochsPerFrame ?? 5));
  const lines = checkbox("show the first hidden layer's lines", "showLines", options.showLines ?? false);
  const trainBtn = button("▶ Train", "train");
  const pauseBtn = button("❚❚ Pause", "pause");
  const stepBtn = button("Step (1 epoch)", "step");
  const resetBtn = button("↺ Reset", "reset");
  const message = h("div", { class: "snw-readout", role: "status", "aria-live": "polite" });
  const readout = h("div", { class: "snw-readout snw-progress" });

  const boundary = new Canvas(340, 340, -EXTENT, EXTENT, -EXTENT, EXTENT, { l: 34, r: 8, t: 8, b: 30 }, "decision boundary");
  const lossPlot = new Canvas(320, 200, 1, 2, 0, 1, { l: 44, r: 20, t: 10, b: 30 }, "loss curve");
  root.append(
    h("div", { class: "snw-controls", role: "group", "aria-label": "network and training settings" },
      hidden.wrap, activation.wrap, rate.wrap, optimizer.wrap, batch.wrap, seed.wrap, speed.wrap, lines.wrap),
    h("div", { class: "snw-controls", role: "group", "aria-label": "training" }, trainBtn, pauseBtn, stepBtn, resetBtn),
    readout,
    h("div", { class: "snw-row" },
      figure(boundary, "The rings (blue: outer, label 0; orange: inner, label 1), the network's output behind them and its 0.5 line."),
      figure(lossPlot, "Binary cross-entropy on all 300 points after each epoch.")),
    message,
  );

  // --- state
  let net: Network;
  let config: PlaygroundConfig;
  let history: number[] = [];
  let running = false;
  let frame = 0;
  const stats = { frames: 0, epochs: 0, ms: 0, wallMs: 0 };
  let runningSince = 0;

  const readConfig = (): PlaygroundConfig | string => {
    const sizes = hidden.input.value.split(/[\s,]+/).filter((s) => s !== "").map(Number);
    if (sizes.length < 1 || sizes.length > 3 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 16)) {
      return "hidden layers: give 1 to 3 whole numbers from 1 to 16, separated by commas (for example 4, 8)";
    }
    const s = Number(seed.input.value);
    if (!Number.isInteger(s) || s < 0) return "seed: give a whole number, 0 or more";
    const batchSize = Number(batch.input.value) || n;
    return {
      sizes: [2, ...sizes, 1],
      activations: [...sizes.map(() => activation.input.value), "sigmoid"],
      init: "he",
      seed: s,
      dataSeed,
      inputScale,
      fit: {
        learningRate: Number(rate.input.value),
        loss: "binaryCrossEntropy",
        optimizer: optimizer.input.value as OptimizerName,
        batchSize,
        shuffle: batchSize < n,
        seed: s,
      },
    };
  };

  const say = (text: string, error = false) => {
    message.textContent = text;
    message.classList.toggle("snw-error", error);
  };

  const reset = () => {
    pause();
    const c = readConfig();
    if (typeof c === "string") {
      say(c, true);
      return false;
    }
    config = c;
    net = new Network({ sizes: c.sizes, activations: c.activations as ActivationName[], seed: c.seed, init: c.init });
    history = [];
    say(`New network ${c.sizes.join("-")} from seed ${c.seed}.`);
    draw();
    return true;
  };

  /** Runs `epochs` epochs, continuing the last fit; false (and paused) when training diverged. */
  const trainEpochs = (epochs: number): boolean => {
    // Options that change mid-run (rate, optimizer, batch size) apply from the next epoch on.
    const c = readConfig();
    if (typeof c !== "string") config = { ...config, fit: c.fit };
    try {
      history.push(...net.fit(Xs, y, { ...config.fit, epochs }).loss);
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
    const epochs = Number(speed.input.value);
    const ok = trainEpochs(epochs);
    draw();
    stats.ms += performance.now() - t0;
    stats.frames++;
    if (ok) stats.epochs += epochs;
    if (running) frame = requestAnimationFrame(loop);
  };

  function train() {
    if (running) return;
    running = true;
    runningSince = performance.now();
    const hadFocus = document.activeElement === trainBtn;
    trainBtn.disabled = true;
    pauseBtn.disabled = false;
    if (hadFocus) pauseBtn.focus(); // a disabled button drops the focus: hand it to Pause
    say("Training…");
    frame = requestAnimationFrame(loop);
  }
  function pause() {
    if (!running) {
      pauseBtn.disabled = true;
      trainBtn.disabled = false;
      return;
    }
    running = false;
    stats.wallMs += performance.now() - runningSince;
    cancelAnimationFrame(frame);
    const hadFocus = document.activeElement === pauseBtn;
    trainBtn.disabled = false;
    pauseBtn.disabled = true;
    if (hadFocus) trainBtn.focus();
    say(`Paused at epoch ${history.length}, loss ${fmtLoss(history.at(-1))}.`);
  }
  function step() {
    pause();
    if (trainEpochs(1)) say(`Epoch ${history.length}: loss ${fmtLoss(history.at(-1))}, accuracy ${pct(accuracy())}.`);
    draw();
  }

  // --- drawing
  const gridXs = linspace(-EXTENT, EXTENT, RES);
  const grid = new Matrix(RES * RES, 2);
  for (let i = 0; i < RES; i++) {
    for (let j = 0; j < RES; j++) {
      grid.set(i * RES + j, 0, gridXs[j] * inputScale);
      grid.set(i * RES + j, 1, gridXs[i] * inputScale);
    }
  }
  const image = document.createElement("canvas");
  image.width = RES;
  image.height = RES;
  const imageCtx = image.getContext("2d") as CanvasRenderingContext2D;
  const pixels = imageCtx.createImageData(RES, RES);

  const accuracy = () => {
    const p = net.predict(Xs).data;
    let right = 0;
    for (let i = 0; i < n; i++) if ((p[i] >= 0.5 ? 1 : 0) === y.data[i]) right++;
    return right / n;
  };

  function draw() {
    const out = net.predict(grid).data;
    // row i of the grid is y = gridXs[i]; the image's row 0 is the top, the largest y.
    for (let i = 0; i < RES; i++) for (let j = 0; j < RES; j++) probabilityColor(out[i * RES + j], pixels.data, ((RES - 1 - i) * RES + j) * 4);
    imageCtx.putImageData(pixels, 0, 0);
    const b = boundary, c = b.ctx;
    b.clear();
    c.imageSmoothingEnabled = true;
    // each grid value is the colour at a cell's centre: stretch the image half a cell past the grid
    const half = (b.plotW / (RES - 1)) / 2;
    b.clip();
    c.drawImage(image, b.margin.l - half, b.margin.t - half, b.plotW + 2 * half, b.plotH + 2 * half);
    c.strokeStyle = "#222";
    c.lineWidth = 2;
    c.beginPath();
    for (const [ax, ay, bx, by] of contourSegments(out, gridXs, gridXs, 0.5)) {
      c.moveTo(b.px(ax), b.py(ay));
      c.lineTo(b.px(bx), b.py(by));
    }
    c.stroke();
    for (let i = 0; i < n; i++) {
      c.fillStyle = y.data[i] === 1 ? "#ff7f0e" : "#1f77b4";
      c.strokeStyle = "#fff";
      c.lineWidth = 0.8;
      c.beginPath();
      c.arc(b.px(X.data[2 * i]), b.py(X.data[2 * i + 1]), 3, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
    }
    if (lines.input.checked) drawUnitLines();
    b.unclip();
    b.axes("x₁", "x₂", 4, (v) => String(Math.round(v)));

    const acc = accuracy();
    const last = history.at(-1);
    readout.textContent = `epoch ${history.length}   loss ${fmtLoss(last)}   accuracy ${pct(acc)}`;
    b.el.setAttribute("aria-label", `Decision boundary of the ${config.sizes.join("-")} network after ${history.length} epochs: ${pct(acc)} of the 300 points on the right side.`);
    b.el.dataset.epoch = String(history.length);
    drawLoss();
  }

  /** Unit j of the first hidden layer is 0 on the line w1j·s·x1 + w2j·s·x2 + bj = 0 (s: the input scale). */
  function drawUnitLines() {
    const layer = net.layers[0];
    const b = boundary, c = b.ctx;
    c.setLineDash([6, 4]);
    c.lineWidth = 1.5;
    c.font = "bold 11px system-ui, sans-serif";
    for (let j = 0; j < layer.nOut; j++) {
      const w1 = layer.W.get(0, j) * inputScale, w2 = layer.W.get(1, j) * inputScale, bj = layer.b ? layer.b.get(0, j) : 0;
      let p1: [number, number], p2: [number, number];
      if (Math.abs(w2) > Math.abs(w1)) {
        p1 = [-EXTENT, (-bj - w1 * -EXTENT) / w2];
        p2 = [EXTENT, (-bj - w1 * EXTENT) / w2];
      } else if (w1 !== 0) {
        p1 = [(-bj - w2 * -EXTENT) / w1, -EXTENT];
        p2 = [(-bj - w2 * EXTENT) / w1, EXTENT];
      } else continue;
      c.strokeStyle = "rgba(60, 60, 60, 0.85)";
      c.beginPath();
      c.moveTo(b.px(p1[0]), b.py(p1[1]));
      c.lineTo(b.px(p2[0]), b.py(p2[1]));
      c.stroke();
      // the label sits at the point of the line nearest the centre
      const d = (w1 * w1 + w2 * w2) || 1;
      const [lx, ly] = [(-bj * w1) / d, (-bj * w2) / d];
      c.fillStyle = "#222";
      c.fillText(String(j + 1), b.px(lx) + 4, b.py(ly) - 4);
    }
    c.setLineDash([]);
  }

  function drawLoss() {
    const p = lossPlot, c = p.ctx;
    const count = history.length;
    p.x0 = 1;
    p.x1 = Math.max(10, count);
    p.y0 = 0;
    p.y1 = Math.max(0.1, ...(count > 0 ? [Math.min(2, Math.max(...history.slice(0, 50)))] : [1])) * 1.05;
    p.clear();
    p.axes("epoch", "loss", 4, (v) => (p.y1 < 1 ? String(Math.round(v * 100) / 100) : String(Math.round(v * 10) / 10)));
    p.clip();
    c.strokeStyle = "#d62728";
    c.lineWidth = 2;
    c.beginPath();
    // at most one point per pixel column: the loss at the last epoch that lands there
    const step = Math.max(1, Math.floor(count / p.plotW));
    for (let e = 0; e < count; e += step) {
      const X1 = p.px(e + 1), Y1 = p.py(history[e]);
      if (e === 0) c.moveTo(X1, Y1);
      else c.lineTo(X1, Y1);
    }
    if (count > 0) c.lineTo(p.px(count), p.py(history[count - 1]));
    c.stroke();
    p.unclip();
    p.el.setAttribute("aria-label", count === 0 ? "Loss curve: no epoch trained yet." : `Loss curve over ${count} epochs, from ${fmtLoss(history[0])} to ${fmtLoss(history[count - 1])}.`);
    p.el.dataset.epochs = String(count);
  }

  // --- wiring
  trainBtn.addEventListener("click", train);
  pauseBtn.addEventListener("click", pause);
  stepBtn.addEventListener("click", step);
  resetBtn.addEventListener("click", () => reset());
  for (const control of [hidden.input, activation.input, seed.input]) control.addEventListener("change", () => reset());
  lines.input.addEventListener("change", () => draw());
  pauseBtn.disabled = true;
  if (!reset()) throw new Error(message.textContent ?? "circle-playground: bad options");

  return {
    config: () => JSON.parse(JSON.stringify(config)) as PlaygroundConfig,
    epoch: () => history.length,
    losses: () => history.slice(),
    weights: () => net.layers.map((l) => ({ W: l.W.toArray(), b: l.b ? l.b.toFlatArray() : null })),
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

const fmtLoss = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(4));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
