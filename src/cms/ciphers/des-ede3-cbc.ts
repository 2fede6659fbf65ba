/**
 * Triple DES (EDE, FIPS 46-3 / SP 800-67) in CBC mode, decryption only. WebCrypto has no
 * DES, and old S/MIME mail (RFC 3370 §5.1, Outlook and Thunderbird before AES) arrives
 * encrypted with des-ede3-cbc, so Cachet must still read it; it never writes it.
 */
import { CachetError } from '../../errors';

// FIPS 46-3 tables, bit 1 being the most significant bit.
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((row) => row.split(' ').map(Number));

/** S-box j followed by P, indexed by the 6-bit S-box input: one lookup per S-box per round. */
const SP: Uint32Array[] = S.map((box, j) => {
  const table = new Uint32Array(64);
  for (let v = 0; v < 64; v++) {
    const row = ((v >> 4) & 2) | (v & 1);
    const col = (v >> 1) & 15;
    const placed = box[row * 16 + col]! << (28 - 4 * j);
    let out = 0;
    for (let i = 0; i < 32; i++) out |= ((placed >>> (32 - P[i]!)) & 1) << (31 - i);
    table[v] = out >>> 0;
  }
  return table;
});

/**
 * The initial permutation IP of FIPS 46-3 as five exchanges of bit groups between the
 * halves (the usual constant-time formulation); FP is the same in reverse order. Both
 * equal the table definitions bit for bit.
 */
function initialPermutation(l: number, r: number): [number, number] {
  let t = ((l >>> 4) ^ r) & 0x0f0f0f0f;
  r ^= t;
  l ^= t << 4;
  t = ((l >>> 16) ^ r) & 0x0000ffff;
  r ^= t;
  l ^= t << 16;
  t = ((r >>> 2) ^ l) & 0x33333333;
  l ^= t;
  r ^= t << 2;
  t = ((r >>> 8) ^ l) & 0x00ff00ff;
  l ^= t;
  r ^= t << 8;
  t = ((l >>> 1) ^ r) & 0x55555555;
  r ^= t;
  l ^= t << 1;
  return [l >>> 0, r >>> 0];
}

function finalPermutation(l: number, r: number): [number, number] {
  let t = ((l >>> 1) ^ r) & 0x55555555;
  r ^= t;
  l ^= t << 1;
  t = ((r >>> 8) ^ l) & 0x00ff00ff;
  l ^= t;
  r ^= t << 8;
  t = ((r >>> 2) ^ l) & 0x33333333;
  l ^= t;
  r ^= t << 2;
  t = ((l >>> 16) ^ r) & 0x0000ffff;
  r ^= t;
  l ^= t << 16;
  t = ((l >>> 4) ^ r) & 0x0f0f0f0f;
  r ^= t;
  l ^= t << 4;
  return [l >>> 0, r >>> 0];
}

/** The 16 round keys, each as eight 6-bit values (FIPS 46-3 key schedule). */
function roundKeys(key: Uint8Array, offset: number): Uint8Array[] {
  const bit = (n: number): number => (key[offset + ((n - 1) >> 3)]! >> (7 - ((n - 1) & 7))) & 1;
  const cd = PC1.map(bit);
  const keys: Uint8Array[] = [];
  for (const shift of SHIFTS) {
    const c = cd.slice(0, 28);
    const d = cd.slice(28);
    const rotated = [...c.slice(shift), ...c.slice(0, shift), ...d.slice(shift), ...d.slice(0, shift)];
    cd.splice(0, 56, ...rotated);
    const k = new Uint8Array(8);
    for (let j = 0; j < 8; j++) {
      let v = 0;
      for (let t = 0; t < 6; t++) v = (v << 1) | cd[PC2[6 * j + t]! - 1]!;
      k[j] = v;
    }
    keys.push(k);
  }
  return keys;
}

/** The Feistel function f(R, K): expansion E, key mixing, S-boxes and P. */
function feistel(r: number, k: Uint8Array): number {
  return (
    SP[0]![(((r & 1) << 5) | (r >>> 27)) ^ k[0]!]! ^
    SP[1]![((r >>> 23) & 0x3f) ^ k[1]!]! ^
    SP[2]![((r >>> 19) & 0x3f) ^ k[2]!]! ^
    SP[3]![((r >>> 15) & 0x3f) ^ k[3]!]! ^
    SP[4]![((r >>> 11) & 0x3f) ^ k[4]!]! ^
    SP[5]![((r >>> 7) & 0x3f) ^ k[5]!]! ^
    SP[6]![((r >>> 3) & 0x3f) ^ k[6]!]! ^
    SP[7]![(((r & 0x1f) << 1) | (r >>> 31)) ^ k[7]!]!
  );
}

/** 16 rounds on the IP-permuted halves; `keys` in encryption or reversed order. */
function rounds(l: number, r: number, keys: readonly Uint8Array[]): [number, number] {
  for (const k of keys) {
    const next = (l ^ feistel(r, k)) >>> 0;
    l = r;
    r = next;
  }
  return [r, l];
}

export class DesEde3 {
  readonly #k1Reversed: Uint8Array[];
  readonly #k2: Uint8Array[];
  readonly #k3Reversed: Uint8Array[];

  constructor(key: Uint8Array) {
    if (key.length !== 24) throw new CachetError('cms/malformed', 'a des-ede3-cbc key has 24 bytes');
    this.#k1Reversed = roundKeys(key, 0).reverse();
    this.#k2 = roundKeys(key, 8);
    this.#k3Reversed = roundKeys(key, 16).reverse();
  }

  /** EDE decryption of one block: D(K1, E(K2, D(K3, c))). */
  decryptBlock(hi: number, lo: number): [number, number] {
    let [l, r] = initialPermutation(hi, lo);
    // FP then IP between the three passes cancel out, so the halves go straight on.
    [l, r] = rounds(l, r, this.#k3Reversed);
    [l, r] = rounds(l, r, this.#k2);
    [l, r] = rounds(l, r, this.#k1Reversed);
    return finalPermutation(l, r);
  }
}

/** des-ede3-cbc decryption of whole blocks, no padding removed (also for RFC 3217 key unwrap). */
export function desEde3CbcDecryptRaw(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8) throw new CachetError('cms/malformed', 'a des-ede3-cbc IV has 8 bytes');
  if (data.length === 0 || data.length % 8 !== 0) throw new CachetError('cms/decrypt-failed', 'ciphertext is not a whole number of blocks');
  const cipher = new DesEde3(key);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length);
  const outView = new DataView(out.buffer);
  const ivView = new DataView(iv.buffer, iv.byteOffset, 8);
  let prevHi = ivView.getUint32(0);
  let prevLo = ivView.getUint32(4);
  for (let off = 0; off < data.length; off += 8) {
    const hi = view.getUint32(off);
    const lo = view.getUint32(off + 4);
    const [ph, pl] = cipher.decryptBlock(hi, lo);
    outView.setUint32(off, (ph ^ prevHi) >>> 0);
    outView.setUint32(off + 4, (pl ^ prevLo) >>> 0);
    prevHi = hi;
    prevLo = lo;
  }
  return out;
}

/** des-ede3-cbc decryption with the RFC 5652 §6.3 padding checked and removed. */
export function desEde3CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const out = desEde3CbcDecryptRaw(key, iv, data);
  const pad = out[out.length - 1]!;
  let bad = pad < 1 || pad > 8 ? 1 : 0;
  for (let i = 1; i <= 8; i++) bad |= i <= pad && out[out.length - i] !== pad ? 1 : 0;
  if (bad) throw new CachetError('cms/decrypt-failed', 'content decryption failed (bad padding)');
  return out.subarray(0, out.length - pad);
}
