/**
 * showWidget's output, without a browser: the bundle goes out once per session (inlined, or as a
 * <script src> to the export's asset), each widget is a [data-widget] div plus a mounting script,
 * options become plain JSON (a Matrix as arrays, a Network as its toJSON), text stays text, and a
 * wrong name or option is refused before anything is sent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Matrix, Network } from "../src/index";
import { WIDGET_NAMES, WidgetSession, widgetHtml, widgetsBundle, widgetsLoaderHtml } from "../src/show/show-widget";

function session(bundleUrl?: string) {
  const sent: string[] = [];
  return { sent, s: new WidgetSession({ display: { html: (h) => sent.push(h) }, bundleUrl }) };
}

const optionsOf = (html: string) => {
  const m = /data-widget-options="([^"]*)"/.exec(html);
  assert.ok(m, html);
  const text = m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return JSON.parse(text) as Record<string, unknown>;
};

test("the widget names are the contract: neuron, circle-playground, playground, descent", () => {
  assert.deepEqual([...WIDGET_NAMES], ["neuron", "circle-playground", "playground", "descent"]);
});

test("the bundle is sent once per session, inlined, before the first widget", () => {
  const { sent, s } = session();
  s.show("neuron");
  s.show("circle-playground", { hidden: [3] });
  assert.equal(sent.length, 3);
  assert.ok(sent[0].startsWith("<script>") && sent[0].includes("scratchnetWidgets"), "the inlined bundle first");
  assert.ok(!/<\/script/i.test(sent[0].slice("<script>".length, -"</script>".length)), "no </script> inside the inlined bundle");
  assert.match(sent[1], /^<div id="scratchnet-widget-[0-9a-f]+-\d+" class="scratchnet-widget" data-widget="neuron"/);
  assert.match(sent[2], /data-widget="circle-playground"/);
  assert.deepEqual(optionsOf(sent[2]), { hidden: [3] });
});

test("with a bundle URL (the export), a <script src> instead, escaped", () => {
  const { sent, s } = session('assets/widgets.js?a="b"');
  s.show("descent");
  assert.equal(sent[0], '<script src="assets/widgets.js?a=&quot;b&quot;"></script>');
  assert.equal(widgetsLoaderHtml("assets/widgets.js"), '<script src="assets/widgets.js"></script>');
  assert.ok(widgetsBundle().length > 10_000, "dist/widgets.js is built");
});

test("a Matrix and a Network become plain JSON; text stays text", () => {
  const net = new Network({ sizes: [2, 2, 1], activations: ["sigmoid", "sigmoid"], seed: 3 });
  const html = widgetHtml("descent", { network: net, X: Matrix.from([[1, 2], [3, 4]]), y: new Float64Array([0, 1]), note: `</script><b>"x"</b>` });
  const options = optionsOf(html);
  assert.deepEqual(options.network, JSON.parse(JSON.stringify(net.toJSON())));
  assert.deepEqual(options.X, [[1, 2], [3, 4]]);
  assert.deepEqual(options.y, [0, 1]);
  assert.equal(options.note, `</script><b>"x"</b>`);
  assert.ok(!html.includes("<b>"), "no markup from the options reaches the page");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, "only the mounting script's own end tag");
});

test("a wrong name or option is refused before anything is sent", () => {
  const { sent, s } = session();
  assert.throws(() => s.show("sandbox" as never), /unknown widget "sandbox"; valid names are neuron, circle-playground, playground, descent/);
  assert.throws(() => s.show("neuron", { bias: () => 1 }), /option neuron\.bias is a function/);
  assert.throws(() => s.show("neuron", { bias: NaN }), /option neuron\.bias is NaN/);
  assert.deepEqual(sent, []);
});
