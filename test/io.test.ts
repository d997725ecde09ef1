// Model files: atomic saves, exact round trips, and clear errors for broken files.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { circles, loadNetwork, Network, saveNetwork } from "../src/index";

const dir = mkdtempSync(join(tmpdir(), "scratchnet-io-"));
const net = new Network({ sizes: [2, 4, 1], activations: ["relu", "sigmoid"], seed: 0 });

test("save then load gives identical predictions, and leaves no temporary file", () => {
  const path = join(dir, "model.json");
  saveNetwork(net, path);
  const X = circles({ seed: 0 }).X;
  assert.deepEqual(loadNetwork(path).predict(X).data, net.predict(X).data);
  assert.deepEqual(readdirSync(dir), ["model.json"]);
});

test("a save over an existing model replaces it whole", () => {
  const path = join(dir, "over.json");
  writeFileSync(path, "old");
  saveNetwork(net, path);
  assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), JSON.parse(JSON.stringify(net.toJSON())));
});

test("a save that fails leaves the old model and no temporary file", () => {
  const path = join(dir, "missing-folder", "m.json");
  assert.throws(() => saveNetwork(net, path), /ENOENT/);
  const keep = join(dir, "keep.json");
  saveNetwork(net, keep);
  const before = readFileSync(keep, "utf8");
  const cyclic = { toJSON: () => { throw new Error("disk full"); } } as unknown as Network;
  assert.throws(() => saveNetwork(cyclic, keep), /disk full/);
  assert.equal(readFileSync(keep, "utf8"), before);
  assert.ok(readdirSync(dir).every((f) => !f.endsWith(".tmp")));
});

test("truncated, empty, hand-edited and missing files get errors naming the file", () => {
  const full = JSON.stringify(net.toJSON());
  const cases: [string, string, RegExp][] = [
    ["truncated.json", full.slice(0, full.length / 2), /truncated\.json is not valid JSON \(truncated or edited\?\)/],
    ["empty.json", "", /empty\.json is empty/],
    ["shape.json", full.replace('"biases":[', '"biases":[0.5,'), /shape\.json: layer 0: "biases" has 5 values but "weights" has 4 columns/],
    ["act.json", full.replace('"relu"', '"rleu"'), /act\.json: layer 0: unknown activation "rleu"; valid names are/],
  ];
  for (const [name, text, expected] of cases) {
    writeFileSync(join(dir, name), text);
    assert.throws(() => loadNetwork(join(dir, name)), expected);
  }
  assert.throws(() => loadNetwork(join(dir, "nope.json")), /loadNetwork: cannot read .*nope\.json: ENOENT/);
});

// --- additions for issue 8 -----------------------------------------------------------------------

after(() => rmSync(dir, { recursive: true, force: true }));

test("a save whose writes come back short still writes the whole model", () => {
  // writeSync may write fewer bytes than asked (signals, full pipes, some file systems); the saver must loop.
  const fs = require("fs") as typeof import("fs");
  const real = fs.writeSync;
  const big = new Network({ sizes: [20, 30, 5], activations: ["tanh", "softmax"], seed: 3 });
  const path = join(dir, "short-writes.json");
  let calls = 0;
  (fs as { writeSync: unknown }).writeSync = (fd: number, buffer: Buffer, offset: number, length: number) => {
    calls++;
    return real(fd, buffer, offset, Math.min(length, 1000));
  };
  try {
    saveNetwork(big, path);
  } finally {
    (fs as { writeSync: unknown }).writeSync = real;
  }
  assert.ok(calls > 5, `${calls} writes`);
  assert.equal(readFileSync(path, "utf8"), JSON.stringify(big.toJSON()));
});

test("saving onto a folder fails naming the problem and leaves no temporary file", () => {
  const sub = join(dir, "a-folder");
  mkdirSync(sub);
  assert.throws(() => saveNetwork(net, sub), /EISDIR|EPERM|ENOTEMPTY|EEXIST/);
  assert.ok(readdirSync(dir).every((f) => !f.endsWith(".tmp")));
});

test("many saves in a row, within the same millisecond, each land whole", () => {
  const path = join(dir, "burst.json");
  const nets = [1, 2, 3, 4, 5].map((seed) => new Network({ sizes: [2, 2, 1], activations: ["relu", "sigmoid"], seed }));
  for (const n of nets) saveNetwork(n, path);
  assert.equal(readFileSync(path, "utf8"), JSON.stringify(nets[4].toJSON()));
  assert.ok(readdirSync(dir).every((f) => !f.endsWith(".tmp")));
});

test("a disk that fills up mid-save: the save fails and the old model stays whole", () => {
  // A full disk first writes what fits and returns a short count; only the next write fails with ENOSPC.
  const fs = require("fs") as typeof import("fs");
  const real = fs.writeSync;
  const path = join(dir, "full-disk.json");
  saveNetwork(net, path);
  const before = readFileSync(path, "utf8");
  let written = 0;
  (fs as { writeSync: unknown }).writeSync = (fd: number, buffer: Buffer, offset: number, length: number) => {
    if (written >= 500) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const n = real(fd, buffer, offset, Math.min(length, 500 - written));
    written += n;
    return n;
  };
  try {
    assert.throws(() => saveNetwork(new Network({ sizes: [2, 9, 1], activations: ["relu", "sigmoid"], seed: 8 }), path), /ENOSPC/);
  } finally {
    (fs as { writeSync: unknown }).writeSync = real;
  }
  assert.equal(readFileSync(path, "utf8"), before);
  assert.ok(readdirSync(dir).every((f) => !f.endsWith(".tmp")));
});
