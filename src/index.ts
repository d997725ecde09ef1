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
export { multiplyAdd, type MultiplyAdd } from "./wasm/fma";
export * from "./optimizers";
export * from "./network";
export * from "./gradcheck";
export * from "./datasets";
export * from "./csv";
export * from "./dataframe";
export * from "./metrics";
export * from "./plot";
export * from "./io";
export * from "./check";
export * from "./kernels-reference";
export * from "./describe";
