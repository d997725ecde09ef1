import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../src/core/matrix";
import { accuracy, confusionMatrix, errorRate, toLabels } from "../src/core/metrics";

const col = (v: number[]) => Matrix.column(v);

test("toLabels thresholds a column and takes argmax of wider outputs", () => {
  assert.deepEqual(toLabels(col([0.9, 0.2, 0.5, 0.51])), [1, 0, 0, 1]);
  assert.deepEqual(toLabels(col([0.3, 0.2]), 0.25), [1, 0]);
  assert.deepEqual(toLabels(Matrix.from([[0.1, 0.7, 0.2], [5, -1, 0]])), [1, 0]);
});

test("toLabels error: NaN outputs", () => {
  assert.throws(() => toLabels(Matrix.from([[0.1, 0.2], [NaN, 1]])), {
    message: "toLabels: yPred row 1, column 0 is NaN; did training diverge?",
  });
  assert.throws(() => toLabels([[1]] as unknown as Matrix), { message: "toLabels: yPred must be a Matrix, got object" });
});

test("accuracy, binary: probabilities (n, 1) against 0/1 labels", () => {
  assert.equal(accuracy(col([0.9, 0.4, 0.6, 0.1]), col([1, 1, 1, 0])), 0.75);
  assert.equal(accuracy(col([0.9, 0.4]), col([1, 1]), 0.3), 1);
  assert.equal(errorRate(col([0.9, 0.4, 0.6, 0.1]), col([1, 1, 1, 0])), 0.25);
});

test("accuracy, multi-class: against integer labels and against one-hot rows", () => {
  const yPred = Matrix.from([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.5, 0.3, 0.2]]);
  assert.equal(accuracy(yPred, col([0, 2, 1, 1])), 0.75);
  const hot = Matrix.from([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 0]]);
  assert.equal(accuracy(yPred, hot), 0.75);
  assert.equal(errorRate(yPred, hot), 0.25);
});

test("accuracy errors: shapes, labels and one-hot rows", () => {
  assert.throws(() => accuracy(col([0.5, 0.5]), col([1])), {
    message: "accuracy: yPred is (2, 1) but y is (1, 1); they need the same number of rows",
  });
  assert.throws(() => accuracy(new Matrix(0, 1), new Matrix(0, 1)), { message: "accuracy: no rows to score (yPred is (0, 1))" });
  assert.throws(() => accuracy(col([0.5, 0.5]), col([1, 2])), {
    message: "accuracy: y row 1 is 2, expected 0 or 1 (binary labels for a (n, 1) yPred)",
  });
  const yPred = Matrix.from([[0.7, 0.3], [0.2, 0.8]]);
  assert.throws(() => accuracy(yPred, col([0, 2])), { message: "accuracy: y row 1 is 2, expected an integer label in 0..1" });
  assert.throws(() => accuracy(yPred, col([0, 0.5])), { message: "accuracy: y row 1 is 0.5, expected an integer label in 0..1" });
  assert.throws(() => accuracy(yPred, Matrix.from([[1, 0], [1, 1]])), {
    message: "accuracy: y row 1 is not one-hot (1, 1); it needs a single 1 and zeros",
  });
  assert.throws(() => accuracy(yPred, Matrix.from([[1, 0], [0, 0]])), { message: "accuracy: y row 1 is all zeros, not one-hot" });
  assert.throws(() => accuracy(yPred, new Matrix(2, 3)), {
    message: "accuracy: y is (2, 3) but yPred is (2, 2); y must be labels (2, 1) or one-hot (2, 2)",
  });
  assert.throws(() => accuracy(col([0.1]), Matrix.from([[0, 1]])), {
    message: "accuracy: y is (1, 2) but yPred is (1, 1); y must be labels (1, 1)",
  });
  assert.throws(() => accuracy(col([0.1]), [[1]] as unknown as Matrix), { message: "accuracy: y must be a Matrix, got object" });
});

test("confusionMatrix counts (true, predicted) pairs; rows are true classes", () => {
  assert.deepEqual(confusionMatrix([0, 1, 1], [0, 1, 0]), [[1, 0], [1, 1]]);
  assert.deepEqual(confusionMatrix([0, 2, 1, 2], [0, 1, 1, 2]), [[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
  assert.deepEqual(confusionMatrix([0, 0], [0, 0], 3), [[2, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(confusionMatrix(col([1, 0]), toLabels(col([0.8, 0.9]))), [[0, 1], [0, 1]]);
  // Every example is counted once; the diagonal over the total is the accuracy.
  const yTrue = [0, 1, 2, 2, 1, 0, 0], yPred = [0, 2, 2, 1, 1, 0, 1];
  const cm = confusionMatrix(yTrue, yPred);
  const total = cm.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 7);
  assert.equal(cm[0][0] + cm[1][1] + cm[2][2], 4);
});

test("confusionMatrix errors", () => {
  assert.throws(() => confusionMatrix([0, 1], [0]), { message: "confusionMatrix: yTrue has 2 labels but yPred has 1" });
  assert.throws(() => confusionMatrix([0, -1], [0, 0]), { message: "confusionMatrix: yTrue[1] is -1, not a non-negative integer label" });
  assert.throws(() => confusionMatrix([0, 1], [0, 1.5]), { message: "confusionMatrix: yPred[1] is 1.5, not a non-negative integer label" });
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), {
    message: "confusionMatrix: yTrue[1] is 3, but with 3 classes labels run 0..2",
  });
  assert.throws(() => confusionMatrix([0], [0], 0), { message: "confusionMatrix: classes must be a positive integer, got 0" });
  assert.throws(() => confusionMatrix(new Matrix(2, 2), [0, 1]), {
    message: "confusionMatrix: yTrue is a matrix of shape (2, 2); pass labels (n, 1) or use toLabels first",
  });
  assert.throws(() => confusionMatrix("01" as unknown as number[], [0, 1]), {
    message: "confusionMatrix: yTrue must be an array of labels or an (n, 1) Matrix",
  });
});
