/**
 * Node's crypto as the CMS layer's platform crypto: WebCrypto, Node's own incremental
 * hash for content Cachet hashes while writing it, Node's own hash for a large digest,
 * and Node's AES-CBC decipher, which decrypts a large ciphertext where it lies instead of
 * copying it as WebCrypto does.
 */
import { createDecipheriv, createHash, webcrypto } from 'node:crypto';
import type { CmsCrypto, IncrementalDigest } from '../../../src/cms/cms-crypto';
import type { HashName } from '../../../src/cms/key-operator';
import { NODE_HASH } from '../../keys/node-hash-names';

function incrementalDigest(hash: HashName): IncrementalDigest {
  const state = createHash(NODE_HASH[hash]);
  return {
    update: (bytes) => {
      state.update(bytes);
    },
    finish: () => new Uint8Array(state.digest()),
  };
}

/** Octets per decipher call: its output is copied back over the ciphertext it came from. */
const DECRYPT_SLICE = 1 << 16;

function aesCbcDecryptInPlace(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): void {
  // Without padding the decipher returns every block it is given at once, holding none back.
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  for (let at = 0; at < blocks.length; at += DECRYPT_SLICE) {
    const plain = decipher.update(blocks.subarray(at, at + DECRYPT_SLICE));
    if (plain.length !== Math.min(DECRYPT_SLICE, blocks.length - at)) throw new Error('the decipher held back ciphertext');
    blocks.set(plain, at);
  }
  decipher.final();
}

/**
 * From this size on a digest is Node's hash over the octets where they lie. WebCrypto's
 * digest first copies its whole input for its worker thread: for a 25 MiB message that
 * is 25 MiB more peak memory, for the few milliseconds the hash would run beside other
 * work (issue 16).
 */
const IN_PLACE_DIGEST_BYTES = 1 << 20;

function isHashName(name: string): name is HashName {
  return Object.hasOwn(NODE_HASH, name);
}

function digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
  const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
  if (bytes.length < IN_PLACE_DIGEST_BYTES || !isHashName(name)) return webcrypto.subtle.digest(algorithm, data);
  const value = createHash(NODE_HASH[name]).update(bytes).digest();
  return Promise.resolve(value.buffer.slice(value.byteOffset, value.byteOffset + value.length));
}

/** WebCrypto with `digest` replaced; its other methods keep WebCrypto as `this`, which they check. */
const subtle = new Proxy(webcrypto.subtle as SubtleCrypto, {
  get(target, property) {
    if (property === 'digest') return digest;
    const value: unknown = Reflect.get(target, property, target);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});

export const nodeCmsCrypto = {
  subtle,
  getRandomValues: (array) => webcrypto.getRandomValues(array),
  incrementalDigest,
  aesCbcDecryptInPlace,
} satisfies CmsCrypto;
