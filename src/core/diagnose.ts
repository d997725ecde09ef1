/**
 * Why a network has stopped learning, said in words. `fit` hands each epoch's loss to a
 * `StallWatch`; when the loss has not moved for a while, the watch looks at the layers' last
 * forward pass (over all training rows) for a layer whose every unit has a zero or nearly zero
 * slope: all its ReLUs dead, or all its sigmoids / tanhs saturated. Through such a layer no
 * gradient flows, so nothing before it can learn, however long training goes on. It says so once.
 */
import { Layer } from "./layer";

/** Epochs in a row with an unchanged loss before the layers are examined. */
export const STALL_EPOCHS = 20;
/** A sigmoid or tanh whose slope is below this on every row is saturated: its gradient is ~0. */
export const SATURATED_SLOPE = 1e-4;

/**
 * What is wrong with the layers whose units all have a (nearly) zero slope f'(Z) on every row of
 * their last forward pass, in words a learner can act on; or null when every layer still passes a
 * gradient. Layers are numbered from 0, as in `net.layers[l]`.
 */
export function stuckLayers(layers: readonly Layer[], learningRate: number): string | null {
  const found: string[] = [];
  let dead = false;
  layers.forEach((layer, l) => {
    const { activation } = layer;
    if (!activation.df) return; // softmax: its slope is a whole Jacobian, and it does not die
    const Z = layer.preActivation; // (n, nOut), the last forward pass: all training rows
    let steepest = 0;
    for (let i = 0; i < Z.data.length; i++) steepest = Math.max(steepest, Math.abs(activation.df(Z.data[i])));
    const where = `layer ${l} (${activation.name}, ${Z.cols} unit${Z.cols === 1 ? "" : "s"})`;
    if (activation.name === "relu" && steepest === 0) {
      dead = true;
      found.push(`Every unit of ${where} is dead: its total input is negative for every training point, so it outputs 0 and passes no gradient back.`);
    } else if (activation.name !== "relu" && steepest < SATURATED_SLOPE) {
      found.push(`Every unit of ${where} is saturated: for every training point its output sits on a flat end of the ${activation.name}, where the slope is below ${SATURATED_SLOPE}, so almost no gradient passes through it.`);
    }
  });
  if (found.length === 0) return null;
  const smaller = `a smaller learning rate than ${learningRate} (such as ${learningRate / 100})`;
  const advice = dead
    ? `A step that was too large usually does this. Try ${smaller}, and start again from fresh weights: dead units do not come back.`
    : `Try ${smaller}, inputs scaled to about -1..1, or ReLU in the hidden layers.`;
  return `fit: the loss has not moved for ${STALL_EPOCHS} epochs. ${found.join(" ")} ${advice}`;
}

/**
 * Watches the loss epoch by epoch during one `fit` and, once it has stayed the same for
 * STALL_EPOCHS epochs, asks `stuckLayers` why; prints its answer once (console.warn).
 */
export class StallWatch {
  private last = NaN;
  private still = 0;
  private said = false;

  constructor(
    private readonly layers: readonly Layer[],
    private readonly learningRate: number,
    private readonly say: (message: string) => void = (m) => console.warn(m),
  ) {}

  /** The loss after an epoch; the layers must still hold that epoch's forward pass over all rows. */
  epoch(loss: number): void {
    if (this.said) return;
    // "Not moved": equal to about twelve digits, so slow but real progress never counts as a stall.
    this.still = Math.abs(loss - this.last) <= 1e-12 * Math.max(1, Math.abs(loss)) ? this.still + 1 : 0;
    this.last = loss;
    if (this.still < STALL_EPOCHS) return;
    const why = stuckLayers(this.layers, this.learningRate);
    if (why) {
      this.say(why);
      this.said = true;
    }
  }
}
