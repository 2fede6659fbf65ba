/**
 * The PKCS#12 key derivation of RFC 7292 Appendix B.2, used by the MAC of every PKCS#12
 * file and by the pbeWithSHAAnd* encryption schemes of NSS and Windows exports.
 */
import { createHash } from 'node:crypto';

export const PKCS12_KEY_MATERIAL = 1;
export const PKCS12_IV_MATERIAL = 2;
export const PKCS12_MAC_MATERIAL = 3;

export type Pkcs12Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const BLOCK_SIZE: Record<Pkcs12Hash, number> = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 };

/** The password as a BMPString with two zero bytes appended (RFC 7292 Appendix B.1). */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(source: Uint8Array, blockSize: number): Uint8Array {
  if (source.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(blockSize * Math.ceil(source.length / blockSize));
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
  return out;
}

export function pkcs12Kdf(
  hash: Pkcs12Hash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  id: number,
  length: number,
): Uint8Array {
  const v = BLOCK_SIZE[hash];
  const d = new Uint8Array(v).fill(id);
  const i = new Uint8Array([...repeatTo(salt, v), ...repeatTo(password, v)]);
  const out = new Uint8Array(length);
  let produced = 0;
  while (produced < length) {
    let a: Uint8Array = createHash(hash).update(d).update(i).digest();
    for (let n = 1; n < iterations; n++) a = createHash(hash).update(a).digest();
    const take = Math.min(a.length, length - produced);
    out.set(a.subarray(0, take), produced);
    produced += take;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    const b = repeatTo(a, v).subarray(0, v);
    for (let off = 0; off < i.length; off += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[off + k]! + b[k]! + carry;
        i[off + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}
