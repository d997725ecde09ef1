/**
 * Loaded into every node process of a hub student (NODE_OPTIONS=--require ...), so into each tslab
 * kernel: it turns the bare "Array buffer allocation failed" that V8 throws when the process reaches
 * its memory limit (RLIMIT_DATA, set by the hub for each student) into a message that says why, in
 * the notebook, under the cell that asked for too much.
 *
 * The constructors are wrapped in a Proxy, not replaced by subclasses, so `instanceof`, `.from`,
 * `.of` and every array made elsewhere (Buffer, WebAssembly memory) behave exactly as before.
 */
"use strict";

const mib = Number(process.env.SCRATCHNET_KERNEL_MEMORY_MIB || 0);
const size = mib >= 1024 ? `${+(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;

function explain(error) {
  if (!(error instanceof RangeError) || !/allocation failed|Out of memory|could not allocate memory/i.test(error.message)) return error;
  const clear = new RangeError(
    `the kernel ran out of its ${size} of memory (the class's limit for each kernel): ` +
      `${error.message}. Use smaller data, or free what you no longer need and restart the kernel.`,
  );
  clear.stack = `${clear.name}: ${clear.message}`;
  return clear;
}

if (mib > 0) {
  const names = [
    "ArrayBuffer", "SharedArrayBuffer", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
  ];
  for (const name of names) {
    const target = globalThis[name];
    if (typeof target !== "function") continue;
    globalThis[name] = new Proxy(target, {
      construct(t, args, newTarget) {
        try {
          return Reflect.construct(t, args, newTarget === globalThis[name] ? t : newTarget);
        } catch (e) {
          throw explain(e);
        }
      },
    });
  }
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (delta) {
    try {
      return grow.call(this, delta);
    } catch (e) {
      throw explain(e);
    }
  };
}
