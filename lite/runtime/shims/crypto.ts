/** Node's `crypto.randomBytes`, used for unique element ids in the notebook's outputs. */
import { Buffer } from "./buffer";
export function randomBytes(n: number): Buffer {
  return Buffer.of8(crypto.getRandomValues(new Uint8Array(n)));
}
export default { randomBytes };
