/**
 * Node's crypto as the CMS layer's platform crypto: WebCrypto, Node's own incremental
 * hash for content Cachet hashes while writing it, and Node's AES-CBC decipher, which
 * decrypts a large ciphertext where it lies instead of copying it as WebCrypto does.
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

export const nodeCmsCrypto = {
  subtle: webcrypto.subtle as SubtleCrypto,
  getRandomValues: (array) => webcrypto.getRandomValues(array),
  incrementalDigest,
  aesCbcDecryptInPlace,
} satisfies CmsCrypto;
