/**
 * A picture of a small network for one input: inputs on the left, the output on the right, each
 * neuron labelled with its value for that input and its bias, each connection with its weight.
 * The values come from the network itself (a `predict` on the one input), so the picture cannot
 * disagree with the numbers. Every label is escaped, and the SVG carries a title and a description
 * in words for a screen reader.
 */
import { Network } from "../core/network";
import { networkDescription, svgWithText } from "./describe";
import { escapeHtml } from "./plot";

export interface NetworkDrawingOptions {
  /** A name per neuron, layer by layer, inputs first. Default x1.., h1.. (one hidden layer), o1.. */
  names?: string[][];
  /** The picture's title (default "The network for x = (…)"). */
  title?: string;
}

const COLUMN = 190; // horizontal distance between layers
const ROW = 120; // vertical distance between neurons of a layer
const RADIUS = 30;

/** Shown as is when an integer, else to 4 decimals, so a picture stays readable. */
const shown = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${x}" y="${y}" text-anchor="middle" ${attrs}>${escapeHtml(s)}</text>`;
}

function defaultNames(sizes: number[]): string[][] {
  return sizes.map((n, l) => {
    const prefix = l === 0 ? "x" : l === sizes.length - 1 ? "o" : sizes.length === 3 ? "h" : `h${l}_`;
    return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  });
}

/**
 * The SVG of `net` fed one input `x` (length nIn): one column per layer, neurons centred
 * vertically, weights a third of the way along their edges so that crossing labels stay apart.
 * @example tslab.display.html(networkSvg(net, [2, 3], { names: [["x1", "x2"], ["h1", "h2"], ["o1"]] }));
 */
export function networkSvg(net: Network, x: number[], options: NetworkDrawingOptions = {}): string {
  const sizes = net.sizes;
  if (x.length !== sizes[0]) throw new RangeError(`networkSvg: the network takes ${sizes[0]} inputs, got ${x.length}`);
  const names = options.names ?? defaultNames(sizes);
  if (names.length !== sizes.length || names.some((layer, l) => layer.length !== sizes[l])) {
    throw new RangeError(`networkSvg: names must give ${JSON.stringify(sizes)} neurons per layer`);
  }
  net.predict([x]); // every layer's output for this one input
  const values = [x, ...net.layers.map((layer) => layer.output.toFlatArray())];
  const biases: number[][] = [[], ...net.layers.map((layer) => (layer.b ? layer.b.toFlatArray() : []))];
  const tallest = Math.max(...sizes);
  const pos = (l: number, i: number) => ({ x: 70 + COLUMN * l, y: 80 + ROW * i + (ROW / 2) * (tallest - sizes[l]) });
  const width = 140 + COLUMN * (sizes.length - 1), height = 150 + ROW * (tallest - 1);

  let edges = "";
  net.layers.forEach((layer, l) => {
    for (let i = 0; i < layer.nIn; i++) for (let j = 0; j < layer.nOut; j++) {
      const from = pos(l, i), to = pos(l + 1, j);
      edges += `<line x1="${from.x}" y1="${from.y}" x2="${to.x}" y2="${to.y}" stroke="#999" stroke-width="1.5"/>`;
      edges += text(from.x + (to.x - from.x) / 3, from.y + (to.y - from.y) / 3 - 4, `w = ${shown(layer.W.get(i, j))}`,
        'font-size="12" fill="#d62728" stroke="white" stroke-width="3" paint-order="stroke"');
    }
  });
  const nodes = names.flatMap((layer, l) => layer.map((name, i) => {
    const { x: cx, y: cy } = pos(l, i), b = biases[l][i];
    return `<circle cx="${cx}" cy="${cy}" r="${RADIUS}" fill="#e8f1fa" stroke="#1f77b4" stroke-width="2"/>` +
      text(cx, cy - 5, name, 'font-weight="bold"') + text(cx, cy + 13, shown(values[l][i]), 'font-size="12"') +
      (b === undefined ? "" : text(cx, cy + RADIUS + 18, `b = ${shown(b)}`, 'font-size="12" fill="#555"'));
  }));
  const captions = sizes.map((_, l) =>
    text(pos(l, 0).x, 24, l === 0 ? "inputs" : l === sizes.length - 1 ? "output" : "hidden layer", 'fill="#555"'));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="14">${captions.join("")}${edges}${nodes.join("")}</svg>`;
  const weights = net.layers.map((layer) => layer.W.toArray());
  return svgWithText(svg, options.title ?? `The network for x = (${x.join(", ")})`, networkDescription(names, values, weights, biases));
}
