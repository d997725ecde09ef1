/** POSIX paths for the page (Node's `path`, the functions the course and the library call). */
export const sep = "/";

export function normalize(p: string): string {
  const absolute = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return absolute ? "/" + joined : joined || ".";
}
export function join(...parts: string[]): string {
  return normalize(parts.filter((p) => p !== "").join("/"));
}
export function resolve(...parts: string[]): string {
  let p = "";
  for (const part of parts) p = part.startsWith("/") ? part : p + "/" + part;
  return normalize(p.startsWith("/") ? p : "/home/learner/" + p);
}
export function dirname(p: string): string {
  // A URL keeps its origin: dirname("http://host/a/b.wasm") is "http://host/a".
  const i = p.replace(/\/+$/, "").lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : p.slice(0, i);
}
export function basename(p: string, ext?: string): string {
  const base = p.replace(/\/+$/, "").split("/").pop() ?? "";
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}
export function extname(p: string): string {
  const base = basename(p);
  const i = base.lastIndexOf(".");
  return i <= 0 ? "" : base.slice(i);
}
export function isAbsolute(p: string): boolean {
  return p.startsWith("/");
}
export const posix = { sep, normalize, join, resolve, dirname, basename, extname, isAbsolute };
export default posix;
