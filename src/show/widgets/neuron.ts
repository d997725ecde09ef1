/**
 * The `neuron` widget (notebook 01): sliders for the two weights, the bias and the two inputs;
 * the library's `Neuron` computes the weighted sum z and the output sigma(z), shown as numbers
 * and as a point on the sigmoid curve.
 */
import { Neuron, sigmoid } from "../../core/neuron";
import { Canvas, figure, h, slider } from "./ui";

export interface NeuronOptions {
  weights?: [number, number];
  bias?: number;
  inputs?: [number, number];
}

export interface NeuronController {
  /** The current z and sigma(z), as the page shows them. */
  state(): { weights: number[]; bias: number; inputs: number[]; z: number; output: number };
  destroy(): void;
}

const Z_RANGE = 10;

export function mountNeuron(root: HTMLElement, options: NeuronOptions = {}): NeuronController {
  const w = options.weights ?? [0, 1];
  const x = options.inputs ?? [2, 3];
  const fmt = (v: number) => v.toFixed(1);
  const w1 = slider("weight w₁", { name: "w1", min: -4, max: 4, step: 0.1, value: w[0], format: fmt });
  const w2 = slider("weight w₂", { name: "w2", min: -4, max: 4, step: 0.1, value: w[1], format: fmt });
  const b = slider("bias b", { name: "b", min: -6, max: 6, step: 0.1, value: options.bias ?? 4, format: fmt });
  const x1 = slider("input x₁", { name: "x1", min: -4, max: 4, step: 0.1, value: x[0], format: fmt });
  const x2 = slider("input x₂", { name: "x2", min: -4, max: 4, step: 0.1, value: x[1], format: fmt });

  const zOut = h("output", { class: "snw-z", "aria-label": "weighted sum z" });
  const yOut = h("output", { class: "snw-y", "aria-label": "output sigma of z" });
  const formula = h("div", { class: "snw-readout snw-formula" });
  const readout = h("div", { class: "snw-readout", "aria-live": "polite" }, "z = ", zOut, "   σ(z) = ", yOut);

  const plot = new Canvas(380, 230, -Z_RANGE, Z_RANGE, -0.05, 1.05, { l: 40, r: 10, t: 10, b: 34 }, "");
  root.append(
    h("div", { class: "snw-row" },
      h("div", { class: "snw-sliders", role: "group", "aria-label": "the neuron's weights, bias and inputs" },
        w1.wrap, w2.wrap, b.wrap, x1.wrap, x2.wrap),
      figure(plot, "The sigmoid σ(z); the dot is this neuron's z and output.")),
    formula,
    readout,
  );

  let state = { weights: w.slice(), bias: 0, inputs: x.slice(), z: 0, output: 0 };
  const update = () => {
    const weights = [w1.value(), w2.value()];
    const inputs = [x1.value(), x2.value()];
    const bias = b.value();
    const neuron = new Neuron(weights, bias);
    const z = neuron.total(inputs);
    const output = neuron.feedforward(inputs);
    state = { weights, bias, inputs, z, output };
    zOut.textContent = z.toFixed(2);
    yOut.textContent = output.toFixed(4);
    formula.textContent =
      `z = w₁·x₁ + w₂·x₂ + b = ${fmt(weights[0])}·${fmt(inputs[0])} + ${fmt(weights[1])}·${fmt(inputs[1])} + ${fmt(bias)} = ${z.toFixed(2)}`;
    draw(plot, z, output);
  };
  for (const s of [w1, w2, b, x1, x2]) s.input.addEventListener("input", update);
  update();
  return {
    state: () => ({ ...state, weights: state.weights.slice(), inputs: state.inputs.slice() }),
    destroy: () => root.replaceChildren(),
  };
}

function draw(p: Canvas, z: number, y: number): void {
  const c = p.ctx;
  p.clear();
  p.axes("z", "σ(z)", 4, (v) => String(Math.round(v * 100) / 100));
  p.clip();
  c.strokeStyle = "#bbb";
  c.setLineDash([4, 4]);
  c.beginPath();
  c.moveTo(p.px(-Z_RANGE), p.py(0.5));
  c.lineTo(p.px(Z_RANGE), p.py(0.5));
  c.moveTo(p.px(0), p.py(0));
  c.lineTo(p.px(0), p.py(1));
  c.stroke();
  c.setLineDash([]);
  c.strokeStyle = "#1f77b4";
  c.lineWidth = 2;
  c.beginPath();
  for (let i = 0; i <= 200; i++) {
    const v = -Z_RANGE + (2 * Z_RANGE * i) / 200;
    const X = p.px(v), Y = p.py(sigmoid(v));
    if (i === 0) c.moveTo(X, Y);
    else c.lineTo(X, Y);
  }
  c.stroke();
  // The point: past the plotted range it sits at the edge, hollow, to say "further this way".
  const inside = Math.abs(z) <= Z_RANGE;
  const zx = Math.max(-Z_RANGE, Math.min(Z_RANGE, z));
  c.fillStyle = "#ff7f0e";
  c.strokeStyle = "#222";
  c.lineWidth = 1.5;
  c.beginPath();
  c.arc(p.px(zx), p.py(y), 6, 0, 2 * Math.PI);
  if (inside) c.fill();
  c.stroke();
  p.unclip();
  p.el.setAttribute("aria-label", `The sigmoid curve, with this neuron's point at z = ${z.toFixed(2)}, output ${y.toFixed(4)}`);
}
