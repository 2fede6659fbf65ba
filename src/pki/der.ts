import { CachetError } from '../errors';

/**
 * A strict, bounded DER reader for the certificate and CRL fields PKI.js leaves as raw
 * bytes (extension values, names). Every read checks its bounds: certificates and CRLs are
 * hostile input, and a wrong length must end in `pki/malformed`, never in a wrong value.
 */
export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The whole element, header included. */
  readonly encoded: Uint8Array;
  /** The contents octets. */
  readonly value: Uint8Array;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  TELETEX_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

export function malformed(what: string): CachetError {
  return new CachetError('pki/malformed', what);
}

/** Reads one element at `offset`; the element must fit inside `bytes`. */
export function readTlvAt(bytes: Uint8Array, offset: number): Tlv {
  let pos = offset;
  if (pos >= bytes.length) throw malformed('DER: unexpected end of data');
  const first = bytes[pos++] ?? 0;
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (i >= 4 || pos >= bytes.length) throw malformed('DER: bad tag');
      const b = bytes[pos++] ?? 0;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= bytes.length) throw malformed('DER: missing length');
  const lenByte = bytes[pos++] ?? 0;
  let length: number;
  if (lenByte < 0x80) length = lenByte;
  else {
    const count = lenByte & 0x7f;
    // Indefinite length (0x80) is BER, not DER; more than 4 length octets is absurd here.
    if (count === 0 || count > 4) throw malformed('DER: unsupported length form');
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= bytes.length) throw malformed('DER: truncated length');
      length = length * 256 + (bytes[pos++] ?? 0);
    }
  }
  const end = pos + length;
  if (end > bytes.length) throw malformed('DER: element longer than its container');
  return { tagClass, constructed, tagNumber, encoded: bytes.subarray(offset, end), value: bytes.subarray(pos, end) };
}

/** Reads exactly one element filling all of `bytes`. */
export function readTlv(bytes: Uint8Array): Tlv {
  const tlv = readTlvAt(bytes, 0);
  if (tlv.encoded.length !== bytes.length) throw malformed('DER: trailing data');
  return tlv;
}

/** The elements inside a constructed element. */
export function children(tlv: Tlv, limit = 100_000): Tlv[] {
  if (!tlv.constructed) throw malformed('DER: expected a constructed element');
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < tlv.value.length) {
    if (out.length >= limit) throw malformed('DER: too many elements');
    const child = readTlvAt(tlv.value, pos);
    out.push(child);
    pos += child.encoded.length;
  }
  return out;
}

export function isUniversal(tlv: Tlv, tag: number): boolean {
  return tlv.tagClass === 0 && tlv.tagNumber === tag;
}

export function isContext(tlv: Tlv, tag: number): boolean {
  return tlv.tagClass === 2 && tlv.tagNumber === tag;
}

export function expectUniversal(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || !isUniversal(tlv, tag)) throw malformed(`${what}: unexpected element`);
  return tlv;
}

export function sequenceOf(bytes: Uint8Array, what: string, limit?: number): Tlv[] {
  const tlv = readTlv(bytes);
  if (!isUniversal(tlv, TAG.SEQUENCE)) throw malformed(`${what}: expected SEQUENCE`);
  return children(tlv, limit);
}

export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || value.length > 64) throw malformed('DER: bad OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let current = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i] ?? 0;
    current = current * 128 + (b & 0x7f);
    if (current > Number.MAX_SAFE_INTEGER / 256) throw malformed('DER: OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const firstArc = current < 40 ? 0 : current < 80 ? 1 : 2;
        arcs.push(firstArc, current - firstArc * 40);
      } else arcs.push(current);
      current = 0;
    } else if (i === value.length - 1) throw malformed('DER: truncated OID');
  }
  return arcs.join('.');
}

export function readOid(tlv: Tlv | undefined, what: string): string {
  return decodeOid(expectUniversal(tlv, TAG.OID, what).value);
}

/** A non-negative INTEGER small enough for a number (path lengths, skip counts). */
export function decodeSmallUnsigned(value: Uint8Array, what: string): number {
  if (value.length === 0) throw malformed(`${what}: empty INTEGER`);
  if ((value[0] ?? 0) & 0x80) throw malformed(`${what}: negative INTEGER`);
  let n = 0;
  for (const b of value) {
    n = n * 256 + b;
    // Larger values mean "no constraint in practice"; clamp instead of losing precision.
    if (n > 0x7fffffff) return 0x7fffffff;
  }
  return n;
}

export function decodeBigInt(value: Uint8Array): bigint {
  if (value.length === 0) throw malformed('DER: empty INTEGER');
  let n = 0n;
  for (const b of value) n = (n << 8n) | BigInt(b);
  if ((value[0] ?? 0) & 0x80) n -= 1n << BigInt(value.length * 8);
  return n;
}

export function decodeBoolean(tlv: Tlv): boolean {
  if (tlv.value.length !== 1) throw malformed('DER: bad BOOLEAN');
  return tlv.value[0] !== 0;
}

/** BIT STRING contents as a list of set bit positions (bit 0 is the most significant). */
export function decodeBitString(value: Uint8Array): { bits: Set<number>; bytes: Uint8Array } {
  if (value.length === 0) throw malformed('DER: empty BIT STRING');
  const unused = value[0] ?? 0;
  if (unused > 7 || (value.length === 1 && unused !== 0)) throw malformed('DER: bad BIT STRING');
  const bytes = value.subarray(1);
  const bits = new Set<number>();
  for (let i = 0; i < bytes.length * 8 - unused; i++) {
    if (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) bits.add(i);
  }
  return { bits, bytes };
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the directory string types of RFC 5280 §4.1.2.4 to a JS string. */
export function decodeString(tlv: Tlv): string | undefined {
  if (tlv.tagClass !== 0) return undefined;
  switch (tlv.tagNumber) {
    case TAG.UTF8_STRING:
      try {
        return utf8.decode(tlv.value);
      } catch {
        throw malformed('DER: bad UTF8String');
      }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.TELETEX_STRING:
    case 26: // VisibleString
    case 18: // NumericString
      return latin1.decode(tlv.value);
    case TAG.BMP_STRING: {
      if (tlv.value.length % 2) throw malformed('DER: bad BMPString');
      let s = '';
      for (let i = 0; i < tlv.value.length; i += 2) s += String.fromCharCode(((tlv.value[i] ?? 0) << 8) | (tlv.value[i + 1] ?? 0));
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (tlv.value.length % 4) throw malformed('DER: bad UniversalString');
      let s = '';
      for (let i = 0; i < tlv.value.length; i += 4) {
        const cp = (((tlv.value[i] ?? 0) << 24) | ((tlv.value[i + 1] ?? 0) << 16) | ((tlv.value[i + 2] ?? 0) << 8) | (tlv.value[i + 3] ?? 0)) >>> 0;
        if (cp > 0x10ffff) throw malformed('DER: bad UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return undefined;
  }
}

/** UTCTime / GeneralizedTime per RFC 5280 §4.1.2.5 (Z form; UTCTime years 50–99 are 19xx). */
export function decodeTime(tlv: Tlv): Date {
  const text = latin1.decode(tlv.value);
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  if (isUniversal(tlv, TAG.UTC_TIME)) {
    m = /^(\d{2})(\d{10})(\d{2})?Z$/.exec(text);
    if (!m) throw malformed('bad UTCTime');
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = (m[2] ?? '') + (m[3] ?? '00');
  } else if (isUniversal(tlv, TAG.GENERALIZED_TIME)) {
    m = /^(\d{4})(\d{10})(?:\.\d+)?Z$/.exec(text);
    if (!m) throw malformed('bad GeneralizedTime');
    year = Number(m[1]);
    rest = m[2] ?? '';
  } else throw malformed('expected a time');
  const n = (i: number): number => Number(rest.slice(i, i + 2));
  const ms = Date.UTC(year, n(0) - 1, n(2), n(4), n(6), n(8));
  if (Number.isNaN(ms) || n(0) < 1 || n(0) > 12 || n(2) < 1 || n(2) > 31 || n(4) > 23 || n(6) > 59 || n(8) > 60) throw malformed('bad time value');
  return new Date(ms);
}
