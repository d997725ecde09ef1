/**
 * The plot helpers without a browser: the plotly specs they build, the HTML they emit, the text
 * alternatives written from their data (src/show/describe.ts), and the once-per-session sending of plotly.js. test/browser/plots.test.ts draws the same in Chromium.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Matrix } from "../src/core/matrix";
import {
  CLASS_COLORS,
  Display,
  Figure,
  PlotSession,
  decisionBoundary,
  escapeHtml,
  figureHtml,
  imageGrid,
  linePlot,
  lossPlot,
  plotlyBundle,
  plotlyLoaderHtml,
  scatterPlot,
  showPlot,
} from "../src/show/plot";
import { describeFigure, networkDescription, svgWithText } from "../src/show/describe";
import { networkSvg } from "../src/show/network-drawing";
import { Network } from "../src/core/network";

type T = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function recorder() {
  const outputs: { kind: "html" | "latex"; text: string; display: number }[] = [];
  let displays = 0;
  const make = (n: number): Display => ({
    html: (text) => void outputs.push({ kind: "html", text, display: n }),
    latex: (text) => void outputs.push({ kind: "latex", text, display: n }),
  });
  return { outputs, display: make(0), newDisplay: () => make(++displays) };
}

describe("linePlot and lossPlot", () => {
  test("one line trace per series; x defaults to 0, 1, 2, ...", () => {
    const fig = linePlot([{ name: "f", y: [1, 2, 3] }, { name: "df", x: [5, 6, 7], y: [0, 1, 0], dash: "dash" }], { title: "t", xLabel: "x" });
    assert.equal(fig.data.length, 2);
    assert.deepEqual((fig.data[0] as T).x, [0, 1, 2]);
    assert.deepEqual((fig.data[1] as T).x, [5, 6, 7]);
    assert.equal((fig.data[1] as T).line.dash, "dash");
    assert.equal((fig.layout.title as T).text, "t");
    assert.equal((fig.layout.xaxis as T).title.text, "x");
    assert.equal(fig.layout.showlegend, true);
  });

  test("accepts typed arrays", () => {
    const fig = linePlot([{ name: "f", y: new Float64Array([1, 2]) }]);
    assert.deepEqual((fig.data[0] as T).y, [1, 2]);
  });

  test("user text is escaped for plotly, which reads some HTML tags", () => {
    const fig = linePlot([{ name: "<script>alert(1)</script>", y: [1] }], { title: "a & <b>" });
    assert.equal((fig.data[0] as T).name, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert.equal((fig.layout.title as T).text, "a &amp; &lt;b&gt;");
  });

  test("errors name the problem", () => {
    assert.throws(() => linePlot([]), /linePlot: needs at least one series/);
    assert.throws(() => linePlot([{ name: "f", x: [1, 2], y: [1] }]), /linePlot: series "f" has 2 x values and 1 y values/);
  });

  test("lossPlot counts epochs from 1 and takes named series", () => {
    const one = lossPlot([0.9, 0.5, 0.2]);
    assert.deepEqual((one.data[0] as T).x, [1, 2, 3]);
    assert.equal((one.layout.xaxis as T).title.text, "epoch");
    const two = lossPlot({ train: [1, 0.5], test: [1.1, 0.7] });
    assert.deepEqual(two.data.map((d) => (d as T).name), ["train", "test"]);
  });
});

describe("scatterPlot", () => {
  const X = [[0, 0], [1, 1], [2, 2], [3, 3]];

  test("one marker trace per class, in class order, with the class colours", () => {
    const fig = scatterPlot(X, [1, 0, 1, 0]);
    assert.deepEqual(fig.data.map((d) => (d as T).name), ["class 0", "class 1"]);
    assert.deepEqual((fig.data[1] as T).x, [0, 2]);
    assert.equal((fig.data[1] as T).marker.color, CLASS_COLORS[1]);
  });

  test("labels may be a column Matrix or one-hot rows; points may be a Matrix", () => {
    const col = scatterPlot(Matrix.from(X), Matrix.from([[0], [1], [1], [0]]));
    assert.deepEqual((col.data[1] as T).y, [1, 2]);
    const oneHot = scatterPlot(X, Matrix.from([[1, 0], [0, 1], [0, 1], [1, 0]]), { classNames: ["no", "yes"] });
    assert.deepEqual(oneHot.data.map((d) => (d as T).name), ["no", "yes"]);
    assert.deepEqual((oneHot.data[1] as T).x, [1, 2]);
  });

  test("errors name the problem", () => {
    assert.throws(() => scatterPlot([[0, 0, 0]], [0]), /scatterPlot: points need 2 columns \(x, y\); row 0 has 3/);
    assert.throws(() => scatterPlot(X, [0, 1]), /scatterPlot: 2 labels for 4 points/);
  });
});

describe("decisionBoundary", () => {
  const X = [[0, 0], [1, 0], [0, 1], [1, 1]];
  const y = [0, 1, 1, 1];

  test("predict gets the whole grid once, covering the data plus the margin, then the data for the description", () => {
    const calls: Matrix[] = [];
    decisionBoundary((grid) => (calls.push(grid), new Matrix(grid.rows, 1)), X, y, { resolution: 5, margin: 0.1 });
    assert.equal(calls.length, 2);
    const [seen, data] = calls;
    assert.deepEqual(data.toArray(), X);
    assert.equal(seen.shape, "(25, 2)");
    assert.deepEqual(seen.rowAt(0), [-0.1, -0.1]);
    assert.deepEqual(seen.rowAt(24), [1.1, 1.1]);
    assert.deepEqual(seen.rowAt(1), [0.2, -0.1]); // row i * resolution + j is (xs[j], ys[i])
  });

  test("one output per point: a probability contour, the 0.5 line, then the data", () => {
    const fig = decisionBoundary((g) => Matrix.from(g.toArray().map(([a, b]) => [a + b > 1 ? 1 : 0])), X, y, { resolution: 4 });
    assert.deepEqual(fig.data.map((d) => (d as T).type), ["contour", "contour", "scatter", "scatter"]);
    const z = (fig.data[0] as T).z as number[][];
    assert.equal(z.length, 4);
    assert.equal(z[0].length, 4);
    assert.equal(z[0][0], 0);
    assert.equal(z[3][3], 1);
    assert.equal((fig.data[1] as T).contours.start, 0.5);
  });

  test("plain arrays work as the output too", () => {
    const fig = decisionBoundary((g) => new Array(g.rows).fill(0.25), X, y, { resolution: 3 });
    assert.equal(((fig.data[0] as T).z as number[][])[1][1], 0.25);
  });

  test("class scores (n, k) are drawn as the argmax class", () => {
    const fig = decisionBoundary((g) => Matrix.from(g.toArray().map(([a]) => (a < 0.5 ? [0.9, 0.1, 0] : [0, 0.2, 0.8]))), X, y, { resolution: 3 });
    assert.equal((fig.data[0] as T).type, "heatmap");
    assert.deepEqual(((fig.data[0] as T).z as number[][])[0], [0, 2, 2]);
    assert.equal((fig.data[0] as T).zmax, 2.5);
  });

  test("errors name the problem", () => {
    assert.throws(() => decisionBoundary((g) => new Matrix(g.rows - 1, 1), X, y, { resolution: 3 }), /predict returned 8 rows for 9 grid points/);
    assert.throws(() => decisionBoundary((g) => new Matrix(g.rows, 1), X, y, { resolution: 1 }), /resolution must be an integer >= 2, got 1/);
    assert.throws(() => decisionBoundary((g) => new Matrix(g.rows, 1), [[1, 2, 3]], [0]), /decisionBoundary: points need 2 columns/);
  });
});

describe("imageGrid", () => {
  const images = [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9, 10, 11],
  ];

  test("tiles the images into one heatmap with gaps between them", () => {
    const fig = imageGrid(images, { columns: 2 });
    const z = (fig.data[0] as T).z as (number | null)[][];
    // 2x2 images, 1-pixel gaps: width 2 + 1 + 2, height 2 rows of (1 gap + 2 pixels)
    assert.equal(z[0].length, 5);
    assert.equal(z.length, 6);
    assert.deepEqual(z[1], [0, 1, null, 4, 5]);
    assert.deepEqual(z[2], [2, 3, null, 6, 7]);
    assert.deepEqual(z[4], [8, 9, null, null, null]);
  });

  test("labels become escaped annotations above each image", () => {
    const fig = imageGrid(images, { labels: ["0", "<b>1</b>", 2] });
    const notes = fig.layout.annotations as T[];
    assert.deepEqual(notes.map((a) => a.text), ["0", "&lt;b&gt;1&lt;/b&gt;", "2"]);
  });

  test("errors name the problem", () => {
    assert.throws(() => imageGrid([]), /imageGrid: no images/);
    assert.throws(() => imageGrid([[1, 2, 3]]), /3 pixels per image do not make a 2 x 1.5 image/);
    assert.throws(() => imageGrid(images, { labels: ["a"] }), /imageGrid: 1 labels for 3 images/);
    assert.throws(() => imageGrid([[1, 2, 3, 4], [1, 2]]), /imageGrid: image 1 has 2 pixels, image 0 has 4/);
  });
});

describe("HTML", () => {
  const fig: Figure = linePlot([{ name: "</script><script>alert(1)</script>", y: [1, 2] }]);

  test("a figure is a plot container with its description as caption, and a script that waits for plotly and the container", () => {
    const html = figureHtml(fig, "p1");
    assert.match(html, /^<figure class="scratchnet-figure"[^>]*>\n<div id="p1" class="scratchnet-plot" style="width:100%;max-width:100%;height:400px"><\/div>\n<figcaption class="scratchnet-caption"[^>]*>Line chart\. [^<]*<\/figcaption>\n<\/figure>\n<script>/);
    assert.ok(html.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; rises from 1 to 2."), "the caption names the series, escaped");
    assert.match(html, /window\.Plotly\.newPlot\(el, spec\.data, spec\.layout, spec\.config\)/);
    assert.equal(html.match(/<\/script>/g)?.length, 1, "data cannot close the script early");
    assert.ok(!html.includes("<script>alert"));
  });

  test("figure ids are unique", () => {
    const ids = [figureHtml(fig), figureHtml(fig)].map((h) => /id="([^"]+)"/.exec(h)?.[1]);
    assert.notEqual(ids[0], ids[1]);
  });

  test("the loader is a script src when exporting, the wrapped bundle when live", () => {
    assert.equal(plotlyLoaderHtml('assets/plotly.min.js?a="b"'), '<script src="assets/plotly.min.js?a=&quot;b&quot;"></script>');
    const inline = plotlyLoaderHtml();
    assert.ok(inline.length > 1_000_000);
    assert.equal(inline.match(/<\/script/gi)?.length, 1);
    assert.match(plotlyBundle(), /^\(function \(define, module, exports\) \{/);
    assert.match(plotlyBundle(), /window\.Plotly = Plotly/);
  });

  test("escapeHtml", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("PlotSession", () => {
  const fig = lossPlot([1, 0.5]);

  test("sends plotly.js once per session, as its own output, before the first figure", () => {
    const r = recorder();
    const session = new PlotSession({ display: r.display, plotlyUrl: "assets/plotly.min.js" });
    session.show(fig);
    session.show(fig);
    assert.deepEqual(
      r.outputs.map((o) => o.text.slice(0, 25)),
      ['<script src="assets/plotl', '<figure class="scratchnet', '<figure class="scratchnet'],
    );
    const other = recorder();
    new PlotSession({ display: other.display, plotlyUrl: "x.js" }).show(fig);
    assert.equal(other.outputs.length, 2, "a new session sends it again");
  });

  test("inlines plotly.js when no URL is given", () => {
    const r = recorder();
    const saved = process.env.SCRATCHNET_PLOTLY_URL;
    delete process.env.SCRATCHNET_PLOTLY_URL;
    try {
      new PlotSession({ display: r.display }).show(fig);
    } finally {
      if (saved !== undefined) process.env.SCRATCHNET_PLOTLY_URL = saved;
    }
    assert.ok(r.outputs[0].text.startsWith("<script>(function (define, module, exports)"));
  });

  test("latex: a mathjs-like node or a string, shown as display math", () => {
    const r = recorder();
    const session = new PlotSession({ display: r.display });
    session.latex({ toTex: () => "\\frac{1}{2}" }, "f(x) =");
    session.latex("x^2");
    assert.deepEqual(r.outputs.map((o) => [o.kind, o.text]), [["latex", "$$f(x) = \\frac{1}{2}$$"], ["latex", "$$x^2$$"]]);
  });

  test("liveLoss redraws one updatable display, at most every intervalMs, and done() draws the last state", () => {
    const r = recorder();
    const session = new PlotSession({ display: r.display, newDisplay: r.newDisplay, plotlyUrl: "p.js" });
    const live = session.liveLoss({ intervalMs: 60_000 });
    live.update(0.9);
    live.update(0.5);
    live.update(0.3);
    assert.equal(r.outputs.length, 2, "the loader, then the first draw; later updates wait");
    live.done();
    assert.deepEqual(live.losses, { loss: [0.9, 0.5, 0.3] });
    assert.deepEqual(r.outputs.map((o) => o.display), [0, 1, 1]);
    assert.ok(r.outputs[2].text.includes("[0.9,0.5,0.3]"));
  });

  test("outside a notebook, showPlot says it needs the tslab kernel", () => {
    assert.throws(() => showPlot(fig), /plot: showing a figure needs the tslab kernel \(run it in a notebook\)/);
  });

  test("liveLoss takes named series", () => {
    const r = recorder();
    const live = new PlotSession({ display: r.display, newDisplay: r.newDisplay, plotlyUrl: "p.js" }).liveLoss({ intervalMs: 0 });
    live.update({ train: 1, test: 2 });
    live.update({ train: 0.5, test: 1.5 });
    assert.deepEqual(live.losses, { train: [1, 0.5], test: [2, 1.5] });
    assert.equal(r.outputs.length, 3);
  });
});

describe("descriptions written from the data", () => {
  const x = Array.from({ length: 161 }, (_, i) => -8 + i / 10);
  const sig = x.map((v) => 1 / (1 + Math.exp(-v)));

  test("a line chart says its range, and where each line rises, falls or peaks", () => {
    const text = describeFigure(linePlot([{ name: "sigmoid(x)", x, y: sig }, { name: "its derivative", x, y: sig.map((s) => s * (1 - s)) }], { title: "Sigmoid", xLabel: "x" }));
    assert.equal(
      text,
      "Line chart: Sigmoid. The x axis runs from \u22128 to 8. sigmoid(x) rises from 0.000335 to 1. " +
        "its derivative peaks at 0.25 at x = 0, from 0.000335 and back to 0.000335.",
    );
  });

  test("a loss curve that is not monotone gives its lowest and highest epoch", () => {
    assert.equal(
      describeFigure(lossPlot([0.7, 0.4, 0.5, 0.1])),
      "Line chart. The epoch axis runs from 1 to 4. loss goes from 0.7 to 0.1, lowest 0.1 at epoch = 4, highest 0.7 at epoch = 1.",
    );
    assert.match(describeFigure(lossPlot({ train: [1, 0.5], test: [1, 1] })), /train falls from 1 to 0\.5\. test stays at 1\.$/);
  });

  test("a scatter plot counts each class's points; a decision boundary says how many the model gets right", () => {
    const X = [[0, 0], [1, 0], [0, 1], [1, 1]];
    const y = [0, 1, 1, 1];
    assert.equal(
      describeFigure(scatterPlot(X, y, { classNames: ["no", "yes"] })),
      "Scatter plot. no: a point at (x = 0, y = 0). yes: 3 points at (x = 1, y = 0), (x = 0, y = 1), (x = 1, y = 1).",
    );
    // x + y > 1.5 calls only (1, 1) class 1: 2 of the 4 points are right
    const fig = decisionBoundary((g) => Matrix.from(g.toArray().map(([a, b]) => [a + b > 1.5 ? 1 : 0])), X, y, { resolution: 5 });
    const text = describeFigure(fig);
    assert.match(text, /^Contour map\. The model puts 2 of the 4 points in their own class\. /);
    assert.match(text, /boundary \(0\.5\): a line where the value is 0\.5\./);
    const three = decisionBoundary((g) => Matrix.from(g.toArray().map(([a]) => (a < 0.5 ? [1, 0, 0] : [0, 0, 1]))), X, [0, 2, 0, 2], { resolution: 4 });
    assert.match(describeFigure(three), /^Heatmap\. The model puts 4 of the 4 points in their own class\. predicted class over x from \u22120\.1 to 1\.1 and y from \u22120\.1 to 1\.1: 0 on 50%, 2 on 50% of the area\./);
  });

  test("traces added after building are described; an explicit description wins", () => {
    const fig = scatterPlot([[0, 0], [1, 1]], [0, 1]);
    fig.data.push({ type: "scatter", mode: "lines", name: "r = 5", x: [0, 1, 2], y: [5, 5, 5] });
    assert.match(describeFigure(fig), /^Chart\. .*r = 5 stays at 5 over x from 0 to 2\.$/);
    fig.description = "Two points and a circle.";
    assert.equal(describeFigure(fig), "Two points and a circle.");
    assert.ok(figureHtml(fig, "p").includes(">Two points and a circle.</figcaption>"));
  });

  test("images, bars and a confusion matrix", () => {
    assert.equal(
      describeFigure(imageGrid([[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 1, 1]], { labels: ["a", "b", "c"], columns: 2, title: "tiles" })),
      "Grid of 3 grey-scale images (tiles), 2 by 2 pixels each, in 2 rows of 2; labelled, in reading order: a, b, c.",
    );
    const bars = describeFigure({ data: [{ type: "bar", name: "inner", x: [0.25, 0.75, 1.25], y: [3, 9, 2] }], layout: { xaxis: { title: { text: "r" } } } });
    assert.equal(bars, "Bar chart. inner: 3 bars over r from 0.25 to 1.25, the highest 9 at r = 0.75, 14 in all.");
    const cm = describeFigure({
      data: [{ type: "heatmap", z: [[5, 1], [0, 4]], x: ["0", "1"], y: ["0", "1"] }],
      layout: { title: { text: "Confusion matrix" }, xaxis: { title: { text: "predicted" } }, yaxis: { title: { text: "true" } } },
    });
    assert.equal(
      cm,
      "Heatmap: Confusion matrix. values in a table of 2 rows (true) by 2 columns (predicted): from 0 at predicted = 0, true = 1 " +
        "to 5 at predicted = 0, true = 0; the diagonal (predicted equal to true) holds 9 of 10 (90%).",
    );
  });

  test("an SVG gets role img, a <title> and a <desc>, escaped; a network is described from its numbers", () => {
    const desc = networkDescription([["x1", "x2"], ["o1"]], [[2, 3], [0.25]], [[[0.5], [-1]]], [[], [0.1]]);
    assert.equal(desc, "A network of 2 layers (2-1). Inputs: x1 = 2, x2 = 3. Output: o1 = 0.25 (bias 0.1). Weights: x1 to o1 0.5, x2 to o1 \u22121.");
    const svg = svgWithText('<svg xmlns="http://www.w3.org/2000/svg" width="10"><circle r="1"/></svg>', "A <net>", desc, "n");
    assert.equal(
      svg,
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" role="img" aria-labelledby="n-title n-desc"><title id="n-title">A &lt;net&gt;</title>' +
        `<desc id="n-desc">${desc}</desc><circle r="1"/></svg>`,
    );
    assert.throws(() => svgWithText("<div></div>", "t", "d"), /no <svg> element/);
    assert.throws(() => networkDescription([["a"], ["b"]], [[1], [2]], []), /1 weight matrices \(want 1\)|0 weight matrices \(want 1\)/);
  });
});

describe("networkSvg", () => {
  const net = Network.fromJSON({ layers: [
    { weights: [[0, 0], [1, 1]], biases: [0, 0], activation: "sigmoid" },
    { weights: [[0], [1]], biases: [0], activation: "sigmoid" },
  ] });
  test("draws every neuron with its value and bias and every weight, from the network's own forward pass", () => {
    const svg = networkSvg(net, [2, 3], { names: [["x1", "x2"], ["h1", "h2"], ["o<1>"]] });
    assert.equal(svg.match(/<circle /g)?.length, 5);
    assert.equal(svg.match(/<line /g)?.length, 6);
    assert.ok(svg.includes(">0.7216<") && svg.includes(">0.9526<") && svg.includes(">w = 1<") && svg.includes(">b = 0<"));
    assert.ok(svg.includes("o&lt;1&gt;") && !svg.includes("o<1>"), "labels are escaped");
    assert.match(svg, /<title id="[^"]+">The network for x = \(2, 3\)<\/title>/);
    assert.ok(svg.includes("Output: o&lt;1&gt; = 0.722 (bias 0)"), "described in words too");
  });
  test("a wrong number of inputs or names is an error that says what the network takes", () => {
    assert.throws(() => networkSvg(net, [1]), { message: "networkSvg: the network takes 2 inputs, got 1" });
    assert.throws(() => networkSvg(net, [1, 2], { names: [["a"], ["b"], ["c"]] }), { message: "networkSvg: names must give [2,2,1] neurons per layer" });
  });
});
