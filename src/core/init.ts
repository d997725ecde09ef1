/**
 * Initialisers: the random starting weights of a layer.
 * Each draws W (nIn, nOut) and then, when the layer has them, b (1, nOut), from one RandomState.
 */
import { Matrix } from "./matrix";
import { RandomState } from "../numerics/random";

export const INIT_NAMES = ["truncatedNormal", "uniform", "normal", "xavier", "he"] as const;
export type InitName = (typeof INIT_NAMES)[number];

export interface InitialParams {
  W: Matrix; // (nIn, nOut)
  b: Matrix | null; // (1, nOut)
}

/**
 * Draws a layer's starting parameters.
 *
 * - "truncatedNormal" (article 002): W and b from N(0, 1) truncated to [-1, 1], rounded to 3 decimals.
 * - "uniform" (article 001): W and b from U[0, 1), drawn as `rand(nIn, nOut)` exactly as NumPy.
 * - "normal" (article 000): W and b from N(0, 1), drawn as `randn(nIn, nOut)`.
 * - "xavier" (Glorot uniform): W from U(-l, l) with l = sqrt(6 / (nIn + nOut)); b = 0.
 * - "he": W from N(0, 2 / nIn); b = 0. Suits ReLU layers.
 * @example initialParams("he", 2, 4, true, new RandomState(0)).W.shape // "(2, 4)"
 */
export function initialParams(init: InitName, nIn: number, nOut: number, bias: boolean, rng: RandomState): InitialParams {
  switch (init) {
    case "truncatedNormal": {
      const round3 = (x: number) => Math.round(x * 1000) / 1000;
      const W = rng.truncatedNormal(-1, 1, 0, 1, nIn, nOut).map(round3);
      const b = bias ? rng.truncatedNormal(-1, 1, 0, 1, 1, nOut).map(round3) : null;
      return { W, b };
    }
    case "uniform":
      return { W: rng.rand(nIn, nOut), b: bias ? rng.rand(1, nOut) : null };
    case "normal":
      return { W: rng.randn(nIn, nOut), b: bias ? rng.randn(1, nOut) : null };
    case "xavier": {
      const limit = Math.sqrt(6 / (nIn + nOut));
      return { W: rng.uniform(-limit, limit, nIn, nOut), b: bias ? new Matrix(1, nOut) : null };
    }
    case "he":
      return { W: rng.normal(0, Math.sqrt(2 / nIn), nIn, nOut), b: bias ? new Matrix(1, nOut) : null };
    default:
      throw new RangeError(`init: unknown initialiser ${JSON.stringify(init)}; valid names are ${INIT_NAMES.join(", ")}`);
  }
}
