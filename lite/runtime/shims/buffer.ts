/**
 * The little of Node's Buffer the library uses in the page: `Buffer.from(text)`, `toString("utf8")`
 * and byte access (a Uint8Array already has that). Injected as the global `Buffer`.
 */
export class Buffer extends Uint8Array {
  static from(value: string | ArrayLike<number> | ArrayBuffer, _encoding?: string): Buffer {
    if (typeof value === "string") return Buffer.of8(new TextEncoder().encode(value));
    if (value instanceof ArrayBuffer) return Buffer.of8(new Uint8Array(value));
    return Buffer.of8(Uint8Array.from(value as ArrayLike<number>));
  }
  static of8(bytes: Uint8Array): Buffer {
    return new Buffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }
  static isBuffer(value: unknown): boolean {
    return value instanceof Buffer;
  }
  toString(encoding = "utf8"): string {
    if (encoding === "hex") return Array.from(this, (b) => b.toString(16).padStart(2, "0")).join("");
    if (encoding !== "utf8" && encoding !== "utf-8") throw new Error(`Buffer.toString: only utf8 and hex in the browser, not ${encoding}`);
    return new TextDecoder().decode(this);
  }
}
