import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "fs";
import { join, resolve } from "path";
import { Matrix } from "../src/core/matrix";
import { RandomState } from "../src/numerics/random";
import { readCsv, tableToMatrix } from "../src/data/csv";
import {
  circles,
  circlesBayesAccuracy,
  dataPath,
  Dataset,
  digits,
  emilyAndFrank,
  HEIGHT_SHIFT_IN,
  iris,
  loyData,
  moons,
  oneHot,
  people,
  spiral,
  trainTestSplit,
  WEIGHT_SHIFT_LB,
  xor,
} from "../src/data/datasets";
import { courseCsvs, CIRCLES_SEED } from "../scripts/make-data";

const radius = (d: Dataset, i: number) => Math.hypot(d.X.data[2 * i], d.X.data[2 * i + 1]);
const count = (y: Matrix, label: number) => y.toFlatArray().filter((v) => v === label).length;

// --- the articles' tables ---------------------------------------------------------------

test("people(): article 000's four people, shifted by 135 lb and 66 in", () => {
  const p = people();
  assert.equal(WEIGHT_SHIFT_LB, 135);
  assert.equal(HEIGHT_SHIFT_IN, 66);
  assert.deepEqual(p.names, ["Alice", "Bob", "Charlie", "Diana"]);
  assert.deepEqual(p.X.toArray(), [[-2, -1], [25, 6], [17, 4], [-15, -6]]);
  assert.deepEqual(p.y.toArray(), [[1], [0], [0], [1]]);
  assert.deepEqual(p.raw.toArray(), [[133, 65], [160, 72], [152, 70], [120, 60]]);
  assert.ok(p.raw.sub(Matrix.row([135, 66])).equals(p.X));
  assert.deepEqual(p.featureNames, ["weight - 135 (lb)", "height - 66 (in)"]);
});

test("emilyAndFrank(): 128 lb 63 in is [-7, -3], 155 lb 68 in is [20, 2]", () => {
  const e = emilyAndFrank();
  assert.deepEqual(e.names, ["Emily", "Frank"]);
  assert.deepEqual(e.X.toArray(), [[-7, -3], [20, 2]]);
  assert.deepEqual(e.raw.toArray(), [[128, 63], [155, 68]]);
  assert.deepEqual(e.y.toFlatArray(), [1, 0]);
});

test("loyData(): article 001's inputs and XOR labels", () => {
  const { X, y } = loyData();
  assert.deepEqual(X.toArray(), [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]);
  assert.deepEqual(y.toArray(), [[0], [1], [1], [0]]);
});

// --- article 002's rings ----------------------------------------------------------------

test("circles(): 150 outer points (label 0) then 150 inner (label 1), 3 decimals, within 10 R", () => {
  const d = circles({ seed: 0 });
  assert.equal(d.X.shape, "(300, 2)");
  assert.equal(d.y.shape, "(300, 1)");
  assert.deepEqual(d.radii, [2, 0.5]);
  for (let i = 0; i < 300; i++) {
    assert.equal(d.y.data[i], i < 150 ? 0 : 1);
    for (const v of d.X.rowAt(i)) assert.equal(Math.round(v * 1000) / 1000, v, `row ${i} has more than 3 decimals`);
    // Rounding each coordinate by up to 0.0005 can push r past 10 R by less than 0.001.
    assert.ok(radius(d, i) <= (i < 150 ? 20 : 5) + 1e-3, `row ${i} lies outside its ring`);
  }
  // A regression pin for seed 0: changing the draw order or the formula changes these.
  assert.deepEqual(d.X.rowAt(0), [-14.246, 4.071]);
  assert.deepEqual(d.X.rowAt(150), [-1.954, -0.132]);
});

test("circles(): per ring, all t are drawn first, then all t' (the article's order)", () => {
  const n = 5;
  const d = circles({ seed: 7, n });
  const rng = new RandomState(7);
  const expected: number[][] = [];
  for (const R of [2, 0.5]) {
    const t = rng.truncatedNormal(0, 1, 0, 1, n);
    const t2 = rng.truncatedNormal(0, 1, 0, 1, n);
    for (let i = 0; i < n; i++) {
      const r = 10 * R * Math.sqrt(t[i]);
      const a = 20 * Math.PI * t2[i];
      expected.push([Math.cos(a) * r, Math.sin(a) * r]);
    }
  }
  expected.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(d.X.get(i, j) - v) <= 0.0005 + 1e-12, `row ${i}, column ${j}`)));
});

test("circles(): the same seed gives the same data; rng continues a shared stream", () => {
  assert.ok(circles({ seed: 3 }).X.equals(circles({ seed: 3 }).X));
  assert.ok(!circles({ seed: 3 }).X.equals(circles({ seed: 4 }).X));
  assert.ok(circles({ rng: new RandomState(3) }).X.equals(circles({ seed: 3 }).X));
  const shared = new RandomState(3);
  circles({ rng: shared, n: 10 });
  assert.ok(!circles({ rng: shared, n: 10 }).X.equals(circles({ seed: 3, n: 10 }).X));
  assert.ok(circles().X.equals(circles({ seed: 0 }).X), "the default seed is 0");
});

test("circles(): other sizes and radii, and errors", () => {
  const d = circles({ seed: 1, n: 4, radii: [3, 2, 1] });
  assert.equal(d.X.shape, "(12, 2)");
  assert.deepEqual(d.y.toFlatArray(), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  assert.throws(() => circles({ n: 0 }), { message: "circles: n must be an integer >= 1, got 0" });
  assert.throws(() => circles({ n: 2.5 }), { message: "circles: n must be an integer >= 1, got 2.5" });
  assert.throws(() => circles({ radii: [2] }), { message: "circles: radii must be an array of at least two ring radii, got [2]" });
  assert.throws(() => circles({ radii: [2, -1] }), { message: "circles: radii[1] must be a positive number, got -1" });
  assert.throws(() => circles({ seed: -1 }), { message: "circles: seed must be an integer in [0, 2**32 - 1], got -1" });
  assert.throws(() => circles({ rng: {} as RandomState }), { message: "circles: rng must be a RandomState" });
});

// --- the Bayes limit of the rings ---------------------------------------------------------

/** erf by its Taylor series, exact to double precision for |x| <= 1: independent of the library. */
function erf(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test("circlesBayesAccuracy() equals the closed form 1 - (1/2)(Phi(1/16) - Phi(0)) / (Phi(1) - Phi(0))", () => {
  // Outer points (s = 20) inside r = 5 have t = r^2 / 400 < 1/16; the inner ring is denser on all of [0, 5].
  const Phi0 = (x: number) => 0.5 * erf(x / Math.SQRT2); // Phi(x) - Phi(0)
  const outerInside = Phi0(1 / 16) / Phi0(1);
  assert.ok(Math.abs(outerInside - 0.073) < 5e-4, `${outerInside}`); // 7.3% of the outer ring, 3.65% of all points
  const exact = 1 - 0.5 * outerInside;
  const bayes = circlesBayesAccuracy();
  assert.ok(Math.abs(bayes - exact) < 1e-12, `${bayes} vs ${exact}`);
  assert.ok(Math.abs(bayes - 0.9635007) < 1e-7);
  assert.ok(Math.abs(circlesBayesAccuracy({ steps: 100 }) - exact) < 1e-8, "Simpson converges fast here");
});

test("circlesBayesAccuracy(): Monte Carlo on 200,000 points agrees, and no classifier beats it", () => {
  const bayes = circlesBayesAccuracy();
  const big = circles({ seed: 11, n: 100000 });
  const n = big.X.rows;
  const se = Math.sqrt((bayes * (1 - bayes)) / n);
  // The Bayes rule derived in the TSDoc: inner ring if r < 5.
  let right = 0, outerInside = 0;
  for (let i = 0; i < n; i++) {
    const inner = radius(big, i) < 5;
    if ((inner ? 1 : 0) === big.y.data[i]) right++;
    if (big.y.data[i] === 0 && inner) outerInside++;
  }
  assert.ok(Math.abs(right / n - bayes) < 4 * se, `rule accuracy ${right / n} vs ${bayes}`);
  assert.ok(Math.abs(outerInside / (n / 2) - 0.073) < 0.004, `outer fraction inside r = 5: ${outerInside / (n / 2)}`);

  // A rule-free check that also tests "the angle does not matter": learn the majority class
  // of each 0.5 x 0.5 square of the plane on one sample, score it on another.
  const held = circles({ seed: 12, n: 100000 });
  const cells = new Map<string, [number, number]>();
  const key = (d: Dataset, i: number) => `${Math.floor(d.X.data[2 * i] / 0.5)},${Math.floor(d.X.data[2 * i + 1] / 0.5)}`;
  for (let i = 0; i < n; i++) {
    const c = cells.get(key(big, i)) ?? [0, 0];
    c[big.y.data[i]]++;
    cells.set(key(big, i), c);
  }
  let gridRight = 0;
  for (let i = 0; i < n; i++) {
    const c = cells.get(key(held, i)) ?? [1, 0];
    if ((c[1] > c[0] ? 1 : 0) === held.y.data[i]) gridRight++;
  }
  const grid = gridRight / n;
  assert.ok(grid < bayes + 4 * se, `a grid classifier scored ${grid}, above the Bayes accuracy ${bayes}`);
  assert.ok(grid > bayes - 0.006, `a grid classifier scored ${grid}, far below the Bayes accuracy ${bayes}`);
});

test("circlesBayesAccuracy(): other radii, including rings whose densest ring changes with r", () => {
  // Majority class per radial bin learnt on one sample, scored on another.
  const radialPlugIn = (radii: number[], n: number, bins: number) => {
    const train = circles({ seed: 21, n, radii });
    const held = circles({ seed: 22, n, radii });
    const rMax = 10 * Math.max(...radii) + 1e-3;
    const bin = (d: Dataset, i: number) => Math.floor((radius(d, i) / rMax) * bins);
    const counts = Array.from({ length: bins }, () => new Array<number>(radii.length).fill(0));
    for (let i = 0; i < train.X.rows; i++) counts[bin(train, i)][train.y.data[i]]++;
    let right = 0;
    for (let i = 0; i < held.X.rows; i++) {
      const c = counts[bin(held, i)];
      if (c.indexOf(Math.max(...c)) === held.y.data[i]) right++;
    }
    return right / held.X.rows;
  };
  for (const radii of [[2, 1], [2, 1.8], [2, 1.9, 1.5]]) {
    const bayes = circlesBayesAccuracy({ radii });
    const mc = radialPlugIn(radii, 100000, 100);
    const se = Math.sqrt((bayes * (1 - bayes)) / (100000 * radii.length));
    assert.ok(Math.abs(mc - bayes) < 5 * se + 0.002, `radii ${radii}: Monte Carlo ${mc} vs ${bayes}`);
  }
  assert.ok(Math.abs(circlesBayesAccuracy({ radii: [2, 2] }) - 0.5) < 1e-12, "identical rings: a coin flip");
  assert.ok(circlesBayesAccuracy({ radii: [2, 1] }) < circlesBayesAccuracy());
});

test("circlesBayesAccuracy() errors", () => {
  assert.throws(() => circlesBayesAccuracy({ steps: 3 }), { message: "circlesBayesAccuracy: steps must be an even integer >= 2, got 3" });
  assert.throws(() => circlesBayesAccuracy({ radii: [1] }), {
    message: "circlesBayesAccuracy: radii must be an array of at least two ring radii, got [1]",
  });
});

// --- synthetic sets for later chapters -----------------------------------------------------

test("moons(): two half circles, upper label 0 then lower label 1", () => {
  const clean = moons({ n: 5, noise: 0 });
  assert.equal(clean.X.shape, "(5, 2)");
  assert.deepEqual(clean.y.toFlatArray(), [0, 0, 0, 1, 1]);
  const near = (a: number[], b: number[]) => a.every((v, j) => Math.abs(v - b[j]) < 1e-12);
  assert.ok(near(clean.X.rowAt(0), [1, 0]) && near(clean.X.rowAt(1), [0, 1]) && near(clean.X.rowAt(2), [-1, 0]));
  assert.ok(near(clean.X.rowAt(3), [0, 0.5]) && near(clean.X.rowAt(4), [2, 0.5]));
  const d = moons({ n: 200, noise: 0.1, seed: 0 });
  assert.equal(count(d.y, 1), 100);
  const diff = d.X.sub(moons({ n: 200, noise: 0 }).X);
  const sd = Math.sqrt(diff.mul(diff).mean());
  assert.ok(Math.abs(sd - 0.1) < 0.015, `noise sd ${sd}`);
  assert.ok(d.X.equals(moons({ n: 200, noise: 0.1, seed: 0 }).X));
  assert.throws(() => moons({ n: 1 }), { message: "moons: n must be an integer >= 2, got 1" });
  assert.throws(() => moons({ noise: -0.1 }), { message: "moons: noise must be a finite number >= 0, got -0.1" });
});

test("spiral(): one arm per class, radius growing from 0 to 1", () => {
  const d = spiral({ classes: 3, pointsPerClass: 100, seed: 0 });
  assert.equal(d.X.shape, "(300, 2)");
  for (let c = 0; c < 3; c++) assert.equal(count(d.y, c), 100);
  for (let i = 0; i < 300; i++) assert.ok(Math.abs(radius(d, i) - (i % 100) / 99) < 1e-12);
  const clean = spiral({ classes: 4, pointsPerClass: 2, noise: 0 });
  assert.deepEqual(clean.y.toFlatArray(), [0, 0, 1, 1, 2, 2, 3, 3]);
  // The last point of arm 1 sits at angle pi/2 + 4 on the unit circle.
  assert.ok(Math.abs(clean.X.get(3, 0) - Math.cos(Math.PI / 2 + 4)) < 1e-12);
  assert.ok(d.X.equals(spiral({ seed: 0 }).X));
  assert.throws(() => spiral({ classes: 1 }), { message: "spiral: classes must be an integer >= 2, got 1" });
  assert.throws(() => spiral({ pointsPerClass: 1 }), { message: "spiral: pointsPerClass must be an integer >= 2, got 1" });
  assert.throws(() => spiral({ noise: NaN }), { message: "spiral: noise must be a finite number >= 0, got NaN" });
});

test("xor(): noisy corners of the unit square, labelled x1 XOR x2", () => {
  const clean = xor({ n: 6, noise: 0 });
  assert.deepEqual(clean.X.toArray(), [[0, 0], [0, 0], [0, 1], [0, 1], [1, 0], [1, 1]]);
  assert.deepEqual(clean.y.toFlatArray(), [0, 0, 1, 1, 1, 0]);
  const d = xor({ n: 200, noise: 0.15, seed: 0 });
  assert.equal(count(d.y, 1), 100);
  const { X: loyX, y: loyY } = loyData();
  const corners = xor({ n: 4, noise: 0 });
  assert.ok(corners.X.equals(Matrix.from(loyX.toArray().map((r) => r.slice(0, 2)))) && corners.y.equals(loyY));
  assert.throws(() => xor({ n: 3 }), { message: "xor: n must be an integer >= 4, got 3" });
});

// --- splitting and encoding ----------------------------------------------------------------

test("trainTestSplit(): seeded, disjoint, complete, and keeps X and y rows together", () => {
  const X = Matrix.column(Array.from({ length: 10 }, (_, i) => i));
  const y = X.scale(10);
  const s = trainTestSplit(X, y, { testFraction: 0.3, seed: 0 });
  assert.equal(s.XTest.rows, 3);
  assert.equal(s.XTrain.rows, 7);
  assert.ok(s.yTrain.equals(s.XTrain.scale(10)) && s.yTest.equals(s.XTest.scale(10)));
  const all = [...s.XTrain.toFlatArray(), ...s.XTest.toFlatArray()].sort((a, b) => a - b);
  assert.deepEqual(all, X.toFlatArray());
  const order = new RandomState(0).permutation(10);
  assert.deepEqual(s.XTest.toFlatArray(), order.slice(0, 3));
  assert.ok(trainTestSplit(X, y, { testFraction: 0.3, seed: 0 }).XTest.equals(s.XTest));
  assert.equal(trainTestSplit(X, y).XTest.rows, 2, "the default test fraction is 0.2");
});

test("trainTestSplit() errors", () => {
  const X = new Matrix(10, 2);
  assert.throws(() => trainTestSplit(X, new Matrix(9, 1)), {
    message: "trainTestSplit: X is (10, 2) but y is (9, 1); they need the same number of rows",
  });
  assert.throws(() => trainTestSplit(X, new Matrix(10, 1), { testFraction: 1 }), {
    message: "trainTestSplit: testFraction must be a number strictly between 0 and 1, got 1",
  });
  assert.throws(() => trainTestSplit(X, new Matrix(10, 1), { testFraction: 0.01 }), {
    message: "trainTestSplit: testFraction 0.01 of 10 rows leaves no test rows",
  });
  assert.throws(() => trainTestSplit(X, new Matrix(10, 1), { testFraction: 0.99 }), {
    message: "trainTestSplit: testFraction 0.99 of 10 rows leaves no training rows",
  });
  assert.throws(() => trainTestSplit([[1]] as unknown as Matrix, new Matrix(1, 1)), {
    message: "trainTestSplit: X and y must both be Matrix objects",
  });
});

test("oneHot(): labels to rows with a single 1", () => {
  assert.deepEqual(oneHot(Matrix.column([0, 2, 1])).toArray(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(oneHot([1, 0], 3).toArray(), [[0, 1, 0], [1, 0, 0]]);
  assert.throws(() => oneHot(new Matrix(2, 2)), { message: "oneHot: y must be labels of shape (n, 1), got (2, 2)" });
  assert.throws(() => oneHot([0, 1.5]), { message: "oneHot: label 1 is 1.5, not a non-negative integer" });
  assert.throws(() => oneHot([0, 3], 3), { message: "oneHot: label 1 is 3, but with 3 classes labels run 0..2" });
  assert.throws(() => oneHot([0], 0), { message: "oneHot: classes must be a positive integer, got 0" });
  assert.throws(() => oneHot("01" as unknown as number[]), { message: "oneHot: y must be an (n, 1) Matrix or an array of labels" });
});

// --- shipped files -----------------------------------------------------------------------

test("dataPath() points at the package's data folder", () => {
  assert.equal(dataPath("iris.csv"), resolve(__dirname, "..", "data", "iris.csv"));
  assert.ok(existsSync(dataPath("digits.csv")));
});

test("digits(): 1797 images of 64 pixels in 0..16, labels 0..9", () => {
  const d = digits();
  assert.equal(d.X.shape, "(1797, 64)");
  assert.equal(d.y.shape, "(1797, 1)");
  assert.deepEqual(d.X.rowAt(0).slice(0, 8), [0, 0, 5, 13, 9, 1, 0, 0]);
  assert.equal(d.y.get(0, 0), 0);
  assert.equal(d.y.get(1, 0), 1);
  assert.ok(d.X.toFlatArray().every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
  for (let c = 0; c < 10; c++) assert.ok(count(d.y, c) > 170, `digit ${c}`);
  assert.equal(d.featureNames[9], "pixel_1_1");
  assert.deepEqual(d.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
});

test("iris(): 150 flowers, 4 measurements, 50 of each species", () => {
  const d = iris();
  assert.equal(d.X.shape, "(150, 4)");
  assert.deepEqual(d.X.rowAt(0), [5.1, 3.5, 1.4, 0.2]);
  assert.deepEqual(d.classNames, ["setosa", "versicolor", "virginica"]);
  for (let c = 0; c < 3; c++) assert.equal(count(d.y, c), 50);
  assert.equal(d.featureNames.length, 4);
});

test("the committed CSVs in data/ are exactly what scripts/make-data.ts writes", () => {
  const files = courseCsvs();
  assert.deepEqual(Object.keys(files).sort(), ["circles.csv", "loy.csv", "people.csv"]);
  for (const [name, text] of Object.entries(files)) {
    assert.equal(readFileSync(dataPath(name), "utf8"), text, `data/${name} is stale: run node --import tsx scripts/make-data.ts`);
  }
});

test("the committed CSVs read back into the datasets' numbers", () => {
  const p = readCsv(dataPath("people.csv"), { text: ["name"] });
  assert.deepEqual(p.text.name, people().names);
  assert.ok(tableToMatrix(p, ["weight_minus_135", "height_minus_66"]).equals(people().X));
  assert.ok(tableToMatrix(p, ["weight_lb", "height_in"]).equals(people().raw));
  assert.ok(tableToMatrix(p, ["gender"]).equals(people().y));
  const l = readCsv(dataPath("loy.csv"));
  assert.ok(tableToMatrix(l, ["x1", "x2", "x3"]).equals(loyData().X) && tableToMatrix(l, ["label"]).equals(loyData().y));
  const c = readCsv(dataPath("circles.csv"));
  const rings = circles({ seed: CIRCLES_SEED });
  assert.ok(tableToMatrix(c, ["x1", "x2"]).equals(rings.X) && tableToMatrix(c, ["label"]).equals(rings.y));
  // data/README.md quotes these: 10 outer points inside r = 5, so the rule "inner if r < 5" scores 290 / 300.
  let outerInside = 0, ruleRight = 0;
  for (let i = 0; i < rings.X.rows; i++) {
    const inner = radius(rings, i) < 5;
    if (inner && rings.y.data[i] === 0) outerInside++;
    if ((inner ? 1 : 0) === rings.y.data[i]) ruleRight++;
  }
  assert.equal(outerInside, 10);
  assert.equal(ruleRight, 290);
});

test("data/README.md describes every file in data/", () => {
  const readme = readFileSync(dataPath("README.md"), "utf8");
  for (const name of readdirSync(join(__dirname, "..", "data"))) {
    if (name !== "README.md") assert.ok(readme.includes(`| ${name} |`), `data/README.md has no row for ${name}`);
  }
  assert.ok(readme.includes("CC BY 4.0"));
});

// --- TensorFlow Playground's sets: two Gaussians, the two regression sets, noisy rings, input features

import { FEATURE_NAMES, gaussianMixture, gaussians, inputFeatures, MIXTURE_BUMPS, plane } from "../src/data/datasets";

test("gaussians(): two clouds around (-2, -2) (label 0) and (2, 2) (label 1), seeded, noise is their spread", () => {
  const d = gaussians({ n: 201, noise: 1, seed: 0 });
  assert.equal(d.X.shape, "(201, 2)");
  assert.equal(count(d.y, 0), 101);
  assert.equal(count(d.y, 1), 100);
  const mean = (label: number, col: number) => {
    let s = 0, k = 0;
    for (let i = 0; i < 201; i++) if (d.y.data[i] === label) (s += d.X.data[2 * i + col]), k++;
    return s / k;
  };
  for (const col of [0, 1]) {
    assert.ok(Math.abs(mean(0, col) + 2) < 0.3, `class 0 centred at -2: ${mean(0, col)}`);
    assert.ok(Math.abs(mean(1, col) - 2) < 0.3, `class 1 centred at 2: ${mean(1, col)}`);
  }
  assert.deepEqual(gaussians({ n: 4, noise: 0 }).X.toArray(), [[-2, -2], [-2, -2], [2, 2], [2, 2]]);
  assert.deepEqual(gaussians({ seed: 5 }).X.toArray(), gaussians({ seed: 5 }).X.toArray());
  assert.notDeepEqual(gaussians({ seed: 5 }).X.toArray(), gaussians({ seed: 6 }).X.toArray());
  // the noise is exactly the seeded normals, x then y, point by point
  const z = new RandomState(7).randn(4) as Float64Array;
  assert.deepEqual(Array.from(gaussians({ n: 2, noise: 0.5, seed: 7 }).X.data), [-2 + 0.5 * z[0], -2 + 0.5 * z[1], 2 + 0.5 * z[2], 2 + 0.5 * z[3]]);
  assert.throws(() => gaussians({ n: 1 }), /gaussians: n must be an integer >= 2, got 1/);
  assert.throws(() => gaussians({ noise: -1 }), /gaussians: noise must be a finite number >= 0, got -1/);
});

test("plane(): y = (x1 + x2) / 12 on the square [-6, 6]^2, plus seeded noise on y", () => {
  const d = plane({ n: 300, seed: 0 });
  assert.equal(d.X.shape, "(300, 2)");
  assert.equal(d.y.shape, "(300, 1)");
  for (let i = 0; i < 300; i++) {
    const [a, b] = [d.X.data[2 * i], d.X.data[2 * i + 1]];
    assert.ok(a >= -6 && a < 6 && b >= -6 && b < 6);
    assert.equal(d.y.data[i], (a + b) / 12);
  }
  const noisy = plane({ n: 300, noise: 0.1, seed: 0 });
  assert.deepEqual(noisy.X.toArray(), d.X.toArray(), "the noise is drawn after the points: same X");
  const diffs = noisy.y.toFlatArray().map((v, i) => v - d.y.data[i]);
  const sd = Math.sqrt(diffs.reduce((s, v) => s + v * v, 0) / 300);
  assert.ok(sd > 0.08 && sd < 0.12, `noise of spread 0.1 on y: ${sd}`);
  assert.throws(() => plane({ n: 0 }), /plane: n must be an integer >= 1, got 0/);
});

test("gaussianMixture(): six bumps of sign +1 / -1, y near ±1 at their centres", () => {
  const d = gaussianMixture({ n: 500, seed: 1 });
  assert.equal(d.X.shape, "(500, 2)");
  const values = d.y.toFlatArray();
  assert.ok(Math.max(...values) > 0.8 && Math.min(...values) < -0.8, "reaches both signs");
  assert.ok(values.every((v) => Math.abs(v) < 1.2), "stays within about ±1");
  for (let i = 0; i < 500; i++) {
    const [a, b] = [d.X.data[2 * i], d.X.data[2 * i + 1]];
    const want = MIXTURE_BUMPS.reduce((s, [c1, c2, sign]) => s + sign * Math.exp(-((a - c1) ** 2 + (b - c2) ** 2) / 2), 0);
    assert.equal(values[i], want);
  }
  assert.throws(() => gaussianMixture({ noise: Infinity }), /gaussianMixture: noise must be a finite number >= 0, got Infinity/);
});

test("circles({ noise }): noise 0 is article 002's data; noise > 0 moves every coordinate by seeded normals", () => {
  const clean = circles({ seed: 0 });
  assert.deepEqual(circles({ seed: 0, noise: 0 }).X.toArray(), clean.X.toArray());
  const noisy = circles({ seed: 0, noise: 2 });
  assert.deepEqual(noisy.y.toArray(), clean.y.toArray());
  const moved = noisy.X.toFlatArray().filter((v, i) => v !== clean.X.data[i]).length;
  assert.equal(moved, 600);
  assert.throws(() => circles({ noise: -0.5 }), /circles: noise must be a finite number >= 0, got -0.5/);
});

test("inputFeatures(): Playground's nine features, in the order asked, and its errors", () => {
  const X = Matrix.from([[2, 3], [-1, 0.5]]);
  assert.deepEqual(inputFeatures(X, ["x1", "x2"]).toArray(), X.toArray());
  assert.deepEqual(inputFeatures(X, ["x1^2", "x2^2", "x1*x2"]).toArray(), [[4, 9, 6], [1, 0.25, -0.5]]);
  assert.deepEqual(inputFeatures(X, ["sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)"]).toArray(), [
    [Math.sin(2), Math.sin(3), Math.cos(2), Math.cos(3)],
    [Math.sin(-1), Math.sin(0.5), Math.cos(-1), Math.cos(0.5)],
  ]);
  assert.equal(inputFeatures(X, [...FEATURE_NAMES]).shape, "(2, 9)");
  assert.throws(() => inputFeatures(X, ["x3" as never]), /inputFeatures: unknown feature "x3"; the features are x1, x2, x1\^2/);
  assert.throws(() => inputFeatures(X, []), /inputFeatures: give at least one feature name/);
  assert.throws(() => inputFeatures(Matrix.from([[1, 2, 3]]), ["x1"]), /inputFeatures: X must be a Matrix of shape \(n, 2\), got \(1, 3\)/);
});
