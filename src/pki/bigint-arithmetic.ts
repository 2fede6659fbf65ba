/**
 * BigInt arithmetic for the public-key operations WebCrypto lacks: RSAES-PKCS1-v1_5
 * encryption to recipients and DSA verification. Public values only, so constant time
 * does not matter here.
 */

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Big-endian unsigned bytes as a BigInt. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '0';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`);
}

/** `value` as big-endian unsigned bytes of exactly `length` bytes (higher bytes dropped). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
