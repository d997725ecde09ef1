// A save killed mid-write never leaves a broken model. A child process saves two ~25 MB models
// over the same file in turn (test/fixtures/hardening/save-loop.ts) and is SIGKILLed, again and
// again, at varied moments after its temporary file appears; the file is then always one of the two
// models, byte for byte. The same schedule against an in-place writer (the control) must break the
// file at least once, or the test would prove nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { loadNetwork, Network, saveNetwork } from "../../src/index";
import { bigModels } from "../fixtures/hardening/big-models";

const LOOP = join(__dirname, "..", "fixtures", "hardening", "save-loop.ts");
/**
 * When each kill comes: during the child's first save (model B over the old A) or its second (A over
 * the B just saved), so many milliseconds after that save's temporary file appears.
 */
const KILLS: [save: 1 | 2, ms: number][] = [[1, 0], [1, 1], [1, 3], [1, 8], [1, 30], [2, 0], [2, 2], [2, 8], [2, 30], [2, 120]];

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const [modelA, modelB] = bigModels();
const textA = JSON.stringify(modelA.toJSON());
const textB = JSON.stringify(modelB.toJSON());
const whole = new Map([[sha(textA), "A"], [sha(textB), "B"]]);
const fullSize = Buffer.byteLength(textA);

function start(target: string, mode: "atomic" | "in-place"): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", LOOP, target, mode], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`save-loop exited early (${code}): ${err}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

/** Polls (every millisecond or so) until `ready()` is true; false after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ready()) return true;
    await sleep(1);
  }
  return false;
}

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

test("saveNetwork killed mid-write, 10 times at varied moments: the model file is always a whole model, old or new", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-crash-"));
  const target = join(dir, "model.json");
  try {
    saveNetwork(modelA, target);
    const seen: string[] = [];
    let insideSave = 0; // kills that left a temporary file: between its creation and the rename
    let partialTemporaries = 0; // ... of which cut it short
    for (const [save, delay] of KILLS) {
      const before = new Set(temporaries(dir));
      const child = await start(target, "atomic");
      const saves = new Set<string>(); // the child's temporary files seen so far: one per save begun
      const reached = await until(() => {
        for (const f of temporaries(dir)) if (!before.has(f)) saves.add(f);
        return saves.size >= save;
      }, 30_000);
      assert.ok(reached, `the child began save ${save}`);
      await sleep(delay);
      await kill(child);

      const bytes = readFileSync(target);
      const which = whole.get(sha(bytes));
      assert.ok(which, `after a kill ${delay} ms into save ${save}, ${target} is ${bytes.length} bytes and neither model`);
      assert.equal(loadNetwork(target).layers.length, 2);
      seen.push(which);
      const left = temporaries(dir).filter((f) => !before.has(f));
      if (left.length > 0) insideSave++;
      if (left.some((f) => statSync(join(dir, f)).size < fullSize)) partialTemporaries++;
    }
    // The kills did land inside saves: they left temporary files behind, some of them cut short;
    // and both outcomes came up: the old model kept, and the new one after a finished save.
    assert.ok(insideSave >= 3, `kills inside a save: ${insideSave}`);
    assert.ok(seen.includes("A") && seen.includes("B"), `models found after the kills: ${seen.join("")}`);
    console.log(
      `# crash test: ${KILLS.length} kills, model afterwards ${seen.join("")}; ${insideSave} inside a save, ` +
        `${partialTemporaries} of them mid-write (temporary file cut short)`,
    );
    console.log(`# bad inputs: ${KILLS.length} (saves of a 25 MB model killed mid-write)`);

    // The stray temporary files: loadNetwork ignores them; saveNetwork removes those of dead
    // processes once they are a minute old, and leaves younger ones and those of live processes.
    const stray = temporaries(dir);
    assert.equal(stray.length, insideSave);
    const old = new Date(Date.now() - 120_000);
    const [young, ...rest] = stray;
    for (const f of rest) utimesSync(join(dir, f), old, old);
    const alive = `.model.json.${process.pid}.1.0.tmp`;
    writeFileSync(join(dir, alive), "a save of this very process");
    utimesSync(join(dir, alive), old, old);
    saveNetwork(new Network({ sizes: [2, 1], activations: ["sigmoid"] }), target);
    assert.deepEqual(temporaries(dir).sort(), [young, alive].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the control: the same kills against a writer that saves in place do break the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-crash-control-"));
  const target = join(dir, "model.json");
  try {
    let broken = 0;
    for (const delay of [0, 1, 3]) {
      writeFileSync(target, textA);
      const child = await start(target, "in-place");
      // The in-place writer truncates the file first: kill once it is shorter than a whole model.
      const started = await until(() => existsSync(target) && statSync(target).size < fullSize, 20_000);
      assert.ok(started, "the control began a save");
      await sleep(delay);
      await kill(child);
      if (!whole.has(sha(readFileSync(target)))) broken++;
    }
    assert.ok(broken >= 1, "an in-place save killed mid-write leaves a broken file, and the check sees it");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a model whose first save was killed: loadNetwork says an interrupted save left a temporary file", () => {
  const dir = mkdtempSync(join(tmpdir(), "scratchnet-crash-first-"));
  try {
    writeFileSync(join(dir, ".m.json.999999.1.0.tmp"), textA.slice(0, 1000));
    assert.throws(() => loadNetwork(join(dir, "m.json")), {
      message: `loadNetwork: cannot read ${join(dir, "m.json")}: ENOENT (an interrupted save left .m.json.999999.1.0.tmp beside it; that file may be incomplete)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
