/**
 * Datasets of the course: the articles' small tables, seeded synthetic sets (rings, moons, spirals, XOR),
 * the shipped digits and iris files, and the tools to split and encode them. Plotting lives elsewhere.
 */
import { join } from "path";
import { readCsv, CsvTable } from "./csv";
import { Matrix } from "../core/matrix";
import { RandomState } from "../numerics/random";

/** A labelled dataset: features X (n, features) and labels y (n, 1). */
export interface Dataset {
  X: Matrix; // (n, features)
  y: Matrix; // (n, 1)
}

/** Where randomness comes from: a seed, or a generator shared with the rest of a notebook. */
export interface SeedOptions {
  /** Seed of a fresh RandomState (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from; it advances, so later draws in the notebook change. */
  rng?: RandomState;
}

/** Pounds subtracted from the weights in article 000 ("to make the numbers look nice"). */
export const WEIGHT_SHIFT_LB = 135;
/** Inches subtracted from the heights in article 000. */
export const HEIGHT_SHIFT_IN = 66;

/** People of article 000: shifted features, labels, and the raw measurements. */
export interface PeopleDataset extends Dataset {
  /** One name per row. */
  names: string[];
  /** The unshifted measurements, (n, 2): weight in pounds, height in inches. */
  raw: Matrix;
  /** What the two columns of X hold. */
  featureNames: [string, string];
}

const PEOPLE: [string, number, number, number][] = [
  // name, weight (lb), height (in), gender (1 = female, 0 = male)
  ["Alice", 133, 65, 1],
  ["Bob", 160, 72, 0],
  ["Charlie", 152, 70, 0],
  ["Diana", 120, 60, 1],
];

const NEWCOMERS: [string, number, number, number][] = [
  // The genders are what the article's trained network predicts for them (0.951 and 0.039).
  ["Emily", 128, 63, 1],
  ["Frank", 155, 68, 0],
];

/**
 * Article 000's four people: X = [weight - 135 lb, height - 66 in], shape (4, 2), and
 * y = gender, shape (4, 1), with 1 for female and 0 for male.
 * @example const { X, y, names } = people();
 * X.rowAt(0) // [-2, -1], Alice, y 1
 */
export function people(): PeopleDataset {
  return peopleFrom(PEOPLE);
}

/**
 * The two people article 000 asks its trained network about: Emily (128 lb, 63 in, X [-7, -3])
 * and Frank (155 lb, 68 in, X [20, 2]). y holds the answers the network gives (Emily 1, Frank 0).
 * @example const { X } = emilyAndFrank();
 * X.toArray() // [[-7, -3], [20, 2]]
 */
export function emilyAndFrank(): PeopleDataset {
  return peopleFrom(NEWCOMERS);
}

function peopleFrom(table: [string, number, number, number][]): PeopleDataset {
  return {
    X: Matrix.from(table.map(([, w, h]) => [w - WEIGHT_SHIFT_LB, h - HEIGHT_SHIFT_IN])),
    y: Matrix.column(table.map((p) => p[3])),
    names: table.map((p) => p[0]),
    raw: Matrix.from(table.map(([, w, h]) => [w, h])),
    featureNames: [`weight - ${WEIGHT_SHIFT_LB} (lb)`, `height - ${HEIGHT_SHIFT_IN} (in)`],
  };
}

/**
 * Article 001's four examples: three binary inputs, the third always 1 (it stands in for a bias),
 * and y = x1 XOR x2. X is (4, 3), y is (4, 1).
 * @example const { X, y } = loyData();
 * y.toFlatArray() // [0, 1, 1, 0]
 */
export function loyData(): Dataset {
  return {
    X: Matrix.from([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]),
    y: Matrix.column([0, 1, 1, 0]),
  };
}

/** Options of `circles`. */
export interface CirclesOptions extends SeedOptions {
  /** Points per ring (default 150, as in article 002). */
  n?: number;
  /** Ring radii R, in the order of the labels (default [2, 0.5]: outer ring label 0, inner label 1). */
  radii?: number[];
  /** Standard deviation of Gaussian noise added to each coordinate after the rings are drawn (default 0: article 002's data). */
  noise?: number;
}

/**
 * Article 002's rings. For a ring of radius R and each point: r = 10 R sqrt(t) and
 * angle = 20 pi t', with t and t' standard normals truncated to [0, 1]; the point is
 * (r cos(angle), r sin(angle)) rounded to 3 decimals. Ring k gets label k.
 *
 * Draw order, fixed so a seed always gives the same data: ring by ring, all n values
 * of t, then all n of t'. X is (n * radii.length, 2), y is (n * radii.length, 1). A `noise`
 * above 0 then adds N(0, noise^2) to every coordinate (x then y, row by row), as `moons` does.
 * @example const { X, y } = circles({ seed: 0 });
 * X.shape // "(300, 2)": 150 outer points (label 0), then 150 inner (label 1)
 */
export function circles(options: CirclesOptions = {}): Dataset & { radii: number[] } {
  const n = options.n ?? 150;
  const radii = options.radii ?? [2, 0.5];
  checkCount("circles", "n", n);
  checkRadii("circles", radii);
  const noise = options.noise ?? 0;
  checkNoise("circles", noise);
  const rng = rngFrom("circles", options);
  const X = new Matrix(n * radii.length, 2);
  const y = new Matrix(n * radii.length, 1);
  radii.forEach((R, k) => {
    const t = rng.truncatedNormal(0, 1, 0, 1, n);
    const tAngle = rng.truncatedNormal(0, 1, 0, 1, n);
    for (let i = 0; i < n; i++) {
      const r = 10 * R * Math.sqrt(t[i]);
      const angle = 20 * Math.PI * tAngle[i];
      const row = k * n + i;
      X.data[2 * row] = round3(Math.cos(angle) * r);
      X.data[2 * row + 1] = round3(Math.sin(angle) * r);
      y.data[row] = k;
    }
  });
  addNoise(X, noise, rng);
  return { X, y, radii: radii.slice() };
}

/** Options of `circlesBayesAccuracy`. */
export interface CirclesBayesOptions {
  /** Ring radii as in `circles` (default [2, 0.5]); each ring is equally likely. */
  radii?: number[];
  /** Simpson intervals per smooth piece of the integrand (default 2000, even). */
  steps?: number;
}

/**
 * The best accuracy any classifier can reach on `circles` data with equal class sizes
 * (the Bayes accuracy): about 0.9635 for the default rings, so an error rate near 3.65% is a floor.
 *
 * Derivation. For a ring of radius R put s = 10 R. t is a standard normal truncated to
 * [0, 1], density phi(t) / Z with Z = Phi(1) - Phi(0). r = s sqrt(t) means t = r^2 / s^2 and
 * dt/dr = 2 r / s^2, so r has density f_R(r) = (2 r / s^2) phi(r^2 / s^2) / Z on [0, s].
 * The angle is drawn independently of r by the same law for every ring; call g its density
 * modulo 2 pi. In the plane, ring R then has density f_R(r) g(theta) / r. The best rule
 * labels a point with the ring of largest density there, and since g(theta) / r is common
 * to all rings it depends on r only. With K rings of prior 1/K the Bayes accuracy is
 *   integral of max_k (1/K) f_k(r) g(theta) / r  dx dy  =  (1/K) integral_0^inf max_k f_k(r) dr,
 * because dx dy = r dr dtheta and g integrates to 1. This is integrated numerically
 * (composite Simpson), split where a density ends (r = s) and where the densest ring changes.
 *
 * For radii [2, 0.5] the inner ring is denser everywhere on [0, 5], so the rule is "inner
 * if r < 5" and the only errors are outer points inside r = 5, i.e. t < 1/16: a fraction
 * (Phi(1/16) - Phi(0)) / Z = 7.30% of the outer ring, 3.65% of all points. (The 3-decimal
 * rounding of the coordinates is ignored: it moves points by at most 0.0007.)
 * @example circlesBayesAccuracy() // 0.9635007286...
 * circlesBayesAccuracy({ radii: [2, 1] }) // rings that overlap more: lower
 */
export function circlesBayesAccuracy(options: CirclesBayesOptions = {}): number {
  const radii = options.radii ?? [2, 0.5];
  const steps = options.steps ?? 2000;
  checkRadii("circlesBayesAccuracy", radii);
  if (!Number.isInteger(steps) || steps < 2 || steps % 2 !== 0) {
    throw new RangeError(`circlesBayesAccuracy: steps must be an even integer >= 2, got ${steps}`);
  }
  const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const Z = simpson(phi, 0, 1, steps); // Phi(1) - Phi(0)
  const scales = radii.map((R) => 10 * R);
  const density = (k: number, r: number) => {
    const s = scales[k];
    return r < 0 || r > s ? 0 : ((2 * r) / (s * s)) * (phi((r * r) / (s * s)) / Z);
  };
  const densest = (r: number) => {
    let best = 0;
    for (let k = 1; k < scales.length; k++) if (density(k, r) > density(best, r)) best = k;
    return best;
  };

  // Pieces where the integrand is smooth: between support ends, and between changes of the densest ring.
  const ends = [0, ...new Set(scales)].sort((a, b) => a - b);
  let total = 0;
  for (let p = 0; p + 1 < ends.length; p++) {
    const a = ends[p], b = ends[p + 1];
    // Inside the piece, stay off the ends where a density jumps to 0.
    const probe = (r: number) => densest(Math.min(Math.max(r, a + (b - a) * 1e-12), b - (b - a) * 1e-12));
    const cuts = [a];
    const grid = 512;
    for (let i = 0; i < grid; i++) {
      let lo = a + ((b - a) * i) / grid, hi = a + ((b - a) * (i + 1)) / grid;
      if (probe(lo) === probe(hi)) continue;
      const left = probe(lo);
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (probe(mid) === left) lo = mid;
        else hi = mid;
      }
      cuts.push((lo + hi) / 2);
    }
    cuts.push(b);
    for (let c = 0; c + 1 < cuts.length; c++) {
      const mid = (cuts[c] + cuts[c + 1]) / 2;
      const k = probe(mid);
      total += simpson((r) => density(k, r), cuts[c], cuts[c + 1], steps);
    }
  }
  return total / radii.length;
}

/** Options of `moons`. */
export interface MoonsOptions extends SeedOptions {
  /** Total points (default 200): the first ceil(n / 2) are the upper moon (label 0), the rest the lower (label 1). */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
}

/**
 * Two interleaving half circles. The upper moon is (cos a, sin a) and the lower one is
 * (1 - cos a, 0.5 - sin a), with a evenly spaced over [0, pi]; then N(0, noise^2) is added to
 * every coordinate (x then y, point by point). X is (n, 2), y is (n, 1).
 * @example const { X, y } = moons({ n: 200, noise: 0.1, seed: 0 });
 * y.sum() // 100
 */
export function moons(options: MoonsOptions = {}): Dataset {
  const n = options.n ?? 200;
  const noise = options.noise ?? 0.1;
  checkCount("moons", "n", n, 2);
  checkNoise("moons", noise);
  const rng = rngFrom("moons", options);
  const nUpper = Math.ceil(n / 2);
  const X = new Matrix(n, 2);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const lower = i >= nUpper;
    const m = lower ? n - nUpper : nUpper;
    const j = lower ? i - nUpper : i;
    const a = m === 1 ? 0 : (Math.PI * j) / (m - 1);
    X.data[2 * i] = lower ? 1 - Math.cos(a) : Math.cos(a);
    X.data[2 * i + 1] = lower ? 0.5 - Math.sin(a) : Math.sin(a);
    y.data[i] = lower ? 1 : 0;
  }
  addNoise(X, noise, rng);
  return { X, y };
}

/** Options of `spiral`. */
export interface SpiralOptions extends SeedOptions {
  /** Number of arms, one class each (default 3). */
  classes?: number;
  /** Points on each arm (default 100). */
  pointsPerClass?: number;
  /** Standard deviation of Gaussian noise on each point's angle, in radians (default 0.2). */
  noise?: number;
}

/**
 * Interleaved spiral arms, one class per arm, a multi-class set no straight line can split.
 * Point i of arm c: r = i / (pointsPerClass - 1) and angle = 2 pi c / classes + 4 r + noise * z,
 * z standard normal; the point is (r cos(angle), r sin(angle)). Arms come one after another,
 * so X is (classes * pointsPerClass, 2) and y, (same, 1), holds the arm index 0..classes-1.
 * @example const { X, y } = spiral({ classes: 3, pointsPerClass: 100, seed: 0 });
 * X.shape // "(300, 2)"
 */
export function spiral(options: SpiralOptions = {}): Dataset {
  const classes = options.classes ?? 3;
  const per = options.pointsPerClass ?? 100;
  const noise = options.noise ?? 0.2;
  checkCount("spiral", "classes", classes, 2);
  checkCount("spiral", "pointsPerClass", per, 2);
  checkNoise("spiral", noise);
  const rng = rngFrom("spiral", options);
  const X = new Matrix(classes * per, 2);
  const y = new Matrix(classes * per, 1);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < per; i++) {
      const row = c * per + i;
      const r = i / (per - 1);
      const angle = (2 * Math.PI * c) / classes + 4 * r + (noise > 0 ? noise * rng.randn() : 0);
      X.data[2 * row] = r * Math.cos(angle);
      X.data[2 * row + 1] = r * Math.sin(angle);
      y.data[row] = c;
    }
  }
  return { X, y };
}

/** Options of `xor`. */
export interface XorOptions extends SeedOptions {
  /** Total points (default 200), spread as evenly as possible over the four corners. */
  n?: number;
  /** Standard deviation of the Gaussian cloud around each corner (default 0.15). */
  noise?: number;
}

/**
 * A noisy XOR: clouds around the corners (0,0), (0,1), (1,0), (1,1) of the unit square,
 * labelled x1 XOR x2 (0, 1, 1, 0), in that corner order: article 001's four points, blurred.
 * X is (n, 2), y is (n, 1).
 * @example const { X, y } = xor({ n: 200, noise: 0.15, seed: 0 });
 * y.sum() // 100
 */
export function xor(options: XorOptions = {}): Dataset {
  const n = options.n ?? 200;
  const noise = options.noise ?? 0.15;
  checkCount("xor", "n", n, 4);
  checkNoise("xor", noise);
  const rng = rngFrom("xor", options);
  const X = new Matrix(n, 2);
  const y = new Matrix(n, 1);
  let row = 0;
  for (let corner = 0; corner < 4; corner++) {
    const a = corner >> 1, b = corner & 1;
    const count = Math.floor((n + 3 - corner) / 4);
    for (let i = 0; i < count; i++, row++) {
      X.data[2 * row] = a;
      X.data[2 * row + 1] = b;
      y.data[row] = a ^ b;
    }
  }
  addNoise(X, noise, rng);
  return { X, y };
}

/** Options of `gaussians`. */
export interface GaussiansOptions extends SeedOptions {
  /** Total points (default 200): the first ceil(n / 2) around (-2, -2) with label 0, the rest around (2, 2) with label 1. */
  n?: number;
  /** Standard deviation of each cloud, per coordinate (default 1). */
  noise?: number;
}

/**
 * Two Gaussian clouds, TensorFlow Playground's easiest set: one straight line splits them.
 * Point i is its centre plus noise * (z1, z2), z standard normals drawn x then y, point by point.
 * X is (n, 2), y is (n, 1).
 * @example const { X, y } = gaussians({ n: 200, noise: 1, seed: 0 });
 * y.sum() // 100
 */
export function gaussians(options: GaussiansOptions = {}): Dataset {
  const n = options.n ?? 200;
  const noise = options.noise ?? 1;
  checkCount("gaussians", "n", n, 2);
  checkNoise("gaussians", noise);
  const rng = rngFrom("gaussians", options);
  const first = Math.ceil(n / 2);
  const X = new Matrix(n, 2);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const c = i < first ? -2 : 2;
    X.data[2 * i] = c;
    X.data[2 * i + 1] = c;
    y.data[i] = i < first ? 0 : 1;
  }
  addNoise(X, noise, rng);
  return { X, y };
}

/** Options of the two regression sets, `plane` and `gaussianMixture`. */
export interface RegressionOptions extends SeedOptions {
  /** Points (default 200), drawn uniformly in the square [-6, 6] x [-6, 6]. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each target (default 0). */
  noise?: number;
}

/**
 * A regression set: a tilted plane, y = (x1 + x2) / 12 + noise * z, so y runs from -1 to 1 over
 * the square. Draw order: all 2n coordinates (x1, x2 point by point), then the n noises.
 * X is (n, 2), y is (n, 1) (real numbers, for a linear output and the mean squared error).
 * @example const { X, y } = plane({ n: 200, seed: 0 });
 * y.get(0, 0) === (X.get(0, 0) + X.get(0, 1)) / 12 // true
 */
export function plane(options: RegressionOptions = {}): Dataset {
  return regressionSet("plane", options, (x1, x2) => (x1 + x2) / 12);
}

/**
 * The centres of `gaussianMixture`'s six bumps, [x1, x2, sign]: three up, three down, in a
 * checkerboard of two rows.
 */
export const MIXTURE_BUMPS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1],
];

/**
 * A regression set: a mixture of Gaussian bumps, y = sum over MIXTURE_BUMPS of
 * sign * exp(-|x - centre|^2 / 2) + noise * z, between about -1 and 1. Drawn as `plane`.
 * @example const { X, y } = gaussianMixture({ n: 200, noise: 0.1, seed: 0 });
 * X.shape // "(200, 2)"
 */
export function gaussianMixture(options: RegressionOptions = {}): Dataset {
  return regressionSet("gaussianMixture", options, (x1, x2) => {
    let v = 0;
    for (const [c1, c2, sign] of MIXTURE_BUMPS) v += sign * Math.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / 2);
    return v;
  });
}

function regressionSet(what: string, options: RegressionOptions, f: (x1: number, x2: number) => number): Dataset {
  const n = options.n ?? 200;
  const noise = options.noise ?? 0;
  checkCount(what, "n", n);
  checkNoise(what, noise);
  const rng = rngFrom(what, options);
  const X = new Matrix(n, 2);
  X.data.set(rng.uniform(-6, 6, 2 * n) as Float64Array);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) y.data[i] = f(X.data[2 * i], X.data[2 * i + 1]);
  addNoise(y, noise, rng);
  return { X, y };
}

/** The input features TensorFlow Playground offers, computed from the two coordinates. */
export const FEATURE_NAMES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)"] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

const FEATURES: Record<FeatureName, (x1: number, x2: number) => number> = {
  x1: (x1) => x1,
  x2: (_, x2) => x2,
  "x1^2": (x1) => x1 * x1,
  "x2^2": (_, x2) => x2 * x2,
  "x1*x2": (x1, x2) => x1 * x2,
  "sin(x1)": (x1) => Math.sin(x1),
  "sin(x2)": (_, x2) => Math.sin(x2),
  "cos(x1)": (x1) => Math.cos(x1),
  "cos(x2)": (_, x2) => Math.cos(x2),
};

/**
 * New input columns from a two-column X: one column per name, in the order given. With x1^2 and
 * x2^2, one neuron can draw a circle: w1 x1^2 + w2 x2^2 + b = 0 is a ring when w1 = w2 < 0 < b.
 * X: (n, 2) -> (n, names.length).
 * @example inputFeatures(Matrix.from([[2, 3]]), ["x1", "x1^2", "x1*x2"]).toArray() // [[2, 4, 6]]
 */
export function inputFeatures(X: Matrix, names: readonly FeatureName[]): Matrix {
  if (!(X instanceof Matrix) || X.cols !== 2) throw new RangeError(`inputFeatures: X must be a Matrix of shape (n, 2), got ${X instanceof Matrix ? X.shape : typeof X}`);
  if (!Array.isArray(names as unknown) || names.length === 0) throw new RangeError("inputFeatures: give at least one feature name");
  for (const name of names) {
    if (!(name in FEATURES)) throw new RangeError(`inputFeatures: unknown feature ${JSON.stringify(name)}; the features are ${FEATURE_NAMES.join(", ")}`);
  }
  const out = new Matrix(X.rows, names.length); // (n, features)
  for (let i = 0; i < X.rows; i++) {
    const x1 = X.data[2 * i], x2 = X.data[2 * i + 1];
    names.forEach((name: FeatureName, j) => (out.data[i * names.length + j] = FEATURES[name](x1, x2)));
  }
  return out;
}

/** Options of `trainTestSplit`. */
export interface SplitOptions extends SeedOptions {
  /** Fraction of rows held out for testing, strictly between 0 and 1 (default 0.2); the count is rounded. */
  testFraction?: number;
}

/** The two parts of a split; rows keep their pairing of X and y. */
export interface Split {
  XTrain: Matrix;
  yTrain: Matrix;
  XTest: Matrix;
  yTest: Matrix;
}

/**
 * Shuffles the rows with a seeded permutation and holds out round(n * testFraction) of them:
 * the first ones of the permutation go to the test set, the others to training.
 * @example const { XTrain, XTest } = trainTestSplit(X, y, { testFraction: 0.25, seed: 0 });
 * XTest.rows // 75 for 300 rows
 */
export function trainTestSplit(X: Matrix, y: Matrix, options: SplitOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  if (!(X instanceof Matrix) || !(y instanceof Matrix)) {
    throw new TypeError("trainTestSplit: X and y must both be Matrix objects");
  }
  if (X.rows !== y.rows) {
    throw new RangeError(`trainTestSplit: X is ${X.shape} but y is ${y.shape}; they need the same number of rows`);
  }
  if (typeof testFraction !== "number" || !(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`trainTestSplit: testFraction must be a number strictly between 0 and 1, got ${testFraction}`);
  }
  const n = X.rows;
  const nTest = Math.round(n * testFraction);
  if (nTest === 0 || nTest === n) {
    throw new RangeError(
      `trainTestSplit: testFraction ${testFraction} of ${n} rows leaves ${nTest === 0 ? "no test rows" : "no training rows"}`,
    );
  }
  const order = rngFrom("trainTestSplit", options).permutation(n);
  const test = order.slice(0, nTest);
  const train = order.slice(nTest);
  return { XTrain: X.pickRows(train), yTrain: y.pickRows(train), XTest: X.pickRows(test), yTest: y.pickRows(test) };
}

/**
 * One-hot encoding: label c becomes a row with 1 in column c and 0 elsewhere.
 * y is (n, 1) or a plain array of integer labels in 0..classes-1; the result is (n, classes).
 * `classes` defaults to the largest label + 1.
 * @example oneHot(Matrix.column([0, 2]), 3).toArray()
 * // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(y: Matrix | readonly number[], classes?: number): Matrix {
  let labels: number[];
  if (y instanceof Matrix) {
    if (y.cols !== 1) throw new RangeError(`oneHot: y must be labels of shape (n, 1), got ${y.shape}`);
    labels = Array.from(y.data);
  } else if (Array.isArray(y)) {
    labels = y.slice();
  } else {
    throw new TypeError("oneHot: y must be an (n, 1) Matrix or an array of labels");
  }
  labels.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`oneHot: label ${i} is ${String(v)}, not a non-negative integer`);
    }
  });
  const k = classes ?? labels.reduce((m, v) => Math.max(m, v + 1), 0);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`oneHot: classes must be a positive integer, got ${k}`);
  const out = new Matrix(labels.length, k); // (n, classes)
  labels.forEach((v, i) => {
    if (v >= k) throw new RangeError(`oneHot: label ${i} is ${v}, but with ${k} classes labels run 0..${k - 1}`);
    out.data[i * k + v] = 1;
  });
  return out;
}

/**
 * Absolute path of a file in the package's data/ folder (src/data/ and dist/data/ both sit two levels below it).
 * @example readCsv(dataPath("people.csv"), { text: ["name"] })
 * // the table of article 000
 */
export function dataPath(name: string): string {
  return join(__dirname, "..", "..", "data", name);
}

/** A dataset read from data/, with the names of its columns and classes. */
export interface NamedDataset extends Dataset {
  featureNames: string[];
  classNames: string[];
}

/**
 * The handwritten digits shipped in data/digits.csv (UCI, 1797 images of 8x8 pixels):
 * X is (1797, 64), pixel intensities 0..16 row by row, y is (1797, 1), the digit 0..9.
 * @example const { X, y } = digits();
 * X.rowAt(0).length // 64
 */
export function digits(): NamedDataset {
  const table = readCsv(dataPath("digits.csv"), { header: false });
  if (table.columns.length !== 65) {
    throw new Error(`digits: ${table.file} has ${table.columns.length} columns; expected 64 pixels and a label`);
  }
  const { X, y } = splitLabel(table, 64, 10, "digits");
  for (let i = 0; i < X.data.length; i++) {
    const v = X.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 16) {
      const row = Math.floor(i / 64);
      throw new RangeError(`digits: ${table.file}, line ${table.lines[row]}, column ${(i % 64) + 1}: pixel ${v} is not an integer in 0..16`);
    }
  }
  const featureNames = Array.from({ length: 64 }, (_, j) => `pixel_${Math.floor(j / 8)}_${j % 8}`);
  return { X, y, featureNames, classNames: Array.from({ length: 10 }, (_, d) => String(d)) };
}

/**
 * Fisher's iris flowers shipped in data/iris.csv: X is (150, 4), sepal length, sepal width,
 * petal length, petal width in cm; y is (150, 1), the species 0..2 named in `classNames`.
 * The file's first line reads "150,4,setosa,versicolor,virginica" (rows, features, class names).
 * @example const { X, classNames } = iris();
 * classNames // ["setosa", "versicolor", "virginica"]
 */
export function iris(): NamedDataset {
  const table = readCsv(dataPath("iris.csv"), { header: true });
  const [rowsText, featuresText, ...classNames] = table.columns;
  const nRows = Number(rowsText), nFeatures = Number(featuresText);
  if (nFeatures !== 4 || classNames.length !== 3) {
    throw new Error(`iris: ${table.file}, line 1 should read "150,4,setosa,versicolor,virginica", got "${table.columns.join(",")}"`);
  }
  if (table.rows.length !== nRows) {
    throw new Error(`iris: ${table.file} announces ${nRows} rows on line 1 but has ${table.rows.length}`);
  }
  const { X, y } = splitLabel(table, nFeatures, classNames.length, "iris");
  return {
    X,
    y,
    featureNames: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
    classNames,
  };
}

/** Features are the first `features` columns, the label the last; labels must be integers 0..classes-1. */
function splitLabel(table: CsvTable, features: number, classes: number, what: string): Dataset {
  const X = new Matrix(table.rows.length, features);
  const y = new Matrix(table.rows.length, 1);
  table.rows.forEach((row, i) => {
    for (let j = 0; j < features; j++) X.data[i * features + j] = row[j];
    const label = row[features];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(
        `${what}: ${table.file}, line ${table.lines[i]}, column ${features + 1}: label ${label} is not an integer in 0..${classes - 1}`,
      );
    }
    y.data[i] = label;
  });
  return { X, y };
}

/** Composite Simpson's rule with `steps` (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, steps: number): number {
  const h = (b - a) / steps;
  let s = f(a) + f(b);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Rounds to 3 decimals symmetrically about 0 (as NumPy's round does, ties aside) and never returns -0. */
function round3(v: number): number {
  const r = Math.round(Math.abs(v) * 1000) / 1000;
  return v < 0 && r !== 0 ? -r : r;
}

function addNoise(X: Matrix, noise: number, rng: RandomState): void {
  if (noise === 0) return;
  for (let i = 0; i < X.data.length; i++) X.data[i] += noise * rng.randn();
}

function rngFrom(what: string, options: SeedOptions): RandomState {
  if (options.rng !== undefined) {
    if (!(options.rng instanceof RandomState)) throw new TypeError(`${what}: rng must be a RandomState`);
    return options.rng;
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
    throw new RangeError(`${what}: seed must be an integer in [0, 2**32 - 1], got ${seed}`);
  }
  return new RandomState(seed);
}

function checkCount(what: string, name: string, v: number, min = 1): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new RangeError(`${what}: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

function checkNoise(what: string, noise: number): void {
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`${what}: noise must be a finite number >= 0, got ${noise}`);
  }
}

function checkRadii(what: string, radii: number[]): void {
  if (!Array.isArray(radii) || radii.length < 2) {
    throw new RangeError(`${what}: radii must be an array of at least two ring radii, got ${JSON.stringify(radii)}`);
  }
  radii.forEach((R, k) => {
    if (typeof R !== "number" || !Number.isFinite(R) || R <= 0) {
      throw new RangeError(`${what}: radii[${k}] must be a positive number, got ${R}`);
    }
  });
}
