// The dense module's arena (src/wasm/arena.ts): one instance for every network, its memory handed
// out in regions that stay valid when the memory grows and come back when nothing can read them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { join } from "path";
import { Layer, Matrix, RandomState } from "../src/index";
import { DenseArena, DenseExports, denseArena } from "../src/wasm/arena";
import { DenseWorkspace } from "../src/wasm/dense";

/** An arena over a memory of its own (no module), to test the allocator alone. */
function smallArena(maxPages: number): DenseArena {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true });
  return new DenseArena({ memory } as DenseExports);
}

test("regions are 16-byte aligned, never at address 0, reused first-fit, and merged when given back", () => {
  const arena = smallArena(4);
  const a = arena.alloc(100)!, b = arena.alloc(40)!, c = arena.alloc(16)!;
  assert.deepEqual([a.start, a.bytes, b.start, b.bytes, c.start, c.bytes], [16, 112, 128, 48, 176, 16]);
  assert.equal(arena.bytesInUse, 176);
  arena.release(a);
  const d = arena.alloc(32)!; // fits in a's old place
  assert.equal(d.start, 16);
  arena.release(b);
  arena.release(d); // 16..176 is free again, in one piece
  assert.equal(arena.alloc(160)!.start, 16);
  arena.release(c);
  assert.equal(arena.alloc(64)!.start, 176, "c's release lowered the top: the next region starts where c did");
});

test("growing the memory keeps every earlier view valid; past the maximum, alloc says null", () => {
  const arena = smallArena(3);
  const first = arena.alloc(1000)!;
  const view = new Float64Array(first.buffer, first.start, 125).fill(2.5);
  const big = arena.alloc(2 * 65536)!; // beyond the first page: the memory grows
  assert.notEqual(big.buffer, first.buffer);
  assert.ok(view.every((v) => v === 2.5), "a view made before the grow reads the same values");
  assert.ok(arena.owns(first.buffer) && arena.owns(big.buffer), "both buffers belong to the memory");
  assert.ok(!arena.owns(new ArrayBuffer(8)));
  assert.equal(arena.alloc(65536), null, "a fourth page is past the maximum of 3");
});

test("every network's workspaces live in the one arena, and a memory grown for a big one leaves the others working", () => {
  const arena = denseArena()!;
  const rng = new RandomState(3);
  const small = new Layer(rng.uniform(-1, 1, 4, 8) as Matrix, rng.uniform(-1, 1, 1, 8) as Matrix, "relu");
  const X = rng.uniform(-1, 1, 50, 4) as Matrix;
  const before = small.forward(X).clone();
  assert.ok(arena.owns(small.output.data.buffer), "the layer's output is a view of the arena's memory");
  // A workspace of ~64 MB makes the memory grow well past where it was.
  const grown = DenseWorkspace.create(100_000, 40, 40)!;
  assert.ok(grown, "the big workspace fits");
  assert.ok(arena.owns(grown.A.data.buffer));
  assert.deepEqual(small.forward(X).data, before.data, "the small layer still computes the same, in its old views");
});

test("the memory of dropped networks comes back to the arena, but not while the caller keeps a layer's output", () => {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(__dirname, "fixtures", "arena-probe.ts")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.ok(p.afterTraining > p.before, `20 networks took memory: ${p.before} -> ${p.afterTraining} bytes`);
  // What stays is SGD's scratch region (sgdStep, for the 16x16 weights): 2 x 256 values, 4 KB.
  assert.ok(p.afterCollect <= p.before + 4096, `after a garbage collection it came back: ${p.afterCollect} bytes in use (was ${p.before})`);
  assert.equal(p.keptUnchanged, true, "a kept output was not overwritten by later networks");
});
