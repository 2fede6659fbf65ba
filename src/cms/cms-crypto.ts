/**
 * The platform crypto the envelope code is given (DESIGN.md: src/ is platform-free):
 * WebCrypto's SubtleCrypto and a random source, as `globalThis.crypto` provides in
 * browsers and `node:crypto`'s `webcrypto` in tests.
 */
export interface CmsCrypto {
  readonly subtle: SubtleCrypto;
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
}

export function randomBytes(crypto: CmsCrypto, length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65 536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return out;
}

/** A copy backed by its own ArrayBuffer, as WebCrypto's BufferSource typing wants. */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
