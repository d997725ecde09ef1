/**
 * Saving and loading networks as JSON files. A save writes a temporary file beside the target
 * and renames it into place, so a crash mid-save never leaves a half-written model.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "fs";
import { basename, dirname, join } from "path";
import { Network } from "./network";

/**
 * Writes `net.toJSON()` to `path` atomically (temporary file, fsync, rename).
 * @example saveNetwork(net, "model.json"); const same = loadNetwork("model.json");
 */
export function saveNetwork(net: Network, path: string): void {
  const text = JSON.stringify(net.toJSON());
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
    throw new Error(`loadNetwork: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w");
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
