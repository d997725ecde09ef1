/**
 * scratchnet: a neural network from scratch, the shared math of the course.
 * This barrel is the public API that notebooks import by package name.
 */
export * from "./core/matrix";
export * from "./kernels";
export * from "./numerics/random";
export * from "./core/neuron";
export * from "./core/activations";
export * from "./core/losses";
export * from "./core/init";
export * from "./core/layer";
export * from "./core/optimizers";
export * from "./core/regularization";
export * from "./core/network";
export * from "./core/gradcheck";
export * from "./core/value";
export * from "./data/datasets";
export * from "./data/csv";
export * from "./data/dataframe";
export * from "./core/metrics";
export * from "./show/plot";
export * from "./show/show-widget";
export * from "./data/io";
export * from "./course/check";
export { matmulReference, addRowReference, sumRowsReference, sgdStepReference } from "./kernels/reference";
export * from "./course/helpers";
export * from "./course/engine";
export * from "./show/describe";
export * from "./show/network-drawing";
export * from "./show/graph";
