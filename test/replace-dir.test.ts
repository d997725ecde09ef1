// scripts/lib/replace-dir.ts: a new folder takes an old one's place in one swap, and without the
// swap (no python3 here) in two renames; either way no folder is left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { exchangePaths, replaceDir } from "../scripts/lib/replace-dir";

function folder(path: string, files: Record<string, string>): string {
  mkdirSync(path, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}
const contents = (path: string) => Object.fromEntries(readdirSync(path).sort().map((f) => [f, readFileSync(join(path, f), "utf8")]));

test("replaceDir swaps a new folder in, renames it in where there is none, and leaves nothing behind", () => {
  const work = mkdtempSync(join(tmpdir(), "scratchnet-replace-"));
  try {
    const target = folder(join(work, "site"), { "index.html": "old", "gone.txt": "only in the old one" });
    assert.equal(replaceDir(folder(join(work, ".build-1"), { "index.html": "new" }), target), "swapped");
    assert.deepEqual(contents(target), { "index.html": "new" });
    assert.deepEqual(readdirSync(work), ["site"]);

    const fresh = join(work, "fresh");
    assert.equal(replaceDir(folder(join(work, ".build-2"), { "a.txt": "a" }), fresh), "renamed");
    assert.deepEqual(contents(fresh), { "a.txt": "a" });

    // Without the swap (no such python), two renames, with the same result.
    assert.equal(replaceDir(folder(join(work, ".build-3"), { "index.html": "newer" }), target, join(work, "no-python")), "two renames");
    assert.deepEqual(contents(target), { "index.html": "newer" });
    assert.deepEqual(readdirSync(work).sort(), ["fresh", "site"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("exchangePaths swaps two folders in place, and leaves both untouched when one is missing", () => {
  const work = mkdtempSync(join(tmpdir(), "scratchnet-exchange-"));
  try {
    const a = folder(join(work, "a"), { "x.txt": "from a" }), b = folder(join(work, "b"), { "y.txt": "from b" });
    assert.equal(exchangePaths(a, b), true);
    assert.deepEqual([contents(a), contents(b)], [{ "y.txt": "from b" }, { "x.txt": "from a" }]);
    assert.equal(exchangePaths(a, join(work, "missing")), false);
    assert.deepEqual(contents(a), { "y.txt": "from b" });
    assert.deepEqual(readdirSync(work).sort(), ["a", "b"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
