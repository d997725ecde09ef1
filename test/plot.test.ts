/**
 * The plot helpers without a browser: the plotly specs they build, the HTML they emit, and the
 * once-per-session sending of plotly.js. test/browser/plots.test.ts draws the same in Chromium.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Matrix } from "../src/matrix";
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
} from "../src/plot";

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

  test("predict gets the whole grid once, covering the data plus the margin", () => {
    let calls = 0;
    let seen = new Matrix(1, 1);
    decisionBoundary((grid) => ((calls++, (seen = grid)), new Matrix(grid.rows, 1)), X, y, { resolution: 5, margin: 0.1 });
    assert.equal(calls, 1);
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

  test("a figure is a plot container and a script that waits for plotly and the container", () => {
    const html = figureHtml(fig, "p1");
    assert.match(html, /^<div id="p1" class="scratchnet-plot" style="width:100%;max-width:100%;height:400px"><\/div>/);
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
      ['<script src="assets/plotl', '<div id="scratchnet-plot-', '<div id="scratchnet-plot-'],
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
