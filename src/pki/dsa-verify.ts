import { bytesToBigInt, modPow } from './bigint-arithmetic';
import { TAG, children, decodeBigInt, expectUniversal, malformed, readTlv, type Tlv } from './der';

/**
 * DSA signature verification (FIPS 186-4 §4.7) with BigInt arithmetic. WebCrypto has no
 * DSA, and PKITS (4.1.4–4.1.6) and older PKIs still carry DSA-signed certificates. This is
 * a public-key operation only, so constant time does not matter.
 */
export interface DsaParameters {
  readonly p: bigint;
  readonly q: bigint;
  readonly g: bigint;
}

export function decodeDsaParameters(params: Tlv): DsaParameters {
  const [p, q, g, extra] = children(expectUniversal(params, TAG.SEQUENCE, 'Dss-Parms'));
  if (extra) throw malformed('Dss-Parms: extra element');
  const read = (t: Tlv | undefined, what: string): bigint => decodeBigInt(expectUniversal(t, TAG.INTEGER, what).value);
  const result = { p: read(p, 'p'), q: read(q, 'q'), g: read(g, 'g') };
  // Bound the sizes so a hostile key cannot make modular exponentiation run for minutes.
  if (result.p <= 3n || result.p.toString(2).length > 4096 || result.q <= 1n || result.q.toString(2).length > 512) {
    throw malformed('DSA parameters out of range');
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw malformed('DSA: value not invertible');
  return ((oldS % m) + m) % m;
}

/** Verifies `signature` (DER Dss-Sig-Value) over a message whose hash is `digest`. */
export function dsaVerify(params: DsaParameters, publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  const y = decodeBigInt(expectUniversal(readTlv(publicKey), TAG.INTEGER, 'DSA public key').value);
  const [rT, sT, extra] = children(expectUniversal(readTlv(signature), TAG.SEQUENCE, 'Dss-Sig-Value'));
  if (extra) return false;
  const r = decodeBigInt(expectUniversal(rT, TAG.INTEGER, 'r').value);
  const s = decodeBigInt(expectUniversal(sT, TAG.INTEGER, 's').value);
  const { p, q, g } = params;
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false;
  if (y <= 1n || y >= p) return false;
  // z is the leftmost min(N, outlen) bits of the hash.
  const n = q.toString(2).length;
  let z = bytesToBigInt(digest);
  const hashBits = digest.length * 8;
  if (hashBits > n) z >>= BigInt(hashBits - n);
  const w = modInverse(s, q);
  const u1 = (z * w) % q;
  const u2 = (r * w) % q;
  const v = ((modPow(g, u1, p) * modPow(y, u2, p)) % p) % q;
  return v === r;
}
