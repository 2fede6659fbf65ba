/**
 * RC2 in CBC mode, decryption only (RFC 2268). Needed solely to read the certificate bags
 * of legacy PKCS#12 files (Windows, OpenSSL before 3.0: pbeWithSHAAnd40BitRC2-CBC), which
 * OpenSSL 3 keeps in its legacy provider and so Node cannot decrypt.
 */
import { CachetError } from '../../src/errors';

/** PITABLE of RFC 2268 §2, a fixed permutation of 0..255. */
const PITABLE = Uint8Array.from(
  (
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
    '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
    '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
    '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
    'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
    '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad'
  ).match(/../g) ?? [],
  (h) => parseInt(h, 16),
);

/** Key expansion of RFC 2268 §2: 64 16-bit words from `key` with `effectiveBits` (T1). */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128 || effectiveBits < 1 || effectiveBits > 1024) {
    throw new CachetError('key/unavailable', 'RC2 key length out of range');
  }
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  const t8 = (effectiveBits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5] as const;

/** Inverse of one block encryption (RFC 2268 §4: r-mix and r-mash undone in reverse). */
function decryptBlock(k: Uint16Array, r: Uint16Array): void {
  let j = 63;
  const rmix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i]!;
      let x = r[i]!;
      x = ((x >>> s) | (x << (16 - s))) & 0xffff;
      x = (x - k[j]! - (r[(i + 3) & 3]! & r[(i + 2) & 3]!) - (~r[(i + 3) & 3]! & r[(i + 1) & 3]!)) & 0xffff;
      r[i] = x;
      j--;
    }
  };
  const rmash = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = (r[i]! - k[r[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) rmix();
  rmash();
  for (let n = 0; n < 6; n++) rmix();
  rmash();
  for (let n = 0; n < 5; n++) rmix();
}

/** Decrypts one raw block; exported for the RFC 2268 §5 test vectors. */
export function rc2DecryptBlock(k: Uint16Array, block: Uint8Array): Uint8Array {
  const r = new Uint16Array(4);
  for (let i = 0; i < 4; i++) r[i] = block[2 * i]! | (block[2 * i + 1]! << 8);
  decryptBlock(k, r);
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[2 * i] = r[i]! & 0xff;
    out[2 * i + 1] = r[i]! >> 8;
  }
  return out;
}

/** RC2-CBC decryption with PKCS#5 padding removed (RFC 8018 §6.1.1). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) {
    throw new CachetError('key/unavailable', 'RC2-CBC data is not a whole number of blocks');
  }
  const k = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data.length);
  let prev = iv;
  for (let off = 0; off < data.length; off += 8) {
    const block = data.subarray(off, off + 8);
    const plain = rc2DecryptBlock(k, block);
    for (let i = 0; i < 8; i++) out[off + i] = plain[i]! ^ prev[i]!;
    prev = block;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) throw new CachetError('key/unavailable', 'wrong password or corrupt PKCS#12 data');
  for (let i = out.length - pad; i < out.length; i++) {
    if (out[i] !== pad) throw new CachetError('key/unavailable', 'wrong password or corrupt PKCS#12 data');
  }
  return out.subarray(0, out.length - pad);
}
