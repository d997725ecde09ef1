// drawGraph on three expressions: how many nodes and arrows, each node's value and gradient in the
// SVG text, the text alternative, the layout (every arrow points right), and its errors.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { drawGraph, formatNumber, GraphNode, layoutGraph, Value, value } from "../src/index";

const count = (svg: string, what: string) => svg.split(what).length - 1;
const between = (svg: string, tag: string) => new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(svg)![1];

/** Every node's value and gradient are written in its box, and its name in the description. */
function assertNodesShown(svg: string, nodes: Value[]): void {
  for (const n of nodes) {
    assert.ok(svg.includes(`>value ${formatNumber(n.data)}<`), `value ${n.data} of ${n.label || n.op}`);
    assert.ok(svg.includes(`>grad ${formatNumber(n.grad)}<`), `grad ${n.grad} of ${n.label || n.op}`);
  }
}

describe("drawGraph on three expressions", () => {
  test("b = a·a: two nodes, two arrows (a is used twice), a's gradient 2a", () => {
    const a = value(3, "a");
    const b = a.mul(a);
    b.label = "b";
    b.backward();
    const svg = drawGraph(b);
    assert.equal(count(svg, 'class="node"'), 2);
    assert.equal(count(svg, 'class="edge"'), 2);
    assertNodesShown(svg, [a, b]);
    assert.ok(svg.includes(">grad 6<") && svg.includes(">b = ×<"));
    assert.equal(between(svg, "title"), "Computational graph of b");
    assert.equal(between(svg, "desc"),
      "A computational graph of 2 nodes and 2 arrows in 2 columns, inputs on the left, the output on the right. " +
      "Nodes: a (a leaf): value 3, gradient 6; b = a × a: value 9, gradient 1. Arrows: a to b (2 arrows).");
  });

  test("a neuron, tanh(x1·w1 + x2·w2 + b): ten nodes, nine arrows, every value and gradient", () => {
    const [x1, x2, w1, w2, b] = [[2, "x1"], [0, "x2"], [-3, "w1"], [1, "w2"], [6.8813735870195432, "b"]].map(([v, l]) => value(v as number, l as string));
    const x1w1 = x1.mul(w1), x2w2 = x2.mul(w2);
    const sum = x1w1.add(x2w2), n = sum.add(b), o = n.tanh();
    o.label = "o";
    o.backward();
    const svg = drawGraph(o, { title: "One neuron" });
    assert.equal(count(svg, 'class="node"'), 10);
    assert.equal(count(svg, 'class="edge"'), 9);
    assertNodesShown(svg, [x1, x2, w1, w2, b, x1w1, x2w2, sum, n, o]);
    assert.ok(svg.includes(">grad 0.5000<")); // 1 − tanh² at n = 0.8814 is one half
    assert.equal(between(svg, "title"), "One neuron");
    const desc = between(svg, "desc");
    assert.ok(desc.startsWith("A computational graph of 10 nodes and 9 arrows in 5 columns"), desc);
    assert.ok(desc.includes("o = tanh of node 9 (+): value 0.7071, gradient 1"), desc);
    assert.ok(desc.includes("w1 (a leaf): value −3".replace("−", "-")), desc);
    assert.ok(svg.includes('role="img"') && svg.includes("aria-labelledby"));
  });

  test("every operation and constants: nodes, arrows, values and gradients", () => {
    const a = value(1.5, "a"), c = value(0.25, "c");
    const d = a.sub(c).div(2).exp().log().pow(2).neg().add(a.sigmoid().mul(c.relu())).sub(1);
    d.label = "d";
    d.backward();
    const nodes = d.topologicalOrder();
    const svg = drawGraph(d);
    assert.equal(count(svg, 'class="node"'), nodes.length);
    assert.equal(nodes.length, 15); // a, c, 2, 1 and eleven operations
    assert.equal(count(svg, 'class="edge"'), nodes.reduce((s, n) => s + n.children.length, 0));
    assertNodesShown(svg, nodes);
    for (const op of ["−", "/", "exp", "log", "^2", "neg", "σ", "relu", "×", "+"]) assert.ok(svg.includes(`>${op}<`), op);
    assert.ok(svg.includes(">const 2<") && svg.includes(">const 1<"));
  });
});

describe("the layout", () => {
  test("columns by depth: every arrow points right; a node stands one column left of its last user", () => {
    const a = value(2, "a"), b = value(-1, "b");
    const out = a.mul(b).add(a).tanh().mul(b);
    const layout = layoutGraph(out);
    for (const e of layout.edges) assert.ok(layout.nodes[e.from].x < layout.nodes[e.to].x);
    const at = (label: string) => layout.nodes.find((n) => n.name === label)!;
    assert.equal(at("b").column, 1 + Math.max(...layout.nodes.filter((n) => n.node.children.includes(b)).map((n) => n.column)));
    assert.equal(layout.nodes.at(-1)!.column, 0);
    // no two boxes of one column overlap
    for (const n of layout.nodes) for (const m of layout.nodes) if (n !== m && n.column === m.column) assert.ok(Math.abs(n.y - m.y) >= 54);
  });

  test("hand-written nodes (notebook 04) draw too, and a node without a gradient says so", () => {
    const y: GraphNode = { data: 1, op: "", label: "y (label)", children: [] };
    const yHat: GraphNode = { data: 0.5, grad: -1, op: "", label: "ŷ", children: [] };
    const L: GraphNode = { data: 0.25, grad: 1, op: "(y − ŷ)²", label: "L", children: [yHat, y] };
    const svg = drawGraph(L, { highlight: () => false });
    assert.ok(svg.includes(">no gradient<") && svg.includes(">L = (y − ŷ)²<"));
    assert.ok(!svg.includes("#fdf2e3"));
    assert.ok(between(svg, "desc").includes("L = (y − ŷ)² of ŷ, y (label): value 0.2500, gradient 1."), between(svg, "desc"));
  });

  test("labels are escaped: text never becomes markup", () => {
    const a = value(1, "<script>alert(1)</script>");
    const svg = drawGraph(a.exp());
    assert.ok(!svg.includes("<script>"));
    assert.ok(svg.includes("&lt;script&gt;"));
  });

  test("a wide graph fits the page by default, or keeps its size in a box that scrolls sideways", () => {
    let v = value(1, "x");
    for (let i = 0; i < 12; i++) v = v.tanh();
    const fitted = drawGraph(v), kept = drawGraph(v, { fit: false, title: "Twelve tanh" });
    assert.ok(fitted.startsWith("<svg") && fitted.includes('style="max-width: 100%; height: auto"'));
    assert.ok(kept.startsWith('<div class="scratchnet-graph-scroll" style="overflow-x: auto; max-width: 100%" tabindex="0" role="region" aria-label="Twelve tanh (scrolls sideways)"><svg'));
    assert.ok(!kept.includes("max-width: 100%; height: auto") && kept.includes('width="2172"') && kept.includes('style="max-width: none"'));
  });
});

describe("drawGraph's errors", () => {
  test("too many nodes", () => {
    let v = value(0, "x");
    for (let i = 0; i < 70; i++) v = v.add(1);
    assert.throws(() => drawGraph(v), {
      message: "drawGraph: the graph has 141 nodes, more than maxNodes = 60; draw a smaller expression, or pass a larger maxNodes",
    });
    assert.equal(count(drawGraph(v, { maxNodes: 200 }), 'class="node"'), 141);
  });
  test("not a graph", () => {
    assert.throws(() => drawGraph(3 as unknown as GraphNode), { name: "TypeError", message: "drawGraph: expected a Value (or a node with data, op and children)" });
  });
});

test("formatNumber: fixed digits for everyday sizes, exponents for tiny and huge ones", () => {
  assert.equal(formatNumber(3), "3");
  assert.equal(formatNumber(0.70710678), "0.7071");
  assert.equal(formatNumber(-0.00001234), "-1.234e-5");
  assert.equal(formatNumber(12345678.5), "1.235e+7");
  assert.equal(formatNumber(NaN), "NaN");
});
