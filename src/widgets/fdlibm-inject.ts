// Injected by scripts/build-widgets.ts: the bundle's Math.exp is Node's fdlibm e^x (see fdlibm.ts).
export { fdlibmExp as __scratchnetExp } from "./fdlibm";
