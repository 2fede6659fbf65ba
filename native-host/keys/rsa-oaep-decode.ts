/**
 * EME-OAEP decoding (RFC 8017 §7.1.2 step 3) for the case Node's privateDecrypt cannot
 * express: an MGF1 hash different from the label hash (OpenSSL writes such messages with
 * `-keyopt rsa_oaep_md:sha256` alone, leaving MGF1 at SHA-1). The checks run over the
 * whole block and fail with one error, so which check failed is not observable.
 */
import { createHash } from 'node:crypto';
import { CachetError } from '../../src/errors';

const LENGTHS: Record<string, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function mgf1(hash: string, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / LENGTHS[hash]!) * LENGTHS[hash]!);
  for (let counter = 0, off = 0; off < length; counter++, off += LENGTHS[hash]!) {
    const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
    out.set(createHash(hash).update(seed).update(c).digest(), off);
  }
  return out.subarray(0, length);
}

/** Decodes the k-byte raw RSA output `em`; `hash` and `mgfHash` are Node names (sha256). */
export function oaepDecode(em: Uint8Array, hash: string, mgfHash: string, label: Uint8Array): Uint8Array {
  const hLen = LENGTHS[hash];
  const k = em.length;
  if (hLen === undefined || LENGTHS[mgfHash] === undefined || k < 2 * hLen + 2) {
    throw new CachetError('key/operation-failed', 'RSA-OAEP decryption failed');
  }
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = mgf1(mgfHash, maskedDb, hLen);
  const seed = maskedSeed.map((b, i) => b ^ seedMask[i]!);
  const dbMask = mgf1(mgfHash, seed, k - hLen - 1);
  const db = maskedDb.map((b, i) => b ^ dbMask[i]!);
  const lHash = createHash(hash).update(label).digest();
  let bad = em[0]!;
  for (let i = 0; i < hLen; i++) bad |= db[i]! ^ lHash[i]!;
  // After lHash: zero octets, then 0x01, then the message. Scan all of it every time.
  let index = 0;
  let found = 0;
  for (let i = hLen; i < db.length; i++) {
    const isOne = ((db[i]! ^ 1) - 1) >> 31; // -1 when db[i] === 1
    const isZero = (db[i]! - 1) >> 31; // -1 when db[i] === 0
    index |= i & isOne & ~found;
    bad |= (db[i]! & ~isZero & ~isOne & ~found) & 0xff; // a nonzero, non-0x01 octet before the separator
    found |= isOne;
  }
  if (bad !== 0 || found === 0) throw new CachetError('key/operation-failed', 'RSA-OAEP decryption failed');
  return db.slice(index + 1);
}
