/**
 * RSAES-PKCS1-v1_5 decryption with implicit rejection (draft-irtf-cfrg-rsa-guidance,
 * "Implicit rejection"; the same construction as OpenSSL 3.2+). A ciphertext with bad
 * padding does not produce an error but a synthetic message derived from the ciphertext
 * and a secret of the private key, so that a caller cannot be used as a padding oracle
 * (Bleichenbacher 1998, Marvin 2023): the CMS layer then fails on content decryption.
 */
import { createHash, createHmac } from 'node:crypto';
import { bigIntToBytes } from '../../src/pki/bigint-arithmetic';


/** Key derivation key secret: SHA-256 of the private exponent as k bytes. */
export function implicitRejectionSecret(privateExponent: bigint, modulusLength: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bigIntToBytes(privateExponent, modulusLength)).digest());
}

/** The draft's PRF: HMAC-SHA-256(kdk, counter || label || bitLength) blocks, truncated. */
function prf(kdk: Uint8Array, label: string, bits: number): Uint8Array {
  const length = bits / 8;
  const out = new Uint8Array(Math.ceil(length / 32) * 32);
  const labelBytes = new TextEncoder().encode(label);
  for (let i = 0, off = 0; off < length; i++, off += 32) {
    const h = createHmac('sha256', kdk);
    h.update(new Uint8Array([i >> 8, i & 0xff]));
    h.update(labelBytes);
    h.update(new Uint8Array([(bits >> 8) & 0xff, bits & 0xff]));
    out.set(h.digest(), off);
  }
  return out.subarray(0, length);
}

/** -1 (all bits set) when a === b, else 0, without branching on the values. */
function eq(a: number, b: number): number {
  return ((a ^ b) - 1) >> 31;
}

/** -1 when a < b, else 0 (both small non-negative integers). */
function lt(a: number, b: number): number {
  return (a - b) >> 31;
}

/**
 * Unpads the k-byte raw RSA output `em`. `ciphertext` is the k-byte input it came from,
 * `secret` the value of implicitRejectionSecret for the key.
 */
export function unpadWithImplicitRejection(em: Uint8Array, ciphertext: Uint8Array, secret: Uint8Array): Uint8Array {
  const k = em.length;
  const kdk = new Uint8Array(createHmac('sha256', secret).update(ciphertext).digest());
  const candidates = prf(kdk, 'length', 128 * 16);
  const synthetic = prf(kdk, 'message', k * 8);
  // Synthetic lengths are drawn below k - 10, i.e. at most the longest valid message (k - 11).
  const maxLength = k - 2 - 8;
  let mask = maxLength;
  for (let s = 1; s < 16; s <<= 1) mask |= mask >> s;
  let syntheticLength = 0;
  for (let i = 0; i < candidates.length; i += 2) {
    const candidate = ((candidates[i]! << 8) | candidates[i + 1]!) & mask;
    const less = lt(candidate, maxLength);
    syntheticLength = (candidate & less) | (syntheticLength & ~less);
  }
  // Scan the whole encoded message every time: EM = 0x00 || 0x02 || PS (>= 8 nonzero) || 0x00 || M.
  let zeroIndex = 0;
  let found = 0;
  for (let i = 2; i < k; i++) {
    const isZero = eq(em[i]!, 0);
    zeroIndex |= i & isZero & ~found;
    found |= isZero;
  }
  const good = eq(em[0]!, 0) & eq(em[1]!, 2) & found & ~lt(zeroIndex, 10);
  const length = ((k - zeroIndex - 1) & good) | (syntheticLength & ~good);
  const out = new Uint8Array(length);
  const realStart = k - length;
  const syntheticStart = synthetic.length - length;
  for (let i = 0; i < length; i++) {
    out[i] = ((em[realStart + i]! & good) | (synthetic[syntheticStart + i]! & ~good)) & 0xff;
  }
  return out;
}
