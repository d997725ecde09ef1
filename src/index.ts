/**
 * scratchnet: a neural network from scratch, the shared math of the course.
 * This barrel is the public API that notebooks import by package name.
 */
export * from "./matrix";
export * from "./kernels";
export * from "./random";
export * from "./neuron";
export * from "./activations";
export * from "./losses";
export * from "./init";
export * from "./layer";
export * from "./optimizers";
export * from "./network";
export * from "./gradcheck";
export * from "./datasets";
export * from "./csv";
export * from "./dataframe";
export * from "./metrics";
export * from "./plot";
export * from "./show-widget";
export * from "./io";
export * from "./check";
export { matmulReference, addRowReference, sumRowsReference, sgdStepReference } from "./backends/reference";
export * from "./course";
export * from "./describe";
