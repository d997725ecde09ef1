/**
 * The first article's 2-2-1 network named by its nine numbers (w1..w6, b1..b3), which notebooks
 * 03 and 04 both build. Only a bridge between those names and a `Network`; no training here.
 */
import { Matrix } from "../core/matrix";
import { LayerGradients, Network } from "../core/network";
import { RandomState } from "../numerics/random";

/** The nine numbers in the order the article draws them: w1..w6, then b1, b2, b3. */
export const PARAM_NAMES = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"] as const;

/** The nine numbers of the 2-2-1 network by name: { w1, ..., w6, b1, b2, b3 }. */
export type Params = Record<string, number>;

/**
 * The 2-2-1 sigmoid network with h1 = σ(w1 x1 + w2 x2 + b1), h2 = σ(w3 x1 + w4 x2 + b2) and
 * ŷ = σ(w5 h1 + w6 h2 + b3). Column j of a layer's W holds neuron j's weights, so the hidden
 * W is [[w1, w3], [w2, w4]] (2, 2), b is [b1, b2] (1, 2), and the output W is [[w5], [w6]] (2, 1).
 * @example buildNetwork(startingParams(0)).predict([[-2, -1]]).shape // "(1, 1)"
 */
export function buildNetwork(p: Params): Network {
  return Network.fromJSON({
    layers: [
      { weights: [[p.w1, p.w3], [p.w2, p.w4]], biases: [p.b1, p.b2], activation: "sigmoid" },
      { weights: [[p.w5], [p.w6]], biases: [p.b3], activation: "sigmoid" },
    ],
  });
}

/**
 * The nine numbers read back from a 2-2-1 network's parameters, or from its gradients (the
 * `dW`/`db` that `Network.gradients` returns), with the layout of `buildNetwork`.
 * @example paramsOf(buildNetwork(startingParams(0))).w1 // 1.764052345967664
 */
export function paramsOf(from: Network | LayerGradients[]): Params {
  const layers = from instanceof Network ? from.layers.map((l) => ({ dW: l.W, db: l.b })) : from;
  if (layers.length !== 2 || layers[0].dW.shape !== "(2, 2)" || layers[1].dW.shape !== "(2, 1)") {
    throw new Error("paramsOf: expected a 2-2-1 network (hidden W (2, 2), output W (2, 1))");
  }
  const [hidden, output] = layers;
  const b = (m: Matrix | null, j: number) => (m ? m.get(0, j) : 0);
  return {
    w1: hidden.dW.get(0, 0), w2: hidden.dW.get(1, 0), w3: hidden.dW.get(0, 1), w4: hidden.dW.get(1, 1),
    w5: output.dW.get(0, 0), w6: output.dW.get(1, 0),
    b1: b(hidden.db, 0), b2: b(hidden.db, 1), b3: b(output.db, 0),
  };
}

/**
 * The article's starting numbers: nine standard normal draws, w1..w6 then b1..b3, as
 * `np.random.normal()` gives them after `np.random.seed(seed)`.
 * @example startingParams(0).w1 // 1.764052345967664
 */
export function startingParams(seed: number): Params {
  const rng = new RandomState(seed);
  const p: Params = {};
  for (const name of PARAM_NAMES) p[name] = rng.randn();
  return p;
}
