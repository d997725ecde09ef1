/**
 * Interactive widgets in a notebook: `showWidget("circle-playground", { hidden: [4, 8] })` shows a
 * widget that runs this library in the reader's browser (the browser build, dist/widgets.js,
 * made by `npm run build` from src/show/widgets/).
 *
 * Like plotly.js for the plots (plot.ts), the bundle is sent once per kernel session as its own
 * output, inlined in a <script>, or as `<script src>` to a shared asset when SCRATCHNET_WIDGETS_URL
 * is set (`npm run export` sets it); then each widget is a <div data-widget="name"> plus a script
 * that mounts it once `window.scratchnetWidgets` exists. Both survive nbconvert's HTML export.
 */
import { existsSync, readFileSync } from "fs";
import { randomBytes } from "crypto";
import { join } from "path";
import { Matrix } from "../core/matrix";
import { Network } from "../core/network";
import { Display, escapeHtml } from "./plot";

/** The widgets of the bundle; each root element carries data-widget="<name>". */
export const WIDGET_NAMES = ["neuron", "circle-playground", "playground", "descent"] as const;
export type WidgetName = (typeof WIDGET_NAMES)[number];

/** Options of the widgets (see src/show/widgets/*.ts); Matrix and Network values are sent as arrays and JSON. */
export type WidgetOptions = Record<string, unknown>;

/** The bundle's path: dist/widgets.js one folder up once compiled, or the project's dist/ from source. */
export function widgetsBundlePath(): string | null {
  for (const file of [join(__dirname, "..", "widgets.js"), join(__dirname, "..", "..", "dist", "widgets.js")]) {
    if (existsSync(file)) return file;
  }
  return null;
}

/** The bundle's text; an error saying how to build it when it is missing. */
export function widgetsBundle(): string {
  const file = widgetsBundlePath();
  if (file === null) throw new Error("showWidget: the browser build dist/widgets.js is missing: run `npm run build`");
  return readFileSync(file, "utf8");
}

/** The HTML that loads the bundle: a `<script src>` to `url`, or the whole bundle inlined. */
export function widgetsLoaderHtml(url?: string): string {
  if (url) return `<script src="${escapeHtml(url)}"></script>`;
  return `<script>${widgetsBundle().replace(/<\/script/gi, "<\\/script")}</script>`;
}

const ids = { session: randomBytes(4).toString("hex"), next: 0 };

/**
 * One widget as HTML: its root <div> (data-widget, the options as JSON in data-widget-options)
 * and a script that mounts it once the bundle has loaded. Without JavaScript the div says so.
 */
export function widgetHtml(name: WidgetName, options: WidgetOptions = {}, id = `scratchnet-widget-${ids.session}-${ids.next++}`): string {
  checkName(name);
  const json = JSON.stringify(plainOptions(options, name));
  const missing = "The widget's script (scratchnet's browser build) did not load: restart the kernel and run the notebook from the top.";
  return (
    `<div id="${escapeHtml(id)}" class="scratchnet-widget" data-widget="${escapeHtml(name)}" data-widget-options="${escapeHtml(json)}">` +
    `<p>The ${escapeHtml(name)} widget needs JavaScript.</p></div>\n` +
    `<script>(function () {\n` +
    `  var id = ${scriptJson(id)}, tries = 0;\n` +
    `  (function mount() {\n` +
    `    var el = document.getElementById(id);\n` +
    `    if (el && el.dataset.widgetMounted) return;\n` +
    `    if (el && window.scratchnetWidgets) {\n` +
    // JupyterLab and Notebook 7 take keys in a notebook as commands (ArrowLeft jumps to the heading
    // above, A inserts a cell), matched on the focused element itself; lumino skips an element
    // marked data-lm-suppress-shortcuts, so each control is marked as it gets focus. The classic
    // Notebook and the exported pages ignore the attribute.
    `      el.addEventListener("focusin", function (e) { e.target.setAttribute("data-lm-suppress-shortcuts", "true"); });\n` +
    `      window.scratchnetWidgets.mount(el, el.dataset.widget, JSON.parse(el.dataset.widgetOptions));\n` +
    `      return;\n` +
    `    }\n` +
    `    if (++tries > 400) { if (el) el.textContent = ${scriptJson(missing)}; return; }\n` +
    `    setTimeout(mount, 25);\n` +
    `  })();\n` +
    `})();</script>`
  );
}

/** Where widgets go: tslab's `display` (or a test's). */
export interface WidgetSessionOptions {
  display?: Pick<Display, "html">;
  /** Load the bundle from this URL instead of inlining it (default: $SCRATCHNET_WIDGETS_URL). */
  bundleUrl?: string;
}

/** The widgets' state in one kernel session: whether the bundle was sent yet. */
export class WidgetSession {
  private sent = false;
  constructor(private readonly options: WidgetSessionOptions = {}) {}

  show(name: WidgetName, options: WidgetOptions = {}): void {
    const html = widgetHtml(name, options); // checks the name and options before anything is sent
    const display = this.options.display ?? kernelDisplay();
    if (!this.sent) {
      display.html(widgetsLoaderHtml(this.options.bundleUrl ?? process.env.SCRATCHNET_WIDGETS_URL));
      this.sent = true;
    }
    display.html(html);
  }
}

let session: WidgetSession | undefined;

/**
 * Shows an interactive widget that runs the library in the page: "neuron", "circle-playground", "playground"
 * or "descent". It works in the live notebook, the exported pages and the slides.
 * @example showWidget("neuron", { weights: [0, 1], bias: 4, inputs: [2, 3] });
 * showWidget("circle-playground", { hidden: [4, 8], learningRate: 0.1, optimizer: "adam" });
 * showWidget("descent", { network: net, X, y, weights: [{ layer: 1, row: 0, col: 0, name: "w5" }, { layer: 1, row: 1, col: 0, name: "w6" }] });
 */
export function showWidget(name: WidgetName, options: WidgetOptions = {}): void {
  (session ??= new WidgetSession()).show(name, options);
}

function checkName(name: string): void {
  if (!(WIDGET_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`showWidget: unknown widget ${JSON.stringify(name)}; valid names are ${WIDGET_NAMES.join(", ")}`);
  }
}

/** Options as plain JSON: a Matrix becomes nested arrays, a Network its toJSON(); functions are refused. */
function plainOptions(value: unknown, where: string): unknown {
  if (value instanceof Matrix) return value.toArray();
  if (value instanceof Network) return value.toJSON();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v, i) => plainOptions(v, `${where}[${i}]`));
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
    throw new TypeError(`showWidget: option ${where} is a ${typeof value}; widget options must be plain data`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`showWidget: option ${where} is ${value}`);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainOptions(v, `${where}.${k}`)]));
  }
  return value;
}

// JSON that is safe inside a <script>.
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function kernelDisplay(): Pick<Display, "html"> {
  let kernel: { display: Pick<Display, "html"> };
  try {
    kernel = require("tslab");
  } catch {
    throw new Error("showWidget: needs the tslab kernel (run it in a notebook); outside one, use widgetHtml()");
  }
  return {
    html(s: string) {
      try {
        kernel.display.html(s);
      } catch (err) {
        if (err instanceof Error && err.message === "Not ready") throw new Error("showWidget: needs a running notebook cell");
        throw err;
      }
    },
  };
}
