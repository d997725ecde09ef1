/**
 * The widgets' small toolkit: labelled form controls, a canvas with data coordinates, a colour
 * ramp and the 0.5 line of a grid of values (marching squares). Browser-only; no framework.
 * Every control made here is a native <input>, <select> or <button> with a <label>, so it works
 * from the keyboard and is named for a screen reader.
 */

let nextId = 0;
const idPrefix = `snw${Math.floor(Math.random() * 1e6).toString(36)}`;

/** A fresh element id, unique on the page even with several widgets and several notebooks' outputs. */
export function uid(what: string): string {
  return `${idPrefix}-${what}-${nextId++}`;
}

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

/** A labelled range input with its value shown in an <output>. */
export interface Slider {
  wrap: HTMLElement;
  input: HTMLInputElement;
  output: HTMLOutputElement;
  value(): number;
  set(v: number): void;
}

export function slider(
  label: string,
  o: { min: number; max: number; step: number; value: number; name: string; format?: (v: number) => string; fromRaw?: (raw: number) => number },
): Slider {
  const id = uid(o.name);
  const format = o.format ?? ((v: number) => v.toFixed(2));
  const fromRaw = o.fromRaw ?? ((raw: number) => raw);
  const input = h("input", { type: "range", id, name: o.name, min: o.min, max: o.max, step: o.step, value: o.value });
  const output = h("output", { for: id, "aria-hidden": "true" });
  const show = () => {
    const text = format(fromRaw(Number(input.value)));
    output.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };
  input.addEventListener("input", show);
  show();
  const wrap = h("div", { class: "snw-field" }, h("label", { for: id }, label), input, output);
  return {
    wrap, input, output,
    value: () => fromRaw(Number(input.value)),
    set(v: number) {
      input.value = String(v);
      show();
    },
  };
}

/** A labelled <select>. */
export function select(label: string, name: string, options: [string, string][], value: string): { wrap: HTMLElement; input: HTMLSelectElement } {
  const id = uid(name);
  const input = h("select", { id, name });
  for (const [v, text] of options) input.append(h("option", { value: v, ...(v === value ? { selected: true } : {}) }, text));
  input.value = value;
  return { wrap: h("div", { class: "snw-field" }, h("label", { for: id }, label), input), input };
}

/** A labelled text or number input. */
export function textInput(label: string, name: string, value: string, attrs: Record<string, string | number> = {}): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = uid(name);
  const input = h("input", { type: "text", id, name, value, ...attrs });
  return { wrap: h("div", { class: "snw-field" }, h("label", { for: id }, label), input), input };
}

/** A labelled checkbox (label after the box). */
export function checkbox(label: string, name: string, checked: boolean): { wrap: HTMLElement; input: HTMLInputElement } {
  const id = uid(name);
  const input = h("input", { type: "checkbox", id, name, ...(checked ? { checked: true } : {}) });
  return { wrap: h("div", { class: "snw-field snw-check" }, input, h("label", { for: id }, label)), input };
}

export function button(text: string, name: string): HTMLButtonElement {
  return h("button", { type: "button", name, class: "snw-button" }, text);
}

/** A canvas that maps a data rectangle onto its pixels (y up), drawn at the screen's pixel density. */
export class Canvas {
  readonly el: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  readonly width: number;
  readonly height: number;
  /** The data rectangle shown: [x0, x1] x [y0, y1], and the margin in CSS pixels around it. */
  constructor(
    width: number,
    height: number,
    public x0: number,
    public x1: number,
    public y0: number,
    public y1: number,
    readonly margin = { l: 0, r: 0, t: 0, b: 0 },
    label = "",
  ) {
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    this.width = width;
    this.height = height;
    this.el = h("canvas", { width: Math.round(width * ratio), height: Math.round(height * ratio), role: "img", "aria-label": label });
    this.el.style.width = `${width}px`;
    this.el.style.height = `${height}px`;
    this.ctx = this.el.getContext("2d") as CanvasRenderingContext2D;
    this.ctx.scale(ratio, ratio);
  }

  /** The inner plotting area, in CSS pixels. */
  get plotW(): number {
    return this.width - this.margin.l - this.margin.r;
  }
  get plotH(): number {
    return this.height - this.margin.t - this.margin.b;
  }
  px(x: number): number {
    return this.margin.l + ((x - this.x0) / (this.x1 - this.x0)) * this.plotW;
  }
  py(y: number): number {
    return this.margin.t + (1 - (y - this.y0) / (this.y1 - this.y0)) * this.plotH;
  }
  /** Data coordinates of a point given in CSS pixels relative to the canvas. */
  toData(cx: number, cy: number): [number, number] {
    return [
      this.x0 + ((cx - this.margin.l) / this.plotW) * (this.x1 - this.x0),
      this.y0 + (1 - (cy - this.margin.t) / this.plotH) * (this.y1 - this.y0),
    ];
  }
  clear(color = "#ffffff"): void {
    this.ctx.fillStyle = color;
    this.ctx.fillRect(0, 0, this.width, this.height);
  }
  /** Restricts drawing to the plotting area until `unclip`. */
  clip(): void {
    this.ctx.save();
    this.ctx.beginPath();
    this.ctx.rect(this.margin.l, this.margin.t, this.plotW, this.plotH);
    this.ctx.clip();
  }
  unclip(): void {
    this.ctx.restore();
  }
  /** Axis ticks and labels along the bottom and the left of the plotting area. */
  axes(xLabel: string, yLabel: string, ticks = 5, format = (v: number) => String(Math.round(v * 100) / 100)): void {
    const c = this.ctx;
    c.strokeStyle = "#444";
    c.lineWidth = 1;
    c.strokeRect(this.margin.l, this.margin.t, this.plotW, this.plotH);
    c.fillStyle = "#333";
    c.font = "11px system-ui, sans-serif";
    c.textAlign = "center";
    c.textBaseline = "top";
    for (let i = 0; i <= ticks; i++) {
      const x = this.x0 + ((this.x1 - this.x0) * i) / ticks;
      c.fillText(format(x), this.px(x), this.margin.t + this.plotH + 3);
    }
    c.textAlign = "right";
    c.textBaseline = "middle";
    for (let i = 0; i <= ticks; i++) {
      const y = this.y0 + ((this.y1 - this.y0) * i) / ticks;
      c.fillText(format(y), this.margin.l - 4, this.py(y));
    }
    c.textAlign = "center";
    c.textBaseline = "bottom";
    c.fillText(xLabel, this.margin.l + this.plotW / 2, this.height - 1);
    c.save();
    c.translate(11, this.margin.t + this.plotH / 2);
    c.rotate(-Math.PI / 2);
    c.textBaseline = "middle";
    c.fillText(yLabel, 0, 0);
    c.restore();
  }
}

/** A <figure> of a canvas and its caption, no wider than the canvas (so two fit side by side). */
export function figure(canvas: Canvas, caption: string): HTMLElement {
  const f = h("figure", {}, canvas.el, h("figcaption", {}, caption));
  f.style.width = `${canvas.width}px`;
  return f;
}

/** The two classes' colours, as the course's plotly figures use them (plot.ts CLASS_COLORS). */
export const BLUE: [number, number, number] = [0x1f, 0x77, 0xb4];
export const ORANGE: [number, number, number] = [0xff, 0x7f, 0x0e];

/** A colour between blue (p = 0), white (p = 0.5) and orange (p = 1), lightened for a background. */
export function probabilityColor(p: number, out: Uint8ClampedArray, at: number): void {
  const t = Math.max(0, Math.min(1, p));
  const [c, s] = t < 0.5 ? [BLUE, (0.5 - t) * 2] : [ORANGE, (t - 0.5) * 2];
  const k = 0.45 * s; // how much of the class colour over white
  out[at] = 255 + (c[0] - 255) * k;
  out[at + 1] = 255 + (c[1] - 255) * k;
  out[at + 2] = 255 + (c[2] - 255) * k;
  out[at + 3] = 255;
}

/** Viridis-like ramp for t in [0, 1] (dark purple to yellow), a few stops linearly mixed. */
const RAMP: [number, number, number][] = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];
export function rampColor(t: number, out: Uint8ClampedArray, at: number): void {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  for (let k = 0; k < 3; k++) out[at + k] = RAMP[i][k] + (RAMP[i + 1][k] - RAMP[i][k]) * f;
  out[at + 3] = 255;
}

/**
 * Where a grid of values crosses `level`: line segments by marching squares. values[i * nx + j]
 * is the value at (xs[j], ys[i]); each segment is [x1, y1, x2, y2] in the same coordinates.
 */
export function contourSegments(values: ArrayLike<number>, xs: number[], ys: number[], level: number): number[][] {
  const nx = xs.length;
  const segments: number[][] = [];
  const cross = (a: number, b: number) => (level - a) / (b - a);
  for (let i = 0; i + 1 < ys.length; i++) {
    for (let j = 0; j + 1 < nx; j++) {
      const v00 = values[i * nx + j], v01 = values[i * nx + j + 1];
      const v10 = values[(i + 1) * nx + j], v11 = values[(i + 1) * nx + j + 1];
      const pts: number[] = [];
      // the four edges: bottom (00-01), right (01-11), top (10-11), left (00-10)
      if (v00 < level !== v01 < level) pts.push(xs[j] + cross(v00, v01) * (xs[j + 1] - xs[j]), ys[i]);
      if (v01 < level !== v11 < level) pts.push(xs[j + 1], ys[i] + cross(v01, v11) * (ys[i + 1] - ys[i]));
      if (v10 < level !== v11 < level) pts.push(xs[j] + cross(v10, v11) * (xs[j + 1] - xs[j]), ys[i + 1]);
      if (v00 < level !== v10 < level) pts.push(xs[j], ys[i] + cross(v00, v10) * (ys[i + 1] - ys[i]));
      if (pts.length === 4) segments.push(pts);
      else if (pts.length === 8) segments.push(pts.slice(0, 4), pts.slice(4, 8)); // a saddle: either pairing is a fair guess
    }
  }
  return segments;
}

/** n values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** The widgets' stylesheet, added to the page once. Scoped to the widgets' roots. */
export function ensureStyles(): void {
  if (document.getElementById("scratchnet-widget-styles")) return;
  const style = h("style", { id: "scratchnet-widget-styles" });
  style.textContent = `
[data-widget] { font: 14px/1.4 system-ui, sans-serif; color: #222; border: 1px solid #ccc; border-radius: 6px; padding: 10px; margin: 6px 0; background: #fff; max-width: 100%; box-sizing: border-box; text-align: left; }
[data-widget] .snw-row { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: flex-start; }
[data-widget] .snw-controls { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0; }
[data-widget] .snw-field { display: flex; align-items: center; gap: 6px; }
[data-widget] .snw-field label { font-weight: 600; }
[data-widget] .snw-field input[type=range] { width: 140px; }
[data-widget] .snw-field input[type=text] { width: 5.5em; }
[data-widget] .snw-field output { font-variant-numeric: tabular-nums; min-width: 3.5em; }
[data-widget] .snw-button { font: inherit; padding: 3px 12px; border: 1px solid #1565c0; border-radius: 4px; background: #e3f0fc; color: #0d3c73; cursor: pointer; }
[data-widget] .snw-button:disabled { opacity: 0.5; cursor: default; }
[data-widget] :focus-visible { outline: 3px solid #f9a825; outline-offset: 1px; }
[data-widget] .snw-readout { font-variant-numeric: tabular-nums; margin: 4px 0; }
[data-widget] .snw-error { color: #b00020; }
[data-widget] canvas { display: block; }
[data-widget] figure { margin: 0; flex: none; }
[data-widget] figcaption { font-size: 12px; color: #555; }
[data-widget] fieldset.snw-controls { border: 1px solid #ccc; border-radius: 4px; padding: 4px 8px; }
[data-widget] fieldset.snw-controls legend { font-weight: 600; padding: 0 4px; }
[data-widget] .snw-net { position: relative; margin: 6px 0; }
[data-widget] .snw-plots { display: flex; flex-direction: column; gap: 10px; }
[data-widget] .snw-links { position: absolute; left: 0; top: 0; }
[data-widget] .snw-node { position: absolute; width: 36px; height: 36px; padding: 0; margin: 0; border: 1px solid #888; background: #fff; box-sizing: content-box; }
[data-widget] .snw-node canvas { width: 36px; height: 36px; }
[data-widget] button.snw-unit { cursor: pointer; }
[data-widget] button.snw-unit:hover { border-color: #222; }
[data-widget] .snw-node-label { position: absolute; right: 100%; top: 10px; margin-right: 4px; font-size: 12px; white-space: nowrap; }
[data-widget] .snw-col-head { position: absolute; top: 0; text-align: center; font-size: 12px; }
[data-widget] .snw-col-head span { display: block; }
[data-widget] .snw-col-head .snw-button { padding: 0 8px; margin: 2px; }
[data-widget] .snw-code textarea { font: 12px/1.35 ui-monospace, monospace; width: 100%; box-sizing: border-box; }
`;
  document.head.append(style);
}
