/**
 * The playground's two plots: the big one (the network's output, or a hovered unit's, over the
 * plane, with the points on top) and the loss curves (training, and test when there is a test set).
 */
import { Canvas, contourSegments, probabilityColor } from "./ui";
import type { Dataset } from "../../data/datasets";

/** Colours of the points: a class (0 blue, 1 orange), or a regression target from -1 (blue) to 1 (orange). */
function pointColor(v: number, regression: boolean): string {
  if (!regression) return v === 1 ? "#ff7f0e" : "#1f77b4";
  const px = new Uint8ClampedArray(4);
  probabilityColor((v + 1) / 2, px, 0);
  // the background's ramp, darkened so a point stands out from the map behind it
  return `rgb(${px[0] * 0.75}, ${px[1] * 0.75}, ${px[2] * 0.75})`;
}

export interface BigPlotInput {
  /** Colour of grid cell k (row-major, row 0 at the bottom) in [0, 1]. */
  color: (k: number) => number;
  /** Draw the 0.5 line of these values (the decision boundary), or none. */
  line: Float64Array | null;
  gridXs: number[];
  gridYs: number[];
  train: Dataset;
  test: Dataset | null;
  regression: boolean;
}

export class BigPlot {
  private readonly image: HTMLCanvasElement;
  private readonly pixels: ImageData;

  constructor(readonly canvas: Canvas, private readonly res: number) {
    this.image = document.createElement("canvas");
    this.image.width = res;
    this.image.height = res;
    this.pixels = new ImageData(res, res);
  }

  draw(o: BigPlotInput, extra?: (b: Canvas) => void): void {
    const res = this.res, px = this.pixels.data;
    for (let i = 0; i < res; i++) for (let j = 0; j < res; j++) probabilityColor(o.color(i * res + j), px, ((res - 1 - i) * res + j) * 4);
    (this.image.getContext("2d") as CanvasRenderingContext2D).putImageData(this.pixels, 0, 0);
    const b = this.canvas, c = b.ctx;
    b.clear();
    c.imageSmoothingEnabled = true;
    // each grid value is the colour at a cell's centre: stretch the image half a cell past the grid
    const half = b.plotW / (res - 1) / 2;
    b.clip();
    c.drawImage(this.image, b.margin.l - half, b.margin.t - half, b.plotW + 2 * half, b.plotH + 2 * half);
    if (o.line) {
      c.strokeStyle = "#222";
      c.lineWidth = 2;
      c.beginPath();
      for (const [ax, ay, bx, by] of contourSegments(o.line, o.gridXs, o.gridYs, 0.5)) {
        c.moveTo(b.px(ax), b.py(ay));
        c.lineTo(b.px(bx), b.py(by));
      }
      c.stroke();
    }
    this.points(o.train, o.regression, "#fff", 3);
    if (o.test) this.points(o.test, o.regression, "#000", 3.5); // test points: a black ring
    extra?.(b);
    b.unclip();
  }

  private points(d: Dataset, regression: boolean, ring: string, r: number): void {
    const b = this.canvas, c = b.ctx;
    c.lineWidth = ring === "#000" ? 1.5 : 0.8;
    for (let i = 0; i < d.X.rows; i++) {
      c.fillStyle = pointColor(d.y.data[i], regression);
      c.strokeStyle = ring;
      c.beginPath();
      c.arc(b.px(d.X.data[2 * i]), b.py(d.X.data[2 * i + 1]), r, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
    }
  }
}

/** Training loss (red, solid) and test loss (black, dashed) after each epoch. */
export function drawLosses(p: Canvas, train: number[], test: number[]): void {
  const c = p.ctx;
  const count = train.length;
  const early = [...train.slice(0, 50), ...test.slice(0, 50)];
  p.x0 = 1;
  p.x1 = Math.max(10, count);
  p.y0 = 0;
  p.y1 = Math.max(0.1, count > 0 ? Math.min(2, Math.max(...early)) : 1) * 1.05;
  p.clear();
  p.axes("epoch", "loss", 4, (v) => (p.y1 < 1 ? String(Math.round(v * 100) / 100) : String(Math.round(v * 10) / 10)));
  p.clip();
  const curve = (values: number[], color: string, dash: number[]) => {
    if (values.length === 0) return;
    c.strokeStyle = color;
    c.lineWidth = 2;
    c.setLineDash(dash);
    c.beginPath();
    // at most one point per pixel column: the loss at the last epoch that lands there
    const step = Math.max(1, Math.floor(values.length / p.plotW));
    for (let e = 0; e < values.length; e += step) {
      if (e === 0) c.moveTo(p.px(1), p.py(values[0]));
      else c.lineTo(p.px(e + 1), p.py(values[e]));
    }
    c.lineTo(p.px(values.length), p.py(values[values.length - 1]));
    c.stroke();
    c.setLineDash([]);
  };
  curve(train, "#d62728", []);
  curve(test, "#222", [6, 4]);
  p.unclip();
  if (test.length > 0) {
    c.font = "11px system-ui, sans-serif";
    c.textAlign = "right";
    c.textBaseline = "top";
    c.fillStyle = "#d62728";
    c.fillText("— training", p.margin.l + p.plotW - 4, p.margin.t + 4);
    c.fillStyle = "#222";
    c.fillText("- - test", p.margin.l + p.plotW - 4, p.margin.t + 18);
  }
  const fmt = (v: number) => v.toFixed(4);
  p.el.setAttribute("aria-label", count === 0 ? "Loss curves: no epoch trained yet." :
    `Loss over ${count} epochs: training from ${fmt(train[0])} to ${fmt(train[count - 1])}` +
      (test.length > 0 ? `, test from ${fmt(test[0])} to ${fmt(test[test.length - 1])}.` : "."));
  p.el.dataset.epochs = String(count);
  p.el.dataset.testEpochs = String(test.length);
}
