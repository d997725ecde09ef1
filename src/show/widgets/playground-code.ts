/**
 * "Copy as code": the notebook code that makes the playground's run in tslab. The same data
 * call, the same split, the same inputs, `new Network(…)` with the same seed, and one
 * `fit(…)` of as many epochs as the page trained; since `fit` continues exactly where it
 * stopped, the page's frames of a few epochs each give the weights of that single call, bit for bit
 * (test/browser/widgets-playground.test.ts runs the code in Node and compares).
 */
import type { PlaygroundRun } from "./playground-run";

export function notebookCode(run: PlaygroundRun, epochs: number, changedMidRun: boolean): string {
  const { settings: s, view, fit, sizes, activations, scale } = run;
  const dataFn = view.call(s.dataSeed, s.noise).split("(")[0];
  const prep = (X: string) => `${X}${view.shift !== 0 ? `.sub(${view.shift})` : ""}.scale(${scale})`;
  const features = JSON.stringify(s.features);
  const split = s.trainPercent < 100;
  const lines = [
    `import { Network, inputFeatures, ${dataFn}${split ? ", trainTestSplit" : ""} } from "scratchnet";`,
    "",
    `// The playground's run: ${view.label}, ${s.trainPercent}% of the points to train, ${epochs} epochs.`,
  ];
  if (changedMidRun) lines.push("// (Settings changed during that run: this code replays today's settings from the start.)");
  lines.push(`const data = ${view.call(s.dataSeed, s.noise)};`);
  if (split) {
    lines.push(
      `const split = trainTestSplit(data.X, data.y, { testFraction: ${(100 - s.trainPercent) / 100}, seed: ${s.dataSeed} });`,
      `const X = inputFeatures(${prep("split.XTrain")}, ${features}); // the network's inputs`,
      `const XTest = inputFeatures(${prep("split.XTest")}, ${features});`,
    );
  } else {
    lines.push(`const X = inputFeatures(${prep("data.X")}, ${features}); // the network's inputs`);
  }
  const options = [
    `epochs: ${epochs}`, `learningRate: ${fit.learningRate}`, `loss: ${JSON.stringify(fit.loss)}`, `optimizer: ${JSON.stringify(fit.optimizer)}`,
    `batchSize: ${fit.batchSize}`, `shuffle: ${fit.shuffle}`, `seed: ${fit.seed}`,
    ...(fit.regularization ? [`regularization: { kind: ${JSON.stringify(fit.regularization.kind)}, rate: ${fit.regularization.rate} }`] : []),
  ];
  lines.push(
    `const net = new Network({ sizes: ${JSON.stringify(sizes)}, activations: ${JSON.stringify(activations)}, seed: ${s.seed}, init: "he" });`,
    `const { loss } = net.fit(X, ${split ? "split.yTrain" : "data.y"}, {`,
    `  ${options.slice(0, 4).join(", ")},`,
    `  ${options.slice(4).join(", ")},`,
    "});",
    split
      ? `console.log("training loss", loss.at(-1), "test loss", net.evaluate(XTest, split.yTest, ${JSON.stringify(fit.loss)}));`
      : `console.log("training loss", loss.at(-1));`,
  );
  return lines.join("\n") + "\n";
}
