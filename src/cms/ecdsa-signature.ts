/**
 * ECDSA signatures travel in CMS as DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
 * (RFC 5753 §3.1, RFC 3279 §2.2.3); WebCrypto wants the fixed-width r||s form (IEEE P1363).
 */
import type { NamedCurve } from './key-operator';

export const CURVE_FIELD_BYTES: Readonly<Record<NamedCurve, number>> = {
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
};

function readLength(bytes: Uint8Array, at: number): { length: number; next: number } | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, next: at + 1 };
  // Signatures are short: one length byte beyond 127 is all DER ever needs here.
  if (first !== 0x81) return undefined;
  const second = bytes[at + 1];
  if (second === undefined || second < 0x80) return undefined;
  return { length: second, next: at + 2 };
}

function readInteger(bytes: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  if (bytes[at] !== 0x02) return undefined;
  const len = readLength(bytes, at + 1);
  if (!len || len.length === 0 || len.next + len.length > bytes.length) return undefined;
  let value = bytes.subarray(len.next, len.next + len.length);
  // r and s are positive; strip the sign byte DER adds before a high bit.
  if ((value[0] ?? 0) & 0x80) return undefined;
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  return { value, next: len.next + len.length };
}

/** DER Ecdsa-Sig-Value → r||s, each left-padded to the field size; undefined when not a valid encoding. */
export function ecdsaDerToRaw(der: Uint8Array, curve: NamedCurve): Uint8Array | undefined {
  const size = CURVE_FIELD_BYTES[curve];
  if (der[0] !== 0x30) return undefined;
  const seq = readLength(der, 1);
  if (!seq || seq.next + seq.length !== der.length) return undefined;
  const r = readInteger(der, seq.next);
  if (!r) return undefined;
  const s = readInteger(der, r.next);
  if (!s || s.next !== der.length) return undefined;
  if (r.value.length > size || s.value.length > size) return undefined;
  const raw = new Uint8Array(size * 2);
  raw.set(r.value, size - r.value.length);
  raw.set(s.value, size * 2 - s.value.length);
  return raw;
}

function integerDer(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const magnitude = value.subarray(start);
  const pad = (magnitude[0] ?? 0) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + magnitude.length);
  out[0] = 0x02;
  out[1] = pad + magnitude.length;
  out.set(magnitude, 2 + pad);
  return out;
}

/** r||s → DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = integerDer(raw.subarray(0, half));
  const s = integerDer(raw.subarray(half));
  const body = r.length + s.length;
  const header = body < 0x80 ? [0x30, body] : [0x30, 0x81, body];
  const out = new Uint8Array(header.length + body);
  out.set(header, 0);
  out.set(r, header.length);
  out.set(s, header.length + r.length);
  return out;
}
