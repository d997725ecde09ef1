// After the first epoch, training allocates nothing per step: the heap stays flat from epoch to epoch.
// Measured in a child process (test/fixtures/memory-probe.ts) that can force garbage collections.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { join } from "path";

/** Bytes per epoch in each window, and steps per epoch, for one case of the probe. */
function probe(name: string, backend = "wasm"): { perEpoch: number[]; steps: number } {
  const script = join(__dirname, "fixtures", "memory-probe.ts");
  const r = spawnSync(process.execPath, ["--expose-gc", "--max-semi-space-size=64", "--import", "tsx", script, name, backend], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// Windows differ: V8 keeps compiling and re-compiling code for a while, and code it has not
// optimized yet boxes numbers on the heap. An allocation the loop makes by design (a buffer per
// step) shows in every window, so the quietest window is the measure of the loop itself.
const quietest = (perEpoch: number[]) => Math.min(...perEpoch);
const show = (perEpoch: number[]) => perEpoch.map((b) => b.toFixed(1)).join(", ");

for (const backend of ["wasm", "reference"]) {
  test(`full-batch training of the circle classifier allocates nothing per epoch (${backend} backend)`, () => {
    const { perEpoch } = probe("circles", backend);
    // What is left is the loss value itself and its place in the history array.
    assert.ok(quietest(perEpoch) <= 128, `bytes per epoch in each window: ${show(perEpoch)}`);
  });

  test(`shuffled mini-batch training of a softmax MLP allocates nothing per step (${backend} backend)`, () => {
    const { perEpoch, steps } = probe("digits", backend);
    // Measured here: ~160 bytes a step in the quietest window. The step's own calls (forward, backward,
    // optimizer, kernels) allocate 0 bytes when measured alone; the rest is fit's loop itself while V8
    // still runs it unoptimized. A buffer allocated per step (the smallest here, a 32x10 dZ, is ~2.7 KB)
    // stands far above that.
    assert.ok(quietest(perEpoch) / steps <= 512, `bytes per epoch in each window (${steps} steps each): ${show(perEpoch)}`);
  });
}

test("the measurement notices a loop that allocates one small matrix per epoch (a control)", () => {
  const { perEpoch } = probe("control");
  assert.ok(quietest(perEpoch) > 100, `bytes per epoch in each window: ${show(perEpoch)}`);
});
