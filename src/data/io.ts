/**
 * Saving and loading networks as JSON files. A save writes a temporary file beside the target
 * and renames it into place, so a crash mid-save never leaves a half-written model.
 *
 * A save that is killed part-way leaves its temporary file, `.NAME.PID.TIME.N.tmp`, beside the model
 * (the model itself is the old one, whole). loadNetwork never reads these files. saveNetwork removes
 * the ones of the same model that a process which no longer runs on this machine left over a minute
 * ago; a younger one, or one whose process still runs, may be another save in progress.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "fs";
import { basename, dirname, join } from "path";
import { Network } from "../core/network";

/** How old (ms) a dead process's temporary file must be before saveNetwork removes it. */
const STALE_MS = 60_000;
let sequence = 0;

/**
 * Writes `net.toJSON()` to `path` atomically (temporary file, fsync, rename).
 * @example saveNetwork(net, "model.json"); const same = loadNetwork("model.json");
 */
export function saveNetwork(net: Network, path: string): void {
  const text = JSON.stringify(net.toJSON());
  removeStaleTemporaryFiles(path);
  writeFileAtomic(path, text);
}

/**
 * Reads a network saved by saveNetwork (or written by hand). A truncated or edited file gets an
 * error naming the file and what is wrong in it.
 */
export function loadNetwork(path: string): Network {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const left = code === "ENOENT" ? temporaryFiles(path) : [];
    const hint = left.length ? ` (an interrupted save left ${left[0].name} beside it; that file may be incomplete)` : "";
    throw new Error(`loadNetwork: cannot read ${path}: ${code ?? (e as Error).message}${hint}`);
  }
  if (text.trim() === "") throw new SyntaxError(`loadNetwork: ${path} is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`loadNetwork: ${path} is not valid JSON (truncated or edited?): ${(e as Error).message}`);
  }
  try {
    return Network.fromJSON(json);
  } catch (e) {
    const err = e as Error;
    err.message = `loadNetwork: ${path}: ${err.message.replace(/^Network\.fromJSON: /, "")}`;
    throw err;
  }
}

/** Writes `text` to a temporary file in the same folder, flushes it to disk, then renames it over `path`. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${sequence++}.tmp`);
  const bytes = Buffer.from(text, "utf8");
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    // writeSync may write fewer bytes than asked; a short write renamed into place would be a broken model.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(dirname(path));
}

/** Flushes the folder's entry for the renamed file, so the new name survives a power cut too (best effort). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some systems cannot open or fsync a folder; the rename itself is already atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The temporary files of saves of `path`, with the process id that wrote each. */
function temporaryFiles(path: string): { name: string; pid: number }[] {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const out: { name: string; pid: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.\d+(\.\d+)?\.tmp$/.exec(name.slice(prefix.length));
    if (m) out.push({ name, pid: Number(m[1]) });
  }
  return out;
}

function removeStaleTemporaryFiles(path: string): void {
  const now = Date.now();
  for (const { name, pid } of temporaryFiles(path)) {
    if (pid === process.pid || isRunning(pid)) continue;
    const file = join(dirname(path), name);
    try {
      if (now - statSync(file).mtimeMs >= STALE_MS) rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // it runs, as another user
  }
}
