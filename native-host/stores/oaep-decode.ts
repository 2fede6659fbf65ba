/**
 * EME-OAEP decoding (RFC 8017 §7.1.2) over the raw RSA result from CKM_RSA_X_509, for
 * tokens without OAEP for the hash a message uses (SoftHSM2 has OAEP with SHA-1 only).
 * The checks run over the whole block and are combined before the single decision, so
 * timing does not say which check failed (Manger's attack).
 */
import { createHash } from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { HashName } from '../../src/cms/key-operator';
import { NODE_HASH } from '../keys/node-hash-names';


/** MGF1 (RFC 8017 §B.2.1). */
export function mgf1(seed: Uint8Array, length: number, hash: HashName): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter, 0);
    const block = createHash(NODE_HASH[hash]).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * `encoded` is the raw RSA output; `modulusBytes` the key size k; `mgfHash` is MGF1's hash
 * when it differs from the label hash (RFC 8017 A.2.1). Returns the message or
 * throws `key/operation-failed` without saying which part of the padding was wrong.
 */
export function oaepDecode(encoded: Uint8Array, modulusBytes: number, hash: HashName, label: Uint8Array = new Uint8Array(0), mgfHash: HashName = hash): Buffer {
  const k = modulusBytes;
  const hLen = createHash(NODE_HASH[hash]).digest().length;
  if (encoded.length > k || k < 2 * hLen + 2) throw new CachetError('key/operation-failed', 'decryption failed');
  // Tokens may drop leading zero bytes of the raw result.
  const em = Buffer.alloc(k);
  em.set(encoded, k - encoded.length);
  const lHash = createHash(NODE_HASH[hash]).update(label).digest();
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = mgf1(maskedDb, hLen, mgfHash);
  const seed = Buffer.alloc(hLen);
  for (let i = 0; i < hLen; i++) seed[i] = (maskedSeed[i] ?? 0) ^ (seedMask[i] ?? 0);
  const dbMask = mgf1(seed, maskedDb.length, mgfHash);
  const db = Buffer.alloc(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (maskedDb[i] ?? 0) ^ (dbMask[i] ?? 0);

  let bad = em[0] ?? 1;
  for (let i = 0; i < hLen; i++) bad |= (db[i] ?? 0) ^ (lHash[i] ?? 0);
  // Find the 0x01 after the zero padding without branching on secret bytes.
  let found = 0;
  let index = 0;
  for (let i = hLen; i < db.length; i++) {
    const byte = db[i] ?? 0;
    const isOne = ((byte ^ 1) - 1) >>> 31;
    const isZero = (byte - 1) >>> 31;
    const first = isOne & (found ^ 1);
    index |= first * i;
    found |= isOne;
    // Before the separator only zero bytes may appear.
    bad |= (found ^ 1) & (isZero ^ 1) & (isOne ^ 1);
  }
  bad |= found ^ 1;
  if (bad !== 0) throw new CachetError('key/operation-failed', 'decryption failed');
  return db.subarray(index + 1);
}
