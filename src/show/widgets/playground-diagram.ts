/**
 * The playground's network diagram, as in TensorFlow Playground: one column per layer, every
 * hidden unit drawn as a small heat map of its output over the plane, and the weights as links
 * whose width grows with |w| and whose colour is its sign (orange +, blue −). Each hidden layer
 * has + and − buttons for its neurons, and the diagram + and − buttons for layers.
 *
 * Each unit is a button: hovering or focusing it (Tab) asks the big plot to show its map.
 */
import type { Network } from "../../core/network";
import { button, h, probabilityColor } from "./ui";

const COL = 104; // px between columns
const ROW = 46; // px between units
const UNIT = 36; // a unit's square, px
const TOP = 56; // room for a column's heading and its buttons

export interface DiagramEvents {
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
  addLayer(): void;
  removeLayer(): void;
  /** The unit to show large, or null to show the output again. */
  hover(unit: { layer: number; unit: number } | null): void;
}

export class Diagram {
  readonly el: HTMLElement;
  private readonly net: HTMLElement;
  private readonly links: HTMLCanvasElement;
  /** maps[l][j]: the canvas of hidden layer l's unit j. */
  private maps: HTMLCanvasElement[][] = [];
  private inputMaps: HTMLCanvasElement[] = [];
  private outputMap: HTMLCanvasElement | null = null;
  private sizes: number[] = [];
  private readonly image: ImageData;
  private readonly addLayer: HTMLButtonElement;
  private readonly removeLayer: HTMLButtonElement;

  constructor(private readonly res: number, private readonly events: DiagramEvents) {
    this.image = new ImageData(res, res);
    this.links = h("canvas", { class: "snw-links", "aria-hidden": "true" });
    this.net = h("div", { class: "snw-net" }, this.links);
    const addLayer = (this.addLayer = button("+ layer", "addLayer"));
    const removeLayer = (this.removeLayer = button("− layer", "removeLayer"));
    addLayer.setAttribute("aria-label", "add a hidden layer");
    removeLayer.setAttribute("aria-label", "remove the last hidden layer");
    addLayer.addEventListener("click", () => events.addLayer());
    removeLayer.addEventListener("click", () => events.removeLayer());
    this.el = h("div", { class: "snw-diagram", role: "group", "aria-label": "the network: every hidden neuron's output" },
      h("div", { class: "snw-controls" }, addLayer, removeLayer), this.net);
  }

  /** Rebuilds the columns for a network of these sizes ([inputs, ...hidden, 1]) and input names. */
  build(sizes: number[], inputNames: string[]): void {
    this.sizes = sizes.slice();
    const hidden = sizes.slice(1, -1);
    this.addLayer.disabled = hidden.length >= 6;
    this.removeLayer.disabled = hidden.length === 0;
    const columns = sizes.length;
    const tallest = Math.max(...sizes);
    const width = this.x(columns - 1) + UNIT / 2 + COL / 2;
    const height = TOP + ROW * tallest;
    this.net.replaceChildren(this.links);
    this.net.style.width = `${width}px`;
    this.net.style.height = `${height}px`;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    this.links.width = Math.round(width * ratio);
    this.links.height = Math.round(height * ratio);
    this.links.style.width = `${width}px`;
    this.links.style.height = `${height}px`;
    (this.links.getContext("2d") as CanvasRenderingContext2D).setTransform(ratio, 0, 0, ratio, 0, 0);

    const place = (el: HTMLElement, c: number, j: number) => {
      el.style.left = `${this.x(c) - UNIT / 2}px`;
      el.style.top = `${this.y(j) - UNIT / 2}px`;
    };
    const mapCanvas = (cls: string) => h("canvas", { class: cls, width: this.res, height: this.res, "aria-hidden": "true" });
    this.heading(0, `${sizes[0]} input${sizes[0] === 1 ? "" : "s"}`);
    this.inputMaps = inputNames.map((name, j) => {
      const canvas = mapCanvas("snw-input-map");
      const box = h("div", { class: "snw-node", title: name }, canvas, h("span", { class: "snw-node-label" }, name));
      place(box, 0, j);
      this.net.append(box);
      return canvas;
    });
    this.maps = hidden.map((n, l) => {
      const add = button("+", "addNeuron");
      const remove = button("−", "removeNeuron");
      add.setAttribute("aria-label", `add a neuron to hidden layer ${l + 1}`);
      remove.setAttribute("aria-label", `remove a neuron from hidden layer ${l + 1}`);
      add.disabled = n >= 16;
      remove.disabled = n <= 1;
      add.addEventListener("click", () => this.events.addNeuron(l));
      remove.addEventListener("click", () => this.events.removeNeuron(l));
      this.heading(l + 1, `${n} neuron${n === 1 ? "" : "s"}`, add, remove);
      return Array.from({ length: n }, (_, j) => {
        const canvas = mapCanvas("snw-unit-map");
        const unit = h("button", { type: "button", class: "snw-node snw-unit", "data-layer": l, "data-unit": j,
          "aria-label": `hidden layer ${l + 1}, neuron ${j + 1}: show its output on the big plot` }, canvas);
        const show = () => this.events.hover({ layer: l, unit: j });
        const hide = () => this.events.hover(null);
        unit.addEventListener("pointerenter", show);
        unit.addEventListener("focus", show);
        unit.addEventListener("pointerleave", hide);
        unit.addEventListener("blur", hide);
        place(unit, l + 1, j);
        this.net.append(unit);
        return canvas;
      });
    });
    this.heading(columns - 1, "output");
    this.outputMap = mapCanvas("snw-output-map");
    const out = h("div", { class: "snw-node", title: "output" }, this.outputMap);
    place(out, columns - 1, 0);
    this.net.append(out);
  }

  /** How many hidden units have a map (what the tests count). */
  get unitCount(): number {
    return this.maps.reduce((s, l) => s + l.length, 0);
  }

  private x(c: number): number {
    return 64 + UNIT / 2 + COL * c; // room on the left for the inputs' names
  }
  private y(j: number): number {
    return TOP + UNIT / 2 + ROW * j;
  }

  private heading(c: number, text: string, ...buttons: HTMLButtonElement[]): void {
    const el = h("div", { class: "snw-col-head" }, h("span", {}, text), ...buttons);
    el.style.left = `${this.x(c) - COL / 2}px`;
    el.style.width = `${COL}px`;
    this.net.append(el);
  }

  /** The links: one line per weight, width 0.5 + 1.5|w| (at most 5 px), orange for w > 0, blue for w < 0. */
  drawLinks(net: Network): void {
    const c = this.links.getContext("2d") as CanvasRenderingContext2D;
    c.clearRect(0, 0, this.links.width, this.links.height);
    net.layers.forEach((layer, l) => {
      const W = layer.W;
      for (let i = 0; i < W.rows; i++) {
        for (let j = 0; j < W.cols; j++) {
          const w = W.data[i * W.cols + j];
          c.strokeStyle = w > 0 ? "rgba(245, 130, 20, 0.75)" : "rgba(31, 119, 180, 0.75)";
          c.lineWidth = Math.min(5, 0.5 + 1.5 * Math.abs(w));
          c.beginPath();
          c.moveTo(this.x(l) + UNIT / 2, this.y(i));
          c.lineTo(this.x(l + 1) - UNIT / 2, this.y(j));
          c.stroke();
        }
      }
    });
  }

  /**
   * Paints the maps: `values[l]` holds layer l's outputs over the grid, (res², units), rows in
   * the grid's order (row i of the grid is the i-th y from the bottom). `inputs` the same for
   * the input features, and `output` is the output's colour already scaled to [0, 1].
   */
  paint(inputs: Float64Array, values: Float64Array[], output: (k: number) => number, withHidden: boolean): void {
    this.inputMaps.forEach((canvas, j) => this.paintColumn(canvas, inputs, this.inputMaps.length, j));
    if (withHidden) this.maps.forEach((units, l) => units.forEach((canvas, j) => this.paintColumn(canvas, values[l], units.length, j)));
    if (this.outputMap) {
      const res = this.res, px = this.image.data;
      for (let i = 0; i < res; i++) for (let j = 0; j < res; j++) probabilityColor(output(i * res + j), px, ((res - 1 - i) * res + j) * 4);
      (this.outputMap.getContext("2d") as CanvasRenderingContext2D).putImageData(this.image, 0, 0);
    }
  }

  /** Column j of a (res², cols) block as a map, scaled by its largest |value| so every unit shows its shape. */
  private paintColumn(canvas: HTMLCanvasElement, values: Float64Array, cols: number, j: number): void {
    const res = this.res, px = this.image.data;
    let most = 0;
    for (let k = 0; k < res * res; k++) most = Math.max(most, Math.abs(values[k * cols + j]));
    const s = most > 0 ? 0.5 / most : 0;
    for (let i = 0; i < res; i++) {
      for (let c = 0; c < res; c++) probabilityColor(0.5 + s * values[(i * res + c) * cols + j], px, ((res - 1 - i) * res + c) * 4);
    }
    (canvas.getContext("2d") as CanvasRenderingContext2D).putImageData(this.image, 0, 0);
  }

  /** Blanks the hidden maps (when they are switched off). */
  clearHidden(): void {
    for (const units of this.maps) for (const canvas of units) (canvas.getContext("2d") as CanvasRenderingContext2D).clearRect(0, 0, this.res, this.res);
  }

  get hiddenSizes(): number[] {
    return this.sizes.slice(1, -1);
  }
}
