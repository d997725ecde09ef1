/**
 * The little of Node's Buffer the library uses in the page: `Buffer.from(text)`, `toString("utf8")`
 * and byte access (a Uint8Array already has that). Injected as the global `Buffer`.
 */
export class Buffer extends Uint8Array {
  static from(value: string | ArrayLike<number> | ArrayBuffer, encoding = "utf8"): Buffer {
    if (typeof value === "string" && /^(utf-?16le|ucs-?2)$/i.test(encoding)) {
      const out = new Buffer(value.length * 2);
      for (let i = 0; i < value.length; i++) (out[2 * i] = value.charCodeAt(i) & 255), (out[2 * i + 1] = value.charCodeAt(i) >> 8);
      return out;
    }
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
  /** Swaps each pair of bytes in place (big-endian UTF-16 to little-endian). */
  swap16(): this {
    for (let i = 0; i + 1 < this.length; i += 2) [this[i], this[i + 1]] = [this[i + 1], this[i]];
    return this;
  }
  toString(encoding = "utf8"): string {
    if (encoding === "hex") return Array.from(this, (b) => b.toString(16).padStart(2, "0")).join("");
    if (/^(utf-?16le|ucs-?2)$/i.test(encoding)) return new TextDecoder("utf-16le").decode(this);
    if (encoding === "latin1" || encoding === "binary") return new TextDecoder("latin1").decode(this);
    if (encoding !== "utf8" && encoding !== "utf-8") throw new Error(`Buffer.toString: ${encoding} is not available in the browser (utf8, utf16le, latin1, hex are)`);
    return new TextDecoder().decode(this);
  }
}
