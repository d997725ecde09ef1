/**
 * A value as Node's `util.inspect` prints it, close enough for a notebook's outputs: strings
 * quoted in cells' results but bare in console.log, arrays `[ 1, 2 ]`, objects `{ a: 1 }`,
 * typed arrays with their type, class instances with their class name.
 */
export function inspect(value: unknown, depth = 2, seen: unknown[] = []): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return value.toString().startsWith("class") ? `[class ${value.name}]` : `[Function: ${value.name || "(anonymous)"}]`;
  if (value === null || typeof value !== "object") return String(value);
  if (seen.includes(value)) return "[Circular *1]";
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  const inner = [...seen, value];
  const wrap = (open: string, items: string[], close: string) => {
    if (items.length === 0) return `${open}${close}`;
    const flat = `${open} ${items.join(", ")} ${close}`;
    return flat.length <= 72 ? flat : `${open}\n${items.map((i) => "  " + i.replace(/\n/g, "\n  ")).join(",\n")}\n${close}`;
  };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = Array.from(value as unknown as ArrayLike<number>);
    const shown = arr.slice(0, 100).map((v) => inspect(v));
    if (arr.length > 100) shown.push(`... ${arr.length - 100} more items`);
    return `${value.constructor.name}(${arr.length}) ` + wrap("[", shown, "]");
  }
  if (depth < 0) return Array.isArray(value) ? "[Array]" : "[Object]";
  if (Array.isArray(value)) {
    const shown = value.slice(0, 100).map((v) => inspect(v, depth - 1, inner));
    if (value.length > 100) shown.push(`... ${value.length - 100} more items`);
    return wrap("[", shown, "]");
  }
  if (value instanceof Map) return `Map(${value.size}) ` + wrap("{", [...value].map(([k, v]) => `${inspect(k, depth - 1, inner)} => ${inspect(v, depth - 1, inner)}`), "}");
  if (value instanceof Set) return `Set(${value.size}) ` + wrap("{", [...value].map((v) => inspect(v, depth - 1, inner)), "}");
  if (typeof (value as { then?: unknown }).then === "function") return "Promise { <pending> }";
  const proto = Object.getPrototypeOf(value);
  const name = proto && proto !== Object.prototype && proto.constructor?.name ? proto.constructor.name + " " : proto === null ? "[Object: null prototype] " : "";
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : inspect(k));
  return name + wrap("{", Object.entries(value).map(([k, v]) => `${key(k)}: ${inspect(v, depth - 1, inner)}`), "}");
}

/** console.log's formatting: strings as they are, everything else inspected, joined by spaces. */
export function format(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
}
