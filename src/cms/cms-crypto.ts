/**
 * The platform crypto the envelope code is given (DESIGN.md: src/ is platform-free):
 * WebCrypto's SubtleCrypto and a random source, as `globalThis.crypto` provides in
 * browsers and `node:crypto`'s `webcrypto` in tests.
 */
import type { HashName } from './key-operator';

export interface CmsCrypto {
  readonly subtle: SubtleCrypto;
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  /**
   * A digest fed piece by piece, where the platform has one (Node's createHash; WebCrypto
   * has none). Content that Cachet writes in slices, such as an envelope about to be signed
   * again, is then hashed as it is written, without a second pass or a copy of the whole.
   */
  readonly incrementalDigest?: (hash: HashName) => IncrementalDigest;
  /**
   * AES-CBC decryption of whole blocks where they lie, each ciphertext block overwritten
   * by its plaintext and the padding left in place, where the platform can (Node's
   * decipher). WebCrypto's decrypt copies its whole input and returns a new output: two
   * more buffers the size of the message.
   */
  readonly aesCbcDecryptInPlace?: (key: Uint8Array, iv: Uint8Array, blocks: Uint8Array) => void;
}

export interface IncrementalDigest {
  update(bytes: Uint8Array): void;
  finish(): Uint8Array;
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
