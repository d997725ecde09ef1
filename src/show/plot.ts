/**
 * Plots for the course notebooks: plotly figures shown inline through tslab.
 *
 * The builders (`linePlot`, `lossPlot`, `scatterPlot`, `decisionBoundary`, `imageGrid`) return plain
 * plotly specs, testable without a browser. `showPlot` turns a spec into a `<div>` plus a script, the
 * one kind of output that survives both the live notebook and nbconvert's HTML export. plotly.js is
 * sent once per kernel session, as its own output: inlined when live, or as `<script src>` to a
 * shared asset when SCRATCHNET_PLOTLY_URL is set (`npm run export` sets it).
 * Leaves out: 3-D plots, general subplots, and any interactivity beyond plotly's own.
 */
import { randomBytes } from "crypto";
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { describeFigure } from "./describe";
import { Matrix } from "../core/matrix";

/** One plotly trace, as plotly.js takes it. */
export type Trace = Record<string, unknown>;

/** A plotly figure: what `Plotly.newPlot(div, data, layout)` takes. */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  /**
   * The figure's text alternative, shown as its caption. By default `describeFigure` writes one
   * from the data when the figure is shown, so traces added or changed after building count too.
   */
  description?: string;
  /** A sentence the builder adds to the description written from the data (see decisionBoundary). */
  summary?: string;
}

/** Options every builder takes. Text is shown as text: `<b>` stays the three characters `<b>`. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Height in CSS pixels (default 400). */
  height?: number;
  /** Width in CSS pixels; by default the plot fills the output's width. */
  width?: number;
}

/** One line of a line chart. `x` defaults to 0, 1, 2, ... */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  dash?: "solid" | "dash" | "dot" | "dashdot";
}

/** Points, one per row: a Matrix (n, d) or nested arrays. */
export type Points = Matrix | ArrayLike<ArrayLike<number>>;

/** Class labels: one per point, or a Matrix (n, 1) of labels or (n, k) of one-hot rows / scores. */
export type Labels = Matrix | ArrayLike<number | string>;

/** The class colours, shared by scatter plots and decision boundaries so they agree. */
export const CLASS_COLORS: readonly string[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

/**
 * A line chart with one line per series: a function and its derivative, train and test loss.
 *
 * @example
 * const x = [-4, -2, 0, 2, 4];
 * showPlot(linePlot([{ name: "sigmoid", x, y: x.map(sigmoidOf) }], { xLabel: "x" }));
 */
export function linePlot(series: Series[], options: PlotOptions = {}): Figure {
  if (series.length === 0) throw new Error("linePlot: needs at least one series");
  const data = series.map((s, k) => {
    const x = s.x ?? Array.from({ length: s.y.length }, (_, i) => i);
    if (x.length !== s.y.length) {
      throw new Error(`linePlot: series "${s.name}" has ${x.length} x values and ${s.y.length} y values`);
    }
    return {
      type: "scatter",
      mode: "lines",
      name: plotlyText(s.name),
      x: Array.from(x),
      y: Array.from(s.y),
      line: { color: CLASS_COLORS[k % CLASS_COLORS.length], dash: s.dash ?? "solid" },
    };
  });
  return { data, layout: baseLayout(options, { showlegend: series.length > 1 }) };
}

/**
 * Loss per epoch: one line, or one per named series (`{ train, test }`). Epochs count from 1.
 *
 * @example
 * showPlot(lossPlot(losses, { title: "training loss" }));
 */
export function lossPlot(losses: ArrayLike<number> | Record<string, ArrayLike<number>>, options: PlotOptions = {}): Figure {
  const named: Record<string, ArrayLike<number>> = isArrayLike(losses) ? { loss: losses } : losses;
  const series = Object.keys(named).map((name) => ({
    name,
    y: named[name],
    x: Array.from({ length: named[name].length }, (_, i) => i + 1),
  }));
  return linePlot(series, { xLabel: "epoch", yLabel: "loss", ...options });
}

/**
 * A scatter plot of 2-D points coloured by class, one legend entry per class.
 *
 * @param X points (n, 2)
 * @param y labels, one per point
 * @example
 * showPlot(scatterPlot(X, y, { classNames: ["outside", "inside"] }));
 */
export function scatterPlot(X: Points, y: Labels, options: PlotOptions & { classNames?: string[] } = {}): Figure {
  const rows = pointsOf(X, "scatterPlot");
  const labels = labelsOf(y, rows.length, "scatterPlot");
  return { data: classTraces(rows, labels, options.classNames), layout: baseLayout(options, { showlegend: true }) };
}

/**
 * The decision boundary: a model's output over a grid covering the data, with the data on top.
 *
 * `predict` gets every grid point at once, as a Matrix (resolution², 2), and returns either one
 * number per point (the probability of class 1: drawn as a contour with the 0.5 line) or a
 * Matrix (resolution², k) of class scores (drawn as the argmax class's colour). It is called once
 * more on the data points (n, 2), so the figure's description can say how many it classifies right.
 *
 * @param X points (n, 2); y labels, one per point
 * @example
 * showPlot(decisionBoundary((grid) => net.predict(grid), X, y, { title: "after training" }));
 */
export function decisionBoundary(
  predict: (grid: Matrix) => Matrix | ArrayLike<number>,
  X: Points,
  y: Labels,
  options: PlotOptions & { resolution?: number; margin?: number; classNames?: string[] } = {},
): Figure {
  const rows = pointsOf(X, "decisionBoundary");
  const labels = labelsOf(y, rows.length, "decisionBoundary");
  const resolution = options.resolution ?? 80;
  if (!Number.isInteger(resolution) || resolution < 2) {
    throw new Error(`decisionBoundary: resolution must be an integer >= 2, got ${resolution}`);
  }
  const xs = gridAxis(rows.map((p) => p[0]), resolution, options.margin ?? 0.1);
  const ys = gridAxis(rows.map((p) => p[1]), resolution, options.margin ?? 0.1);
  // grid: (resolution², 2), row i * resolution + j is the point (xs[j], ys[i]), so z[i][j] lines up.
  const grid = new Matrix(resolution * resolution, 2);
  for (let i = 0; i < resolution; i++) {
    for (let j = 0; j < resolution; j++) {
      grid.set(i * resolution + j, 0, xs[j]);
      grid.set(i * resolution + j, 1, ys[i]);
    }
  }
  const out = predict(grid);
  const n = out instanceof Matrix ? out.rows : out.length;
  if (n !== grid.rows) {
    throw new Error(`decisionBoundary: predict returned ${n} rows for ${grid.rows} grid points`);
  }
  const multiClass = out instanceof Matrix && out.cols > 1;
  const values = multiClass ? (out as Matrix).argmaxRows() : out instanceof Matrix ? out.toFlatArray() : Array.from(out);
  const z: number[][] = [];
  for (let i = 0; i < resolution; i++) {
    z.push(values.slice(i * resolution, (i + 1) * resolution).map(round4));
  }
  const background: Trace[] = multiClass
    ? [classHeatmap(xs, ys, z, (out as Matrix).cols)]
    : [
        {
          type: "contour", x: xs, y: ys, z, zmin: 0, zmax: 1, opacity: 0.55, hoverinfo: "skip",
          colorscale: [[0, CLASS_COLORS[0]], [0.5, "#ffffff"], [1, CLASS_COLORS[1]]],
          contours: { start: 0, end: 1, size: 0.1 }, line: { width: 0 },
          colorbar: { title: { text: "output" }, thickness: 12 }, name: "model output",
        },
        {
          type: "contour", x: xs, y: ys, z, showscale: false, hoverinfo: "skip", name: "boundary (0.5)",
          contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" }, line: { color: "#222", width: 2 },
        },
      ];
  const layout = baseLayout(options, { showlegend: true });
  layout.xaxis = { ...(layout.xaxis as object), range: [xs[0], xs[xs.length - 1]] };
  layout.yaxis = { ...(layout.yaxis as object), range: [ys[0], ys[ys.length - 1]] };
  layout.legend = { orientation: "h", y: -0.15 };
  return {
    data: [...background, ...classTraces(rows, labels, options.classNames)],
    layout,
    summary: agreement(predict, rows, labels, multiClass),
  };
}

/**
 * "The model puts 196 of the 200 points in their own class": the sentence a decision boundary's
 * description needs most, which its traces alone do not tell. Numeric labels only (class k is
 * output k, or output >= 0.5 for class 1 of two); "" otherwise.
 */
function agreement(predict: (grid: Matrix) => Matrix | ArrayLike<number>, rows: number[][], labels: (number | string)[], multiClass: boolean): string {
  if (rows.length === 0 || !labels.every((l) => typeof l === "number")) return "";
  const out = predict(Matrix.from(rows));
  const predicted = multiClass
    ? (out as Matrix).argmaxRows()
    : (out instanceof Matrix ? out.toFlatArray() : Array.from(out)).map((v) => (v >= 0.5 ? 1 : 0));
  if (predicted.length !== rows.length) return "";
  const right = predicted.filter((p, i) => p === labels[i]).length;
  return `The model puts ${right} of the ${rows.length} points in their own class`;
}

/**
 * A grid of small grey-scale images (the digits), each with an optional label above it.
 *
 * @param images one flattened image per row, `imageWidth * imageHeight` pixels, row-major; larger = darker
 * @example
 * showPlot(imageGrid(X.pickRows([0, 1, 2]), { imageWidth: 8, labels: ["0", "1", "2"] }));
 */
export function imageGrid(
  images: Points,
  options: { title?: string; imageWidth?: number; imageHeight?: number; columns?: number; labels?: ArrayLike<string | number>; pixelSize?: number } = {},
): Figure {
  const rows = pointsOf(images, "imageGrid", false);
  if (rows.length === 0) throw new Error("imageGrid: no images");
  const size = rows[0].length;
  const w = options.imageWidth ?? Math.round(Math.sqrt(size));
  const h = options.imageHeight ?? size / w;
  if (w * h !== size || !Number.isInteger(h)) {
    throw new Error(`imageGrid: ${size} pixels per image do not make a ${w} x ${h} image; pass imageWidth and imageHeight`);
  }
  if (options.labels && options.labels.length !== rows.length) {
    throw new Error(`imageGrid: ${options.labels.length} labels for ${rows.length} images`);
  }
  const columns = options.columns ?? Math.min(rows.length, 10);
  const gridRows = Math.ceil(rows.length / columns);
  const gapX = 1;
  const gapY = options.labels ? Math.max(2, Math.ceil(h / 2)) : 1; // room for the label above each tile
  const totalW = columns * (w + gapX) - gapX;
  const totalH = gridRows * (h + gapY);
  // One heatmap for the whole grid (null = gap), far lighter than one subplot per image.
  const z: (number | null)[][] = Array.from({ length: totalH }, () => new Array<number | null>(totalW).fill(null));
  const annotations: Record<string, unknown>[] = [];
  rows.forEach((img, k) => {
    if (img.length !== size) throw new Error(`imageGrid: image ${k} has ${img.length} pixels, image 0 has ${size}`);
    const top = Math.floor(k / columns) * (h + gapY) + gapY;
    const left = (k % columns) * (w + gapX);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[top + r][left + c] = round4(img[r * w + c]);
    if (options.labels) {
      annotations.push({
        x: left + (w - 1) / 2, y: top - 0.5, yanchor: "bottom", showarrow: false,
        text: plotlyText(String(options.labels[k])), font: { size: 11 },
      });
    }
  });
  const pixel = options.pixelSize ?? Math.max(3, Math.min(12, Math.floor(480 / totalW)));
  const labels = options.labels ? Array.from(options.labels, String) : [];
  const description =
    `Grid of ${rows.length} grey-scale image${rows.length === 1 ? "" : "s"}` +
    `${options.title ? ` (${options.title})` : ""}, ${w} by ${h} pixels each, in ${gridRows} row${gridRows === 1 ? "" : "s"} of ${columns}` +
    (labels.length ? `; labelled, in reading order: ${labels.join(", ")}.` : ".");
  const margin = { l: 10, r: 10, t: options.title ? 40 : 10, b: 10 };
  const hidden = { visible: false, showgrid: false, zeroline: false };
  return {
    data: [{ type: "heatmap", z, colorscale: [[0, "#ffffff"], [1, "#000000"]], showscale: false, hoverongaps: false }],
    layout: {
      title: options.title ? { text: plotlyText(options.title) } : undefined,
      width: totalW * pixel + margin.l + margin.r,
      height: totalH * pixel + margin.t + margin.b,
      margin,
      xaxis: { ...hidden, range: [-0.5, totalW - 0.5] },
      yaxis: { ...hidden, autorange: "reversed", scaleanchor: "x" },
      annotations,
      plot_bgcolor: "#ffffff",
    },
    description,
  };
}

/** Where figures go: tslab's `display` has this shape. */
export interface Display {
  html(s: string): void;
  latex(s: string): void;
}

/** Something with a `toTex()`, such as a mathjs expression node. */
export interface TexSource {
  toTex(): string;
}

/** A loss chart that redraws in place while a training loop runs; `done()` leaves the final chart. */
export interface LiveLossPlot {
  /** Adds one epoch: a loss, or one value per named series (`{ train, test }`). */
  update(loss: number | Record<string, number>): void;
  /** Draws the final chart (call it after the loop; the export keeps what was drawn last). */
  done(): void;
  /** The values seen so far, per series. */
  readonly losses: Record<string, number[]>;
}

/** Options of `PlotSession`; the defaults are tslab's displays and SCRATCHNET_PLOTLY_URL. */
export interface PlotSessionOptions {
  display?: Display;
  newDisplay?: () => Display;
  /** Load plotly.js from this URL instead of inlining it. */
  plotlyUrl?: string;
}

/**
 * The plotting state of one kernel session: whether plotly.js was sent yet. Notebooks use the
 * module's default session through `showPlot`, `showLatex` and `liveLossPlot`; tests make their own.
 */
export class PlotSession {
  private plotlySent = false;

  constructor(private readonly options: PlotSessionOptions = {}) {}

  /** Shows a figure, sending plotly.js first if this session has not sent it yet. */
  show(fig: Figure): void {
    this.ensurePlotly();
    this.display().html(figureHtml(fig));
  }

  /** Shows a formula: a LaTeX string or a mathjs expression, with an optional left-hand side. */
  latex(expr: string | TexSource, lhs = ""): void {
    const tex = typeof expr === "string" ? expr : expr.toTex();
    this.display().latex(`$$${lhs ? lhs + " " : ""}${tex}$$`);
  }

  /** A loss chart that redraws at most every `intervalMs` milliseconds (default 250). */
  liveLoss(options: PlotOptions & { intervalMs?: number } = {}): LiveLossPlot {
    const { intervalMs = 250, ...plotOptions } = options;
    const losses: Record<string, number[]> = {};
    let out: Display | undefined;
    let last = -Infinity;
    const draw = () => {
      if (Object.keys(losses).length === 0) return;
      if (!out) {
        this.ensurePlotly();
        out = this.newDisplay();
      }
      out.html(figureHtml(lossPlot(losses, plotOptions)));
      last = Date.now();
    };
    return {
      losses,
      update(loss) {
        const values = typeof loss === "number" ? { loss } : loss;
        for (const name of Object.keys(values)) (losses[name] ??= []).push(values[name]);
        if (Date.now() - last >= intervalMs) draw();
      },
      done: draw,
    };
  }

  private ensurePlotly(): void {
    if (this.plotlySent) return;
    this.display().html(plotlyLoaderHtml(this.options.plotlyUrl ?? process.env.SCRATCHNET_PLOTLY_URL));
    this.plotlySent = true;
  }

  private display(): Display {
    return this.options.display ?? tslab().display;
  }

  private newDisplay(): Display {
    return this.options.newDisplay ? this.options.newDisplay() : tslab().newDisplay();
  }
}

let defaultSession: PlotSession | undefined;
function session(): PlotSession {
  return (defaultSession ??= new PlotSession());
}

/** Shows a figure in the notebook. @example showPlot(lossPlot(losses)); */
export function showPlot(fig: Figure): void {
  session().show(fig);
}

/**
 * Shows a formula rendered as LaTeX: a mathjs node (anything with `toTex()`) or a TeX string.
 *
 * @example
 * showLatex(math.derivative("1/(1+e^(-x))", "x"), "\\sigma'(x) =");
 */
export function showLatex(expr: string | TexSource, lhs = ""): void {
  session().latex(expr, lhs);
}

/**
 * A live loss chart for a training loop: `update` every epoch, `done` after the loop.
 *
 * @example
 * const live = liveLossPlot();
 * for (let epoch = 0; epoch < epochs; epoch++) live.update(trainStep());
 * live.done();
 */
export function liveLossPlot(options: PlotOptions & { intervalMs?: number } = {}): LiveLossPlot {
  return session().liveLoss(options);
}

const figureIds = { session: randomBytes(4).toString("hex"), next: 0 };

/**
 * A figure as HTML: a `<figure>` holding a `<div class="scratchnet-plot">` and, as its caption, the
 * figure's description (a screen reader reads the caption; the chart's SVG, a picture of the same
 * numbers, is hidden from it once drawn); then a script that draws the chart once `window.Plotly`
 * exists (the live notebook inserts outputs before attaching them, so both are waited for).
 */
export function figureHtml(fig: Figure, id = `scratchnet-plot-${figureIds.session}-${figureIds.next++}`): string {
  const width = typeof fig.layout.width === "number" ? `${fig.layout.width}px` : "100%";
  const caption = describeFigure(fig);
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 400;
  const spec = scriptJson({ data: fig.data, layout: fig.layout, config: { responsive: true, displaylogo: false } });
  const missing = "plotly.js is not loaded: restart the kernel and run the notebook from the top.";
  return (
    `<figure class="scratchnet-figure" style="margin:0 0 8px 0">\n` +
    `<div id="${escapeHtml(id)}" class="scratchnet-plot" style="width:${width};max-width:100%;height:${height}px"></div>\n` +
    `<figcaption class="scratchnet-caption" style="${CAPTION_STYLE}">${escapeHtml(caption)}</figcaption>\n</figure>\n` +
    `<script>(function () {\n` +
    `  var spec = ${spec}, id = ${scriptJson(id)}, tries = 0;\n` +
    // The drawing repeats the caption as hundreds of SVG fragments (tick labels, legend): hidden
    // from screen readers, while plotly's toolbar buttons stay in reach of the keyboard.
    `  function quiet() {\n` +
    `    var svgs = document.getElementById(id).querySelectorAll("svg.main-svg");\n` +
    `    for (var i = 0; i < svgs.length; i++) svgs[i].setAttribute("aria-hidden", "true");\n` +
    `  }\n` +
    `  (function draw() {\n` +
    `    var el = document.getElementById(id);\n` +
    `    if (el && window.Plotly) {\n` +
    `      window.Plotly.newPlot(el, spec.data, spec.layout, spec.config).then(function () { quiet(); el.on("plotly_afterplot", quiet); });\n` +
    `      return;\n` +
    `    }\n` +
    `    if (++tries > 400) { if (el) el.textContent = ${scriptJson(missing)}; return; }\n` +
    `    setTimeout(draw, 25);\n` +
    `  })();\n` +
    `})();</script>`
  );
}

// Small print in the page's own text colour: JupyterLab's and Notebook 7's variable follows their
// theme (near black on white, near white on the dark theme's #111); where it is not defined (the
// classic Notebook, a plain page) #444 gives 9.7:1 on white. A width that keeps a long description
// readable.
const CAPTION_STYLE =
  "font:13px/1.45 system-ui,sans-serif;color:var(--jp-content-font-color1,#444);max-width:48rem;margin:4px 0 0 0;text-align:left";

/** The HTML that loads plotly.js: a `<script src>` to `url`, or the whole bundle inlined. */
export function plotlyLoaderHtml(url?: string): string {
  if (url) return `<script src="${escapeHtml(url)}"></script>`;
  return `<script>${plotlyBundle().replace(/<\/script/gi, "<\\/script")}</script>`;
}

let bundle: string | undefined;
/**
 * plotly.min.js wrapped so that it always sets `window.Plotly`, even on a page with require.js
 * or a global `module` (the notebook's pages have require.js). The export writes it as an asset.
 */
export function plotlyBundle(): string {
  if (bundle === undefined) {
    const file = join(dirname(require.resolve("plotly.js-dist-min/package.json")), "plotly.min.js");
    bundle = `(function (define, module, exports) {\n${readFileSync(file, "utf8")}\n}).call(window);\n`;
  }
  return bundle;
}

/** Escapes text for HTML: `&`, `<`, `>`, `"` and `'`. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

// plotly reads a few HTML tags in text (<b>, <br>); entities keep user text literal.
function plotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// JSON that is safe inside a <script>: no "</script>", no line separators that end a JS string.
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function baseLayout(options: PlotOptions, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    title: options.title ? { text: plotlyText(options.title) } : undefined,
    xaxis: { title: { text: plotlyText(options.xLabel ?? "") }, zeroline: false },
    yaxis: { title: { text: plotlyText(options.yLabel ?? "") }, zeroline: false },
    height: options.height ?? 400,
    width: options.width,
    margin: { l: 60, r: 20, t: options.title ? 50 : 20, b: 50 },
    ...extra,
  };
}

function classTraces(rows: number[][], labels: (number | string)[], classNames?: string[]): Trace[] {
  const classes = [...new Set(labels)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );
  return classes.map((cls, k) => {
    const idx = labels.flatMap((l, i) => (l === cls ? [i] : []));
    const colorIndex = typeof cls === "number" && Number.isInteger(cls) && cls >= 0 ? cls : k;
    return {
      type: "scatter",
      mode: "markers",
      name: plotlyText(classNames?.[k] ?? `class ${cls}`),
      x: idx.map((i) => rows[i][0]),
      y: idx.map((i) => rows[i][1]),
      marker: { color: CLASS_COLORS[colorIndex % CLASS_COLORS.length], size: 7, line: { color: "#ffffff", width: 1 } },
    };
  });
}

function classHeatmap(xs: number[], ys: number[], z: number[][], k: number): Trace {
  // A step colour scale: class c gets its colour on [c - 0.5, c + 0.5].
  const colorscale: [number, string][] = [];
  for (let c = 0; c < k; c++) {
    const color = CLASS_COLORS[c % CLASS_COLORS.length];
    colorscale.push([c / k, color], [(c + 1) / k, color]);
  }
  return {
    type: "heatmap", x: xs, y: ys, z, zmin: -0.5, zmax: k - 0.5, colorscale,
    opacity: 0.35, showscale: false, hoverinfo: "skip", name: "predicted class",
  };
}

function gridAxis(values: number[], resolution: number, margin: number): number[] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = (hi - lo || 1) * margin;
  lo -= pad;
  hi += pad;
  return Array.from({ length: resolution }, (_, i) => round4(lo + ((hi - lo) * i) / (resolution - 1)));
}

function pointsOf(X: Points, what: string, twoD = true): number[][] {
  const rows = X instanceof Matrix ? X.toArray() : Array.from(X, (r) => Array.from(r));
  if (twoD) {
    const bad = rows.findIndex((r) => r.length !== 2);
    if (bad >= 0) throw new Error(`${what}: points need 2 columns (x, y); row ${bad} has ${rows[bad].length}`);
  }
  return rows;
}

function labelsOf(y: Labels, n: number, what: string): (number | string)[] {
  const labels = y instanceof Matrix ? (y.cols === 1 ? y.toFlatArray() : y.argmaxRows()) : Array.from(y);
  if (labels.length !== n) throw new Error(`${what}: ${labels.length} labels for ${n} points`);
  return labels;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

const OUTSIDE_KERNEL = "plot: showing a figure needs the tslab kernel (run it in a notebook); outside one, use figureHtml()";

function tslab(): { display: Display; newDisplay(): Display } {
  let kernel: { display: Display; newDisplay(): Display };
  try {
    // tslab hands every cell, and every module a cell loads, the kernel's own instance.
    kernel = require("tslab");
  } catch {
    throw new Error(OUTSIDE_KERNEL);
  }
  // Outside a running cell tslab throws a bare "Not ready": say what is wrong instead.
  const guard = (d: Display): Display => {
    const call = (f: () => void) => {
      try {
        f();
      } catch (err) {
        throw err instanceof Error && err.message === "Not ready" ? new Error(OUTSIDE_KERNEL) : err;
      }
    };
    return { html: (s) => call(() => d.html(s)), latex: (s) => call(() => d.latex(s)) };
  };
  return { display: guard(kernel.display), newDisplay: () => guard(kernel.newDisplay()) };
}
