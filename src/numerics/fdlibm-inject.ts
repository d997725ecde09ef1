// Injected by scripts/build-widgets.ts: the bundle's Math.exp, Math.tanh, Math.sin and Math.cos are Node's (see fdlibm.ts, fdlibm-trig.ts).
export { fdlibmExp as __scratchnetExp, fdlibmTanh as __scratchnetTanh } from "./fdlibm";
export { fdlibmCos as __scratchnetCos, fdlibmSin as __scratchnetSin } from "./fdlibm-trig";
