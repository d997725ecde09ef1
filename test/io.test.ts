// Model files: atomic saves, exact round trips, and clear errors for broken files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
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
