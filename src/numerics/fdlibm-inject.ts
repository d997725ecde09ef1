// Injected by scripts/build-widgets.ts: the bundle's Math.exp and Math.tanh are Node's (see fdlibm.ts).
export { fdlibmExp as __scratchnetExp, fdlibmTanh as __scratchnetTanh } from "./fdlibm";
