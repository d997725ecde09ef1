/**
 * The `descent` widget (notebook 03): the loss over two weights of a network, every other
 * parameter held fixed, as a map. Click a start point (or type it and press the button) and
 * watch gradient descent walk from it, one step per animation frame, with the gradient from the
 * library's backpropagation (`Network.gradients`). A slider sets the learning rate.
 *
 * Options: a network (its `toJSON()`, or any `Network.fromJSON` input), the data X and y, which two
 * weights to vary, the map's range. Without them: article 000's four people and a 2-2-1 sigmoid
 * network whose nine parameters are RandomState(0)'s first nine normals, w5 and w6 varied (as in 03).
 */
import { people } from "../../data/datasets";
import type { LossName } from "../../core/losses";
import { Matrix } from "../../core/matrix";
import { Network, NetworkJSON } from "../../core/network";
import { RandomState } from "../../numerics/random";
import { button, Canvas, contourSegments, figure, h, linspace, rampColor, slider, textInput } from "./ui";

/** One weight: W[row][col] of layer `layer` (0 is the first hidden layer). */
export interface WeightRef {
  layer: number;
  row: number;
  col: number;
  name?: string;
}

export interface DescentOptions {
  network?: NetworkJSON | unknown;
  X?: number[][];
  y?: number[][] | number[];
  /** The two weights on the map's axes (default: the last layer's W[0][0] and W[1][0]). */
  weights?: [WeightRef, WeightRef];
  /** The map covers [range[0], range[1]] on both axes (default [-8, 8]). */
  range?: [number, number];
  learningRate?: number;
  loss?: LossName;
  /** Steps of gradient descent per click (default 200). */
  steps?: number;
  /** Start the path here (default: the network's own two weights). */
  start?: [number, number];
}

export interface DescentController {
  /** The points visited so far, start first, and each one's loss. */
  path(): { w: [number, number]; loss: number }[];
  running(): boolean;
  start(w1: number, w2: number): void;
  destroy(): void;
}

const RES = 72;

export function mountDescent(root: HTMLElement, options: DescentOptions = {}): DescentController {
  const { network, X, y } = problem(options);
  const last = network.layers.length - 1;
  const refs: [WeightRef, WeightRef] = options.weights ?? [
    { layer: last, row: 0, col: 0, name: "w5" },
    { layer: last, row: 1, col: 0, name: "w6" },
  ];
  const names = refs.map((r, k) => r.name ?? `W${r.layer + 1}[${r.row}][${r.col}] (${k === 0 ? "x" : "y"})`);
  for (const r of refs) {
    const layer = network.layers[r.layer];
    if (!layer || r.row < 0 || r.row >= layer.W.rows || r.col < 0 || r.col >= layer.W.cols) {
      throw new RangeError(`descent: no weight W[${r.row}][${r.col}] in layer ${r.layer}`);
    }
  }
  const loss: LossName = options.loss ?? "mse";
  const [lo, hi] = options.range ?? [-8, 8];
  const maxSteps = options.steps ?? 200;
  const setWeights = (a: number, b: number) => {
    network.layers[refs[0].layer].W.set(refs[0].row, refs[0].col, a);
    network.layers[refs[1].layer].W.set(refs[1].row, refs[1].col, b);
  };
  const lossAt = (a: number, b: number) => {
    setWeights(a, b);
    return network.evaluate(X, y, loss);
  };
  const gradientAt = (a: number, b: number): [number, number] => {
    setWeights(a, b);
    const g = network.gradients(X, y, loss);
    return [g[refs[0].layer].dW.get(refs[0].row, refs[0].col), g[refs[1].layer].dW.get(refs[1].row, refs[1].col)];
  };
  const own: [number, number] = options.start ?? [
    network.layers[refs[0].layer].W.get(refs[0].row, refs[0].col),
    network.layers[refs[1].layer].W.get(refs[1].row, refs[1].col),
  ];

  // --- controls
  const lr = slider("learning rate", {
    name: "learningRate", min: -2, max: 2, step: 0.1, value: Math.log10(options.learningRate ?? 1),
    fromRaw: (raw) => Number((10 ** raw).toPrecision(2)), format: (v) => String(v),
  });
  const startA = textInput(`start ${names[0]}`, "startA", own[0].toFixed(2), { inputmode: "decimal" });
  const startB = textInput(`start ${names[1]}`, "startB", own[1].toFixed(2), { inputmode: "decimal" });
  const go = button("Descend from this start", "descend");
  const stop = button("Stop", "stop");
  const readout = h("div", { class: "snw-readout snw-progress" });
  const message = h("div", { class: "snw-readout", role: "status", "aria-live": "polite" });
  const map = new Canvas(420, 400, lo, hi, lo, hi, { l: 40, r: 10, t: 10, b: 34 }, "");
  map.el.style.cursor = "crosshair";
  root.append(
    h("div", { class: "snw-controls", role: "group", "aria-label": "gradient descent settings" }, lr.wrap, startA.wrap, startB.wrap, go, stop),
    readout,
    figure(map, `The ${loss.toUpperCase()} over (${names[0]}, ${names[1]}), the other parameters fixed: dark is low. Click a point to start there.`),
    message,
  );

  // --- the map, computed once
  const axis = linspace(lo, hi, RES);
  const values = new Float64Array(RES * RES);
  let vmin = Infinity, vmax = -Infinity;
  for (let i = 0; i < RES; i++) {
    for (let j = 0; j < RES; j++) {
      const v = lossAt(axis[j], axis[i]);
      values[i * RES + j] = v;
      vmin = Math.min(vmin, v);
      vmax = Math.max(vmax, v);
    }
  }
  const image = document.createElement("canvas");
  image.width = RES;
  image.height = RES;
  const ictx = image.getContext("2d") as CanvasRenderingContext2D;
  const pixels = ictx.createImageData(RES, RES);
  for (let i = 0; i < RES; i++) for (let j = 0; j < RES; j++) rampColor((values[i * RES + j] - vmin) / (vmax - vmin || 1), pixels.data, ((RES - 1 - i) * RES + j) * 4);
  ictx.putImageData(pixels, 0, 0);
  const levels = linspace(vmin, vmax, 12).slice(1, -1);
  const isolines = levels.map((level) => contourSegments(values, axis, axis, level));

  // --- the walk
  let path: { w: [number, number]; loss: number }[] = [];
  let frame = 0;
  let active = false;
  const finish = (why: string) => {
    active = false;
    cancelAnimationFrame(frame);
    go.disabled = false;
    stop.disabled = true;
    const end = path[path.length - 1];
    say(`${why} after ${path.length - 1} steps at ${names[0]} = ${end.w[0].toFixed(3)}, ${names[1]} = ${end.w[1].toFixed(3)}, loss ${end.loss.toFixed(4)}.`);
    draw();
  };
  const tick = () => {
    if (!active) return;
    const rate = lr.value();
    const [a, b] = path[path.length - 1].w;
    const [ga, gb] = gradientAt(a, b);
    const next: [number, number] = [a - rate * ga, b - rate * gb];
    const l = lossAt(next[0], next[1]);
    if (!Number.isFinite(l) || !Number.isFinite(next[0]) || !Number.isFinite(next[1])) return finish("Diverged");
    path.push({ w: next, loss: l });
    draw();
    if (path.length - 1 >= maxSteps) return finish("Stopped");
    if (Math.hypot(rate * ga, rate * gb) < 1e-6) return finish("Converged");
    frame = requestAnimationFrame(tick);
  };
  function start(a: number, b: number) {
    cancelAnimationFrame(frame);
    startA.input.value = a.toFixed(2);
    startB.input.value = b.toFixed(2);
    path = [{ w: [a, b], loss: lossAt(a, b) }];
    active = true;
    go.disabled = true;
    stop.disabled = false;
    say(`Descending from ${names[0]} = ${a.toFixed(2)}, ${names[1]} = ${b.toFixed(2)} with learning rate ${lr.value()}…`);
    frame = requestAnimationFrame(tick);
  }
  const say = (text: string, error = false) => {
    message.textContent = text;
    message.classList.toggle("snw-error", error);
  };

  function draw() {
    const c = map.ctx;
    map.clear();
    map.clip();
    const half = map.plotW / (RES - 1) / 2;
    c.imageSmoothingEnabled = true;
    c.drawImage(image, map.margin.l - half, map.margin.t - half, map.plotW + 2 * half, map.plotH + 2 * half);
    c.strokeStyle = "rgba(255, 255, 255, 0.45)";
    c.lineWidth = 1;
    c.beginPath();
    for (const segs of isolines) for (const [ax, ay, bx, by] of segs) {
      c.moveTo(map.px(ax), map.py(ay));
      c.lineTo(map.px(bx), map.py(by));
    }
    c.stroke();
    if (path.length > 0) {
      c.strokeStyle = "#ff3b30";
      c.lineWidth = 2;
      c.beginPath();
      path.forEach((p, k) => (k === 0 ? c.moveTo(map.px(p.w[0]), map.py(p.w[1])) : c.lineTo(map.px(p.w[0]), map.py(p.w[1]))));
      c.stroke();
      const [s, e] = [path[0], path[path.length - 1]];
      c.fillStyle = "#fff";
      c.strokeStyle = "#000";
      c.beginPath();
      c.arc(map.px(s.w[0]), map.py(s.w[1]), 5, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
      c.fillStyle = "#ff3b30";
      c.beginPath();
      c.arc(map.px(e.w[0]), map.py(e.w[1]), 4, 0, 2 * Math.PI);
      c.fill();
    }
    map.unclip();
    map.axes(names[0], names[1], 4);
    const end = path[path.length - 1];
    readout.textContent = end
      ? `step ${path.length - 1}   ${names[0]} = ${end.w[0].toFixed(3)}   ${names[1]} = ${end.w[1].toFixed(3)}   loss ${end.loss.toFixed(4)}`
      : `Click the map, or type a start and press “Descend from this start”.`;
    map.el.setAttribute("aria-label", `Map of the loss over ${names[0]} and ${names[1]} from ${lo} to ${hi}` +
      (end ? `; the path has ${path.length - 1} steps and ends at loss ${end.loss.toFixed(4)}.` : "."));
    map.el.dataset.steps = String(Math.max(0, path.length - 1));
  }

  map.el.addEventListener("click", (ev) => {
    const rect = map.el.getBoundingClientRect();
    // rect is on screen, scaled when the page is (reveal.js scales its slides): back to CSS pixels
    const [a, b] = map.toData(((ev.clientX - rect.left) * map.width) / rect.width, ((ev.clientY - rect.top) * map.height) / rect.height);
    if (a < lo || a > hi || b < lo || b > hi) return;
    start(a, b);
  });
  go.addEventListener("click", () => {
    const a = Number(startA.input.value), b = Number(startB.input.value);
    if (!Number.isFinite(a) || !Number.isFinite(b) || startA.input.value.trim() === "" || startB.input.value.trim() === "") {
      say(`Give the start as two numbers, for example ${own[0].toFixed(2)} and ${own[1].toFixed(2)}.`, true);
      return;
    }
    start(a, b);
  });
  stop.addEventListener("click", () => active && finish("Stopped"));
  stop.disabled = true;
  draw();

  return {
    path: () => path.map((p) => ({ w: [p.w[0], p.w[1]] as [number, number], loss: p.loss })),
    running: () => active,
    start,
    destroy() {
      active = false;
      cancelAnimationFrame(frame);
      root.replaceChildren();
    },
  };
}

/** The network and data: from the options, or notebook 03's four people and 2-2-1 network. */
function problem(options: DescentOptions): { network: Network; X: Matrix; y: Matrix } {
  if (options.network !== undefined) {
    if (!options.X || !options.y) throw new TypeError("descent: with a network, give its data X and y too");
    const X = Matrix.from(options.X);
    const y = Array.isArray(options.y[0]) ? Matrix.from(options.y as number[][]) : Matrix.column(options.y as number[]);
    return { network: Network.fromJSON(options.network), X, y };
  }
  const data = people();
  const rng = new RandomState(0);
  const [w1, w2, w3, w4, w5, w6, b1, b2, b3] = Array.from({ length: 9 }, () => rng.randn() as number);
  const network = Network.fromJSON({ layers: [
    { weights: [[w1, w3], [w2, w4]], biases: [b1, b2], activation: "sigmoid" },
    { weights: [[w5], [w6]], biases: [b3], activation: "sigmoid" },
  ] });
  return { network, X: data.X, y: data.y };
}
