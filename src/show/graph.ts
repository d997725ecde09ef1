/**
 * drawGraph: a computational graph as an SVG picture, laid out by itself. Each node shows its name
 * and operation, its value and its gradient; arrows run from each node to the nodes made from it,
 * inputs on the left, the output on the right. The picture carries a <title> and a <desc> written
 * from the graph, so a screen reader hears every node and arrow.
 * Leaves out: large graphs. Beyond a few dozen nodes a picture stops teaching; `maxNodes` says so.
 */
import { svgWithText } from "./describe";
import { escapeHtml } from "./plot";

/**
 * What drawGraph reads from a node. A `Value` (src/core/value.ts) is one; so is a plain object
 * written by hand, such as notebook 04's graph of gradients worked out on paper.
 */
export interface GraphNode {
  data: number;
  /** Drawn as "no gradient" when undefined (a label, which nothing differentiates). */
  grad?: number;
  /** The operation that made the node, "" for a leaf. */
  op: string;
  label?: string;
  /** The nodes it was made from; a node used twice (a.mul(a)) is listed twice and drawn as two arrows. */
  children: readonly GraphNode[];
}

export interface DrawGraphOptions {
  /** The picture's <title> (default "Computational graph of " + the output's name). */
  title?: string;
  /** Nodes drawn in orange, e.g. the parameters training changes (default: the leaves). */
  highlight?: (node: GraphNode) => boolean;
  /** Digits after the point for values and gradients (default 4). */
  digits?: number;
  /** Refuse graphs with more nodes than this (default 60). */
  maxNodes?: number;
  /**
   * true (default): the picture shrinks to the page's width. false: it keeps its size (overriding
   * notebook styles that shrink every svg), in a box
   * that scrolls sideways (and takes the keyboard focus, so it scrolls without a mouse); for wide
   * graphs whose text would otherwise become too small to read.
   */
  fit?: boolean;
}

// Sizes in SVG pixels: a node's box, and the distance between columns and between rows.
const BOX_W = 132, BOX_H = 54, COL = 168, ROW = 68, MARGIN = 12;

/** The graph's layout: every node with its column (0 = the output's) and its centre. */
export interface GraphLayout {
  nodes: { node: GraphNode; name: string; column: number; x: number; y: number }[];
  edges: { from: number; to: number; copy: number }[]; // indices into nodes; copy counts repeats of one arrow
  width: number;
  height: number;
}

/**
 * Places the nodes in columns by depth: a node's column is its longest distance from the output,
 * so every arrow points right and each node stands just left of the last node that uses it. Within
 * a column, nodes are sorted by the mean height of the nodes they feed, which keeps arrows short.
 */
export function layoutGraph(root: GraphNode, maxNodes = 60): GraphLayout {
  const order = childrenFirst(root);
  if (order.length > maxNodes) {
    throw new Error(`drawGraph: the graph has ${order.length} nodes, more than maxNodes = ${maxNodes}; draw a smaller expression, or pass a larger maxNodes`);
  }
  const index = new Map(order.map((n, i) => [n, i]));
  const column = order.map(() => 0);
  const parents: number[][] = order.map(() => []);
  // Parents come after their children in `order`, so walking it backwards settles a node's column
  // before it is pushed on to its children.
  for (let i = order.length - 1; i >= 0; i--) {
    for (const child of order[i].children) {
      const c = index.get(child)!;
      column[c] = Math.max(column[c], column[i] + 1);
      if (!parents[c].includes(i)) parents[c].push(i);
    }
  }
  const columns = Math.max(...column) + 1;
  const members: number[][] = Array.from({ length: columns }, () => []);
  order.forEach((_, i) => members[column[i]].push(i));
  const rows = Math.max(...members.map((m) => m.length));
  const height = rows * ROW + 2 * MARGIN;
  const y = order.map(() => 0);
  for (const m of members) {
    const meanParentY = (i: number) => (parents[i].length ? parents[i].reduce((s, p) => s + y[p], 0) / parents[i].length : 0);
    m.sort((a, b) => meanParentY(a) - meanParentY(b) || a - b);
    m.forEach((i, k) => (y[i] = height / 2 + (k - (m.length - 1) / 2) * ROW));
  }
  const names = nodeNames(order);
  const edges: GraphLayout["edges"] = [];
  order.forEach((node, to) => {
    node.children.forEach((child, k) => {
      const from = index.get(child)!;
      const copy = node.children.slice(0, k).filter((c) => c === child).length;
      edges.push({ from, to, copy });
    });
  });
  return {
    nodes: order.map((node, i) => ({ node, name: names[i], column: column[i], x: MARGIN + BOX_W / 2 + (columns - 1 - column[i]) * COL, y: y[i] })),
    edges,
    width: (columns - 1) * COL + BOX_W + 2 * MARGIN,
    height,
  };
}

/**
 * Any expression as an SVG picture: one box per node (its name and operation, `value`, `grad`),
 * one arrow per use of a node, columns by depth. Returns the <svg> text, for `tslab.display.html`.
 *
 * @example
 * const a = value(2, "a"), b = a.mul(a); b.backward();
 * tslab.display.html(drawGraph(b)); // a (value 2, grad 4) with two arrows into b = a * a
 */
export function drawGraph(root: GraphNode, options: DrawGraphOptions = {}): string {
  if (!root || typeof root !== "object" || typeof root.data !== "number" || !Array.isArray(root.children)) {
    throw new TypeError("drawGraph: expected a Value (or a node with data, op and children)");
  }
  const digits = options.digits ?? 4;
  const fit = options.fit ?? true;
  const highlight = options.highlight ?? ((n: GraphNode) => n.children.length === 0);
  const layout = layoutGraph(root, options.maxNodes ?? 60);
  const id = `scratchnet-graph-${graphIds++}`;
  const num = (v: number) => formatNumber(v, digits);
  const gradText = (n: GraphNode) => (n.grad === undefined ? "no gradient" : `grad ${num(n.grad)}`);

  // Arrows leave and enter a box at points spread along its side, in the order of the boxes at
  // their other ends, so that many arrows into one node (or two from a node used twice) stay apart.
  const spread = (ends: number[], centre: number) => {
    const step = ends.length > 1 ? Math.min(10, (BOX_H - 14) / (ends.length - 1)) : 0;
    return new Map(ends.map((e, k) => [e, centre + (k - (ends.length - 1) / 2) * step]));
  };
  const byOtherEnd = (edgeIds: number[], end: (e: number) => number) =>
    edgeIds.sort((e, f) => layout.nodes[end(e)].y - layout.nodes[end(f)].y || layout.edges[e].copy - layout.edges[f].copy);
  const ids = layout.edges.map((_, e) => e);
  const startY = new Map<number, number>(), endY = new Map<number, number>();
  layout.nodes.forEach((n, i) => {
    const out = byOtherEnd(ids.filter((e) => layout.edges[e].from === i), (e) => layout.edges[e].to);
    const into = byOtherEnd(ids.filter((e) => layout.edges[e].to === i), (e) => layout.edges[e].from);
    spread(out, n.y).forEach((y, e) => startY.set(e, y));
    spread(into, n.y).forEach((y, e) => endY.set(e, y));
  });
  const edges = layout.edges.map(({ from, to }, e) => {
    const x1 = layout.nodes[from].x + BOX_W / 2, x2 = layout.nodes[to].x - BOX_W / 2;
    const y1 = startY.get(e)!, y2 = endY.get(e)!, mid = (x1 + x2) / 2;
    return `<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" ` +
      `fill="none" stroke="#888" marker-end="url(#${id}-tip)"/>`;
  });
  const boxes = layout.nodes.map(({ node, name, x, y }) => {
    const heading = node.op ? (node.label ? `${node.label} = ${opText(node)}` : opText(node)) : name;
    return `<g class="node"><rect x="${x - BOX_W / 2}" y="${y - BOX_H / 2}" width="${BOX_W}" height="${BOX_H}" rx="6" ` +
      `fill="${highlight(node) ? "#fdf2e3" : "#e8f1fa"}" stroke="#1f77b4"/>` +
      text(x, y - 9, heading, 'font-weight="bold"') + text(x, y + 6, `value ${num(node.data)}`) +
      text(x, y + 20, gradText(node), 'fill="#c62828"') + `</g>`;
  });
  const tip = `<defs><marker id="${id}-tip" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" ` +
    `viewBox="0 0 ${layout.width} ${layout.height}"${fit ? ' style="max-width: 100%; height: auto"' : ' style="max-width: none"'} font-family="sans-serif" font-size="12">` +
    tip + edges.join("") + boxes.join("") + `</svg>`;
  const title = options.title ?? `Computational graph of ${layout.nodes[layout.nodes.length - 1].name}`;
  const picture = svgWithText(svg, title, describeGraph(layout, num), id);
  if (fit) return picture;
  return `<div class="scratchnet-graph-scroll" style="overflow-x: auto; max-width: 100%" tabindex="0" role="region" ` +
    `aria-label="${escapeHtml(title)} (scrolls sideways)">${picture}</div>`;
}
let graphIds = 0;

/** The graph in words: its size, each node with its operation, value and gradient, each arrow. */
function describeGraph(layout: GraphLayout, num: (v: number) => string): string {
  const n = layout.nodes.length, e = layout.edges.length;
  const columns = Math.max(...layout.nodes.map((d) => d.column)) + 1;
  const nodes = layout.nodes.map(({ node, name }) => {
    const names = node.children.map((c) => layout.nodes.find((d) => d.node === c)!.name);
    const op = opText(node);
    const how = !node.op ? " (a leaf)"
      : op.startsWith("^") && names.length === 1 ? ` = ${names[0]}${op}`
      : names.length === 2 && INFIX.has(op) ? ` = ${names[0]} ${op} ${names[1]}`
      : ` = ${op} of ${names.join(", ")}`;
    return `${name}${how}: value ${num(node.data)}, ${node.grad === undefined ? "no gradient" : `gradient ${num(node.grad)}`}`;
  });
  const counts = new Map<string, number>();
  for (const { from, to } of layout.edges) {
    const key = `${layout.nodes[from].name} to ${layout.nodes[to].name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const arrows = [...counts].map(([k, c]) => (c === 1 ? k : `${k} (${c} arrows)`));
  return `A computational graph of ${n} node${n === 1 ? "" : "s"} and ${e} arrow${e === 1 ? "" : "s"} in ${columns} column${columns === 1 ? "" : "s"}, ` +
    `inputs on the left, the output on the right. Nodes: ${nodes.join("; ")}. ` + (e ? `Arrows: ${arrows.join(", ")}.` : "");
}

/** Nodes in children-first order, each once (an explicit stack: no recursion limit). */
function childrenFirst(root: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>([root]);
  const stack: [GraphNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top[1] < top[0].children.length) {
      const child = top[0].children[top[1]++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(stack.pop()![0]);
    }
  }
  return order;
}

/** A name per node: its label, else "node 3 (+)" for an operation (its place in the order) or "const 2" for a number. */
function nodeNames(order: GraphNode[]): string[] {
  return order.map((node, i) => node.label || (node.op ? `node ${i + 1} (${opText(node)})` : `const ${node.data}`));
}

const OP_NAMES: Record<string, string> = { "*": "×", "-": "−" };
const INFIX = new Set(["+", "−", "×", "/"]);
function opText(node: GraphNode): string {
  return OP_NAMES[node.op] ?? node.op;
}

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${x}" y="${y}" text-anchor="middle"${attrs ? " " + attrs : ""}>${escapeHtml(s)}</text>`;
}

/** A value for a box: fixed digits for everyday sizes, an exponent for tiny or huge ones. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  if (v !== 0 && (Math.abs(v) < 10 ** -digits || Math.abs(v) >= 1e6)) return v.toExponential(Math.max(1, digits - 1));
  return v.toFixed(digits);
}
