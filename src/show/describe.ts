/**
 * Text alternatives for the course's pictures, written from their data: a plotly figure's traces
 * (lines, points, bars, contours, heatmaps) and a hand-drawn SVG. A screen reader, or anyone who
 * cannot see a chart, reads what the chart shows: its kind, its range, where a curve rises, falls
 * or peaks, how many points each class has.
 * Leaves out: judgement. A description says what is in the data, never what it means.
 */

/** The parts of a plotly figure a description reads (src/show/plot.ts's Figure has this shape). */
export interface DescribableFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  /** Replaces the description written from the data. */
  description?: string;
  /** What the builder knows that the traces do not say (e.g. how many points a model gets right). */
  summary?: string;
}

/** At most this many traces are described one by one; the rest are counted. */
const MAX_TRACES = 6;

/**
 * One paragraph describing a figure: its kind and title, then each trace.
 *
 * @example
 * describeFigure(linePlot([{ name: "sigmoid(x)", x, y }], { xLabel: "x" }))
 * // "Line chart. The x axis runs from −8 to 8. sigmoid(x) rises from 0.000335 to 1."
 */
export function describeFigure(fig: DescribableFigure): string {
  if (fig.description) return fig.description;
  const title = unescapePlotly(textOf(fig.layout.title));
  const xName = unescapePlotly(textOf((fig.layout.xaxis as Record<string, unknown> | undefined)?.title)) || "x";
  const yName = unescapePlotly(textOf((fig.layout.yaxis as Record<string, unknown> | undefined)?.title)) || "y";
  const traces = fig.data.filter((t) => t.visible !== false);
  const kinds = new Set(traces.map(kindOf));
  const kind = kinds.size === 1 ? KIND_NAMES[[...kinds][0]] : kinds.has("contour") ? "Contour map" : kinds.has("heatmap") ? "Heatmap" : "Chart";
  const parts = [`${kind}${title ? `: ${title}` : ""}.`];
  if (fig.summary) parts.push(sentence(fig.summary));

  // One x range for the whole chart when every trace is a line over it; else each line says its own.
  const lines = traces.filter((t) => kindOf(t) === "line");
  const lineRange = lines.length === traces.length ? sharedRange(lines.map((t) => numbers(t.x, numbers(t.y).length))) : undefined;
  if (lines.length > 0 && lineRange) parts.push(`The ${xName} axis runs from ${fmt(lineRange[0])} to ${fmt(lineRange[1])}.`);
  const shown = traces.slice(0, MAX_TRACES);
  for (const trace of shown) {
    const text = describeTrace(trace, xName, yName, lineRange !== undefined);
    if (text) parts.push(sentence(text));
  }
  if (traces.length > shown.length) parts.push(`And ${traces.length - shown.length} more.`);
  return parts.join(" ");
}

type Kind = "line" | "points" | "bar" | "contour" | "heatmap" | "other";
const KIND_NAMES: Record<Kind, string> = {
  line: "Line chart", points: "Scatter plot", bar: "Bar chart", contour: "Contour map", heatmap: "Heatmap", other: "Chart",
};

function kindOf(trace: Record<string, unknown>): Kind {
  const type = trace.type ?? "scatter";
  if (type === "scatter" || type === "scattergl") return String(trace.mode ?? "lines").includes("lines") ? "line" : "points";
  if (type === "bar" || type === "contour" || type === "heatmap") return type;
  return "other";
}

function describeTrace(trace: Record<string, unknown>, xName: string, yName: string, rangeSaid: boolean): string {
  const name = unescapePlotly(String(trace.name ?? "")) || "values";
  switch (kindOf(trace)) {
    case "line": return describeLine(name, trace, xName, rangeSaid);
    case "points": return describePoints(name, trace, xName, yName);
    case "bar": return describeBars(name, trace, xName);
    case "contour": return describeGrid(name, trace, xName, yName, true);
    case "heatmap": return describeGrid(name, trace, xName, yName, false);
    default: return `${name}: a ${String(trace.type)} trace`;
  }
}

function describeLine(name: string, trace: Record<string, unknown>, xName: string, rangeSaid: boolean): string {
  const y = numbers(trace.y);
  const x = numbers(trace.x, y.length);
  const pts = y.map((v, i) => [x[i], v]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length === 0) return `${name}: no finite values`;
  const ys = pts.map((p) => p[1]);
  const span = rangeSaid ? "" : ` over ${xName} from ${fmt(pts[0][0])} to ${fmt(pts[pts.length - 1][0])}`;
  const first = ys[0], last = ys[ys.length - 1];
  const hi = argExtreme(ys, 1), lo = argExtreme(ys, -1);
  const at = (i: number) => `${xName} = ${fmt(pts[i][0])}`;
  if (ys.every((v) => v === first)) return `${name} stays at ${fmt(first)}${span}`;
  if (monotone(ys, 1)) return `${name} rises from ${fmt(first)} to ${fmt(last)}${span}`;
  if (monotone(ys, -1)) return `${name} falls from ${fmt(first)} to ${fmt(last)}${span}`;
  if (monotone(ys.slice(0, hi + 1), 1) && monotone(ys.slice(hi), -1)) {
    return `${name} peaks at ${fmt(ys[hi])} at ${at(hi)}${span}, from ${fmt(first)} and back to ${fmt(last)}`;
  }
  if (monotone(ys.slice(0, lo + 1), -1) && monotone(ys.slice(lo), 1)) {
    return `${name} is lowest, ${fmt(ys[lo])}, at ${at(lo)}${span}, from ${fmt(first)} and back up to ${fmt(last)}`;
  }
  return `${name} goes from ${fmt(first)} to ${fmt(last)}${span}, lowest ${fmt(ys[lo])} at ${at(lo)}, highest ${fmt(ys[hi])} at ${at(hi)}`;
}

function describePoints(name: string, trace: Record<string, unknown>, xName: string, yName: string): string {
  const x = numbers(trace.x), y = numbers(trace.y);
  const n = Math.min(x.length, y.length);
  if (n === 0) return `${name}: no points`;
  if (n <= 3) {
    const at = Array.from({ length: n }, (_, i) => `(${xName} = ${fmt(x[i])}, ${yName} = ${fmt(y[i])})`);
    return `${name}: ${n === 1 ? "a point" : `${n} points`} at ${at.join(", ")}`;
  }
  const [x0, x1] = range(x.slice(0, n)), [y0, y1] = range(y.slice(0, n));
  return `${name}: ${n} points, ${xName} from ${fmt(x0)} to ${fmt(x1)}, ${yName} from ${fmt(y0)} to ${fmt(y1)}`;
}

function describeBars(name: string, trace: Record<string, unknown>, xName: string): string {
  const y = numbers(trace.y);
  const x = numbers(trace.x, y.length);
  if (y.length === 0) return `${name}: no bars`;
  const hi = argExtreme(y, 1);
  const total = y.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
  return `${name}: ${y.length} bars over ${xName} from ${fmt(x[0])} to ${fmt(x[x.length - 1])}, the highest ${fmt(y[hi])} at ${xName} = ${fmt(x[hi])}, ${fmt(total)} in all`;
}

function describeGrid(name: string, trace: Record<string, unknown>, xName: string, yName: string, contour: boolean): string {
  const z = Array.isArray(trace.z) ? (trace.z as unknown[]).map((row) => (Array.isArray(row) ? row.map((v) => (typeof v === "number" ? v : NaN)) : [])) : [];
  const rows = z.length, cols = rows > 0 ? z[0].length : 0;
  const contours = (trace.contours ?? {}) as Record<string, unknown>;
  if (contour && contours.coloring === "none" && contours.start === contours.end && typeof contours.start === "number") {
    return `${name}: a line where the value is ${fmt(contours.start)}`;
  }
  const cells: { v: number; i: number; j: number }[] = [];
  z.forEach((row, i) => row.forEach((v, j) => Number.isFinite(v) && cells.push({ v, i, j })));
  if (cells.length === 0) return `${name}: no values`;
  const xs = axisLabels(trace.x, cols), ys = axisLabels(trace.y, rows);
  const where = (c: { i: number; j: number }) => `${xName} = ${xs[c.j]}, ${yName} = ${ys[c.i]}`;
  const lo = cells.reduce((a, b) => (b.v < a.v ? b : a)), hi = cells.reduce((a, b) => (b.v > a.v ? b : a));
  const categories = [trace.x, trace.y].some((a) => Array.isArray(a) && a.some((v) => typeof v === "string"));
  const over = categories
    ? ` in a table of ${rows} rows (${yName}) by ${cols} columns (${xName})`
    : contour || Array.isArray(trace.x) || ArrayBuffer.isView(trace.x)
      ? ` over ${xName} from ${xs[0]} to ${xs[cols - 1]} and ${yName} from ${ys[0]} to ${ys[rows - 1]}`
      : ` in a grid of ${rows} by ${cols}`;
  const distinct = [...new Set(cells.map((c) => c.v))];
  if (!contour && !categories && distinct.length <= 10 && distinct.every(Number.isInteger)) {
    // a map of classes: how much of the area each one takes
    const share = distinct.sort((a, b) => a - b).map((v) => `${fmt(v)} on ${percent(cells.filter((c) => c.v === v).length, cells.length)}`);
    return `${name}${over}: ${share.join(", ")} of the area`;
  }
  let text = `${name}${over}: from ${fmt(lo.v)} at ${where(lo)} to ${fmt(hi.v)} at ${where(hi)}`;
  const labelled = categories && rows === cols && xs.every((l, k) => l === ys[k]);
  if (!contour && labelled) {
    // a square table with the same labels on both sides, such as a confusion matrix
    const diagonal = z.reduce((s, row, d) => s + (Number.isFinite(row[d]) ? row[d] : 0), 0);
    const total = cells.reduce((s, c) => s + c.v, 0);
    text += `; the diagonal (${xName} equal to ${yName}) holds ${fmt(diagonal)} of ${fmt(total)} (${percent(diagonal, total)})`;
  }
  return text;
}

/**
 * An SVG picture with its text alternative: `role="img"`, a `<title>` and a `<desc>` as its first
 * children, tied to it by aria-labelledby (ids made unique with `id`).
 *
 * @example
 * tslab.display.html(svgWithText(svg, "The 2-2-1 network", networkDescription(names, values, weights, biases)));
 */
export function svgWithText(svg: string, title: string, description: string, id = `scratchnet-svg-${svgIds++}`): string {
  const open = /<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error("svgWithText: no <svg> element in the text");
  const attrs = open[0].replace(/\s(role|aria-labelledby|aria-label)="[^"]*"/g, "").replace(/\s*\/?>$/, "");
  const head = `${attrs} role="img" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>`;
  return svg.slice(0, open.index) + head + svg.slice(open.index + open[0].length);
}
let svgIds = 0;

/**
 * A network drawing in words: each layer's neurons with their values and biases, and each weight.
 *
 * @param names neuron names per layer, inputs first: [["x1", "x2"], ["h1", "h2"], ["o1"]]
 * @param values each neuron's value, same shape as names
 * @param weights weights[l][i][j]: from neuron i of layer l to neuron j of layer l + 1
 * @param biases biases per layer (the inputs' list is empty)
 */
export function networkDescription(names: string[][], values: number[][], weights: number[][][], biases: number[][] = []): string {
  if (values.length !== names.length || weights.length !== names.length - 1) {
    throw new Error(`networkDescription: ${names.length} layers of names, ${values.length} of values, ${weights.length} weight matrices (want ${names.length - 1})`);
  }
  const layerName = (l: number) => (l === 0 ? "Inputs" : l === names.length - 1 ? "Output" : `Hidden layer ${l}`);
  const parts = names.map((layer, l) =>
    `${layerName(l)}: ` + layer.map((n, i) => `${n} = ${fmt(values[l][i])}${biases[l]?.[i] !== undefined ? ` (bias ${fmt(biases[l][i])})` : ""}`).join(", ") + ".",
  );
  const edges = weights.map((W, l) => W.flatMap((row, i) => row.map((w, j) => `${names[l][i]} to ${names[l + 1][j]} ${fmt(w)}`)).join(", "));
  return `A network of ${names.length} layers (${names.map((l) => l.length).join("-")}). ${parts.join(" ")} Weights: ${edges.join("; ")}.`;
}

/** A number for reading aloud: up to 3 significant digits, no exponent for everyday sizes, a real minus sign. */
function fmt(v: unknown): string {
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "infinity" : "minus infinity";
  let s: string;
  if (Number.isInteger(v) && Math.abs(v) < 1e7) s = String(v);
  else if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e7) s = String(Number(v.toPrecision(3)));
  else s = v.toPrecision(3).replace(/\.?0+e/, "e");
  return s.replace(/^-/, "\u2212");
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${fmt(Math.round((1000 * part) / whole) / 10)}%`;
}

function textOf(title: unknown): string {
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") return (title as { text: string }).text;
  return "";
}

// plot.ts escapes &, < and > in text for plotly; a description is plain text again.
function unescapePlotly(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** Numbers of an array-like (typed arrays too); `fill` indices 0.. when it is absent. */
function numbers(v: unknown, fill = 0): number[] {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, (a) => (typeof a === "number" ? a : Number(a)));
  return Array.from({ length: fill }, (_, i) => i);
}

function axisLabels(v: unknown, n: number): string[] {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, (a) => fmt(a));
  return Array.from({ length: n }, (_, i) => fmt(i));
}

function range(v: number[]): [number, number] {
  const f = v.filter(Number.isFinite);
  return [Math.min(...f), Math.max(...f)];
}

/** The common x range of line traces when they all share one, else undefined. */
function sharedRange(xs: number[][]): [number, number] | undefined {
  const ranges = xs.filter((x) => x.some(Number.isFinite)).map(range);
  if (ranges.length === 0) return undefined;
  return ranges.every(([a, b]) => a === ranges[0][0] && b === ranges[0][1]) ? ranges[0] : undefined;
}

function argExtreme(v: number[], sign: 1 | -1): number {
  let best = -1;
  v.forEach((a, i) => {
    if (Number.isFinite(a) && (best < 0 || sign * a > sign * v[best])) best = i;
  });
  return Math.max(best, 0);
}

function monotone(v: number[], sign: 1 | -1): boolean {
  for (let i = 1; i < v.length; i++) if (sign * (v[i] - v[i - 1]) < 0) return false;
  return true;
}

// Not capitalised: a trace's name (sigmoid(x), w5) is spelled as its author wrote it.
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
