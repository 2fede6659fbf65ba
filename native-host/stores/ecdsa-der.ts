/**
 * CKM_ECDSA returns r||s at fixed width; CMS carries `Ecdsa-Sig-Value ::= SEQUENCE { r
 * INTEGER, s INTEGER }` in DER (RFC 5753 §3.1, RFC 3279 §2.2.3), which this builds.
 */
import { CachetError } from '../../src/errors';

function derLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length];
}

function derInteger(magnitude: Uint8Array): number[] {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = [...magnitude.subarray(start)];
  // A set top bit would read as negative: DER adds a zero byte.
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return [0x02, ...derLength(bytes.length), ...bytes];
}

export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    throw new CachetError('key/operation-failed', `token returned an ECDSA signature of ${raw.length} bytes`);
  }
  const half = raw.length / 2;
  const body = [...derInteger(raw.subarray(0, half)), ...derInteger(raw.subarray(half))];
  return Uint8Array.from([0x30, ...derLength(body.length), ...body]);
}
