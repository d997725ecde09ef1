/**
 * Node's `fs` in the page, synchronous as the library expects. Two kinds of files:
 * - the package's own (`/scratchnet/data/…`, `/scratchnet/src/…`, `/scratchnet/package.json`),
 *   read from the site with a synchronous request (allowed in a Web Worker), never written;
 * - everything else lives in this worker's memory (a temporary folder, a saved model) and is
 *   gone when the kernel restarts.
 * Errors carry Node's codes (ENOENT, EISDIR), which the library's messages read.
 */
import { Buffer } from "./buffer";

/** Where the package's files are in the site, set by the worker at start. */
export const siteFiles = { root: "/scratchnet/", url: "" };

const files = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();
const dirs = new Set<string>(["/", "/tmp", "/home", "/home/learner"]);
const fds = new Map<number, { path: string; chunks: Uint8Array[] }>();
let nextFd = 3;

function fail(code: string, syscall: string, path: string): never {
  const err = new Error(`${code}: ${code === "ENOENT" ? "no such file or directory" : code === "EEXIST" ? "file already exists" : code === "EISDIR" ? "illegal operation on a directory" : "operation not permitted"}, ${syscall} '${path}'`) as Error & { code: string };
  err.code = code;
  throw err;
}

function normal(path: string): string {
  const out: string[] = [];
  for (const part of String(path).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

const fromSite = new Map<string, Uint8Array | null>();
/** A package file fetched from the site (cached), or null when the site has none. */
function siteFile(path: string): Uint8Array | null {
  if (!path.startsWith(siteFiles.root)) return null;
  if (!fromSite.has(path)) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", siteFiles.url + path.slice(siteFiles.root.length), false);
    xhr.responseType = "arraybuffer";
    xhr.send();
    fromSite.set(path, xhr.status === 200 ? new Uint8Array(xhr.response as ArrayBuffer) : null);
  }
  return fromSite.get(path) ?? null;
}

function decode(bytes: Uint8Array, options?: string | { encoding?: string | null }): string | Buffer {
  const encoding = typeof options === "string" ? options : options?.encoding;
  const buf = Buffer.of8(bytes);
  return encoding ? buf.toString(encoding) : buf;
}

export function readFileSync(path: string, options?: string | { encoding?: string | null }): any {
  const p = normal(path);
  if (dirs.has(p)) fail("EISDIR", "read", path);
  const mem = files.get(p);
  if (mem) return decode(mem.bytes, options);
  const site = siteFile(p);
  if (site) return decode(site, options);
  fail("ENOENT", "open", path);
}

export function existsSync(path: string): boolean {
  const p = normal(path);
  return dirs.has(p) || files.has(p) || siteFile(p) !== null;
}

export function writeFileSync(path: string, data: string | Uint8Array): void {
  const p = normal(path);
  if (!dirs.has(parent(p))) fail("ENOENT", "open", path);
  files.set(p, { bytes: typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data), mtimeMs: Date.now() });
}

function parent(p: string): string {
  return p.slice(0, p.lastIndexOf("/")) || "/";
}

export function mkdirSync(path: string, options?: { recursive?: boolean }): void {
  const p = normal(path);
  if (options?.recursive) {
    let at = "";
    for (const part of p.split("/").slice(1)) dirs.add((at += "/" + part));
    return;
  }
  if (dirs.has(p)) fail("EEXIST", "mkdir", path);
  if (!dirs.has(parent(p))) fail("ENOENT", "mkdir", path);
  dirs.add(p);
}

export function mkdtempSync(prefix: string): string {
  const dir = normal(prefix + Math.random().toString(36).slice(2, 8));
  mkdirSync(dir);
  return dir;
}

export function readdirSync(path: string): string[] {
  const p = normal(path);
  if (!dirs.has(p)) fail("ENOENT", "scandir", path);
  const prefix = p === "/" ? "/" : p + "/";
  const names = [...files.keys(), ...dirs].filter((f) => f.startsWith(prefix) && f.length > prefix.length && !f.slice(prefix.length).includes("/"));
  return names.map((f) => f.slice(prefix.length)).sort();
}

export function statSync(path: string) {
  const p = normal(path);
  const isDir = dirs.has(p);
  const file = files.get(p);
  const site = file || isDir ? null : siteFile(p);
  if (!isDir && !file && !site) fail("ENOENT", "stat", path);
  const size = file ? file.bytes.length : site ? site.length : 0;
  const mtimeMs = file?.mtimeMs ?? 0;
  return { size, mtimeMs, mtime: new Date(mtimeMs), isFile: () => !isDir, isDirectory: () => isDir };
}

export function rmSync(path: string, options?: { recursive?: boolean; force?: boolean }): void {
  const p = normal(path);
  if (files.delete(p)) return;
  if (dirs.has(p)) {
    const inside = [...files.keys(), ...dirs].filter((f) => f.startsWith(p + "/"));
    if (inside.length && !options?.recursive) fail("ENOTEMPTY", "rm", path);
    for (const f of inside) files.delete(f), dirs.delete(f);
    dirs.delete(p);
    return;
  }
  if (!options?.force) fail("ENOENT", "rm", path);
}
export const unlinkSync = (path: string) => rmSync(path);

export function renameSync(from: string, to: string): void {
  const f = files.get(normal(from));
  if (!f) fail("ENOENT", "rename", from);
  files.delete(normal(from));
  files.set(normal(to), f);
}

// File descriptors: enough for a write-then-rename save (src/data/io.ts).
export function openSync(path: string, flags = "r"): number {
  const p = normal(path);
  if (flags.startsWith("w")) {
    if (flags.includes("x") && files.has(p)) fail("EEXIST", "open", path);
    writeFileSync(p, "");
  } else if (!dirs.has(p) && !files.has(p)) fail("ENOENT", "open", path);
  fds.set(nextFd, { path: p, chunks: [] });
  return nextFd++;
}
export function writeSync(fd: number, data: Uint8Array | string, offset = 0, length?: number): number {
  const open = fds.get(fd);
  if (!open) fail("EBADF", "write", String(fd));
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data.subarray(offset, offset + (length ?? data.length - offset));
  open.chunks.push(bytes.slice());
  const old = files.get(open.path)?.bytes ?? new Uint8Array(0);
  const joined = new Uint8Array(old.length + bytes.length);
  joined.set(old);
  joined.set(bytes, old.length);
  files.set(open.path, { bytes: joined, mtimeMs: Date.now() });
  return bytes.length;
}
export function fsyncSync(_fd: number): void {}
export function closeSync(fd: number): void {
  fds.delete(fd);
}

export default { readFileSync, existsSync, writeFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, rmSync, unlinkSync, renameSync, openSync, writeSync, fsyncSync, closeSync };
