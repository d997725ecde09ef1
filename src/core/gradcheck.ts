/**
 * Gradient checking: backpropagation's gradients against central finite differences.
 * Slow on purpose (several forward passes per parameter); it is a test, not a trainer.
 */
import { Loss, LossName } from "./losses";
import { MatrixLike, Network, TargetsLike } from "./network";

export interface ParamCheck {
  layer: number;
  param: "W" | "b";
  /** Largest relative error over the entries of this parameter. */
  maxRelativeError: number;
  /** Largest absolute difference over the entries. */
  maxAbsoluteError: number;
}

export interface GradientCheckResult {
  /** The worst relative error over every parameter of every layer. */
  maxRelativeError: number;
  params: ParamCheck[];
}

export interface GradientCheckOptions {
  /** The step h of the central difference (default 1e-4 for order 4, 1e-5 for order 2). */
  epsilon?: number;
  /**
   * 2: the two-point difference (L(p + h) - L(p - h)) / 2h, error O(h^2).
   * 4 (default): the five-point one (8 (L(p+h) - L(p-h)) - (L(p+2h) - L(p-2h))) / 12h, error O(h^4),
   * which leaves rounding as the only noise.
   */
  order?: 2 | 4;
  /**
   * Gradients smaller than this in magnitude are compared absolutely: the relative error's
   * denominator is max(|analytic|, |numeric|, floor) (default 1e-4), so rounding noise on a
   * gradient that is really 0 does not count as a 100% error.
   */
  floor?: number;
}

/**
 * Compares `net.gradients(X, y, loss)` with a central difference for every weight and bias.
 * Near a kink (ReLU at z = 0) a finite difference is not a derivative: check away from kinks.
 *
 * relative error = |analytic - numeric| / max(|analytic|, |numeric|, floor)
 * @example gradientCheck(net, X, y, "mse").maxRelativeError < 1e-6 // true
 */
export function gradientCheck(
  net: Network,
  X: MatrixLike,
  y: TargetsLike,
  loss: LossName | Loss = "mse",
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const order = options.order ?? 4;
  const h = options.epsilon ?? (order === 4 ? 1e-4 : 1e-5);
  const floor = options.floor ?? 1e-4;
  const analytic = net.gradients(X, y, loss);
  const params: ParamCheck[] = [];
  net.layers.forEach((layer, l) => {
    const pairs: ["W" | "b", Float64Array | undefined, Float64Array | undefined][] = [
      ["W", layer.W.data, analytic[l].dW.data],
      ["b", layer.b?.data, analytic[l].db?.data],
    ];
    for (const [name, p, g] of pairs) {
      if (!p || !g) continue;
      let maxRel = 0, maxAbs = 0;
      for (let i = 0; i < p.length; i++) {
        const saved = p[i];
        const lossAt = (offset: number) => {
          p[i] = saved + offset;
          return net.evaluate(X, y, loss);
        };
        const d1 = lossAt(h) - lossAt(-h);
        const numeric = order === 2 ? d1 / (2 * h) : (8 * d1 - (lossAt(2 * h) - lossAt(-2 * h))) / (12 * h);
        p[i] = saved;
        const diff = Math.abs(g[i] - numeric);
        maxAbs = Math.max(maxAbs, diff);
        maxRel = Math.max(maxRel, diff / Math.max(Math.abs(g[i]), Math.abs(numeric), floor));
      }
      params.push({ layer: l, param: name, maxRelativeError: maxRel, maxAbsoluteError: maxAbs });
    }
  });
  return { maxRelativeError: Math.max(0, ...params.map((p) => p.maxRelativeError)), params };
}
