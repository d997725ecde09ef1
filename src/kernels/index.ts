/**
 * The kernels: the seam (seam.ts) that the core calls, and the backends behind it. Importing this
 * folder registers the backends in order: the plain reference loops, then WebAssembly.
 * A new backend is a file that calls `registerBackend` and one import line here.
 */
export * from "./seam";
import "./reference";
import "./wasm";
