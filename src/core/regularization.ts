/**
 * Regularisation (weight decay): a penalty on large weights added to the loss, so that the
 * network prefers small weights and smoother boundaries when the data are few or noisy.
 *
 *   L2: R(W) = ½ Σ w²    dR/dw = w
 *   L1: R(W) = Σ |w|     dR/dw = sign(w)   (0 at w = 0)
 *
 * Training minimises loss + rate · R over the weights of every layer; the biases are not
 * penalised (they only shift a boundary, they do not make it steeper). The optimizer adds
 * rate · dR/dw to each weight's gradient (optimizers.ts), so every optimizer decays the same way.
 */
import { Matrix } from "./matrix";

export const REGULARIZATION_KINDS = ["l2", "l1"] as const;
export type RegularizationKind = (typeof REGULARIZATION_KINDS)[number];

/** `fit`'s `regularization` option: which penalty, and its rate λ (≥ 0; 0 is none). */
export interface Regularization {
  kind: RegularizationKind;
  rate: number;
}

/** Checks `fit`'s option; undefined and null mean no regularisation. */
export function checkRegularization(r: unknown): Regularization | null {
  if (r === undefined || r === null) return null;
  const given = r as Partial<Regularization>;
  if (typeof r !== "object" || !(REGULARIZATION_KINDS as readonly string[]).includes(given.kind as string)) {
    throw new RangeError(
      `fit: regularization must be { kind: "l2" or "l1", rate }, got ${JSON.stringify(r)}`,
    );
  }
  if (typeof given.rate !== "number" || !Number.isFinite(given.rate) || given.rate < 0) {
    throw new RangeError(`fit: regularization rate must be a finite number >= 0, got ${String(given.rate)}`);
  }
  return { kind: given.kind as RegularizationKind, rate: given.rate };
}

/** dR/dw for one weight: w for L2, sign(w) for L1. */
export function penaltySlope(kind: RegularizationKind, w: number): number {
  return kind === "l2" ? w : Math.sign(w);
}

/**
 * rate · R summed over the given weight matrices: what training adds to the loss.
 * @example penalty([Matrix.from([[3, -4]])], { kind: "l2", rate: 0.1 }) // 0.1 * ½ (9 + 16) = 1.25
 */
export function penalty(weights: readonly Matrix[], r: Regularization): number {
  let sum = 0;
  for (const W of weights) for (const w of W.data) sum += r.kind === "l2" ? 0.5 * w * w : Math.abs(w);
  return r.rate * sum;
}
