/**
 * A fresh ArrayBuffer holding exactly these bytes. `bytes.buffer` may be larger than the
 * view (a subarray, or Node's pooled Buffer), and parsers given it would read the rest.
 */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
