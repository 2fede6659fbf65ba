/**
 * Minimal DER writing for the envelope structures Cachet emits. The content-bearing
 * OCTET STRING is written once as a single primitive element (no 1 KiB chunking, which
 * costs PKI.js 2-4x in time and memory on large messages), and the output is assembled
 * with exactly one copy of the ciphertext.
 */

import { concatBytes } from '../mime/byte-sink';

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export { concatBytes };

/** One element: identifier octet, definite length, contents (X.690 §8.1). */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  return tlvOfList(tag, contents);
}

/** `tlv` for contents of any number (a SET OF, the certificates): never spread into a call. */
export function tlvOfList(tag: number, contents: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of contents) length += c.length;
  return concatBytes([Uint8Array.of(tag), lengthBytes(length), ...contents]);
}

/** Identifier and length only, for writing a large value without copying it twice. */
export function tlvHeader(tag: number, contentLength: number): Uint8Array {
  return concatBytes([Uint8Array.of(tag), lengthBytes(contentLength)]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlvOfList(0x31, sorted);
}

export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), bytes);
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...items);
export const implicitPrimitive = (n: number, bytes: Uint8Array): Uint8Array => tlv(0x80 | n, bytes);
export const implicitConstructed = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...items);

export function integer(value: number): Uint8Array {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const first = arcs[0]! * 40 + arcs[1]!;
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [];
    let n = arc;
    do {
      chunk.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** AlgorithmIdentifier with parameters absent, or the given encoded parameters. */
export function algorithmIdentifier(algorithm: string, params?: Uint8Array): Uint8Array {
  return params ? sequence(oid(algorithm), params) : sequence(oid(algorithm));
}

export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/**
 * A value kept as a list of pieces so that a large ciphertext is copied only once, when
 * the finished structure is joined.
 */
export type Pieces = Uint8Array[];

export function piecesLength(pieces: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

/**
 * Wraps pieces in one element with the given identifier octet. `trailingLength` counts
 * content that follows the pieces but is written later, as a large ciphertext is, slice by
 * slice, straight into the output.
 */
export function wrapPieces(tag: number, pieces: readonly Uint8Array[], trailingLength = 0): Pieces {
  return [tlvHeader(tag, piecesLength(pieces) + trailingLength), ...pieces];
}

/**
 * DER whose last octets (a ciphertext, the last element at every level) are produced
 * later, slice by slice: `head` is everything before them, `tailLength` their count.
 */
export interface StreamedDer {
  readonly head: Uint8Array;
  readonly tailLength: number;
  writeTail(sink: (piece: Uint8Array) => void): Promise<void>;
}

/** A finished encoding as a StreamedDer with nothing left to write. */
export function wholeDer(der: Uint8Array): StreamedDer {
  return { head: der, tailLength: 0, writeTail: () => Promise.resolve() };
}

/** The whole encoding in one buffer. */
export async function joinStreamedDer(der: StreamedDer): Promise<Uint8Array> {
  const out = new Uint8Array(der.head.length + der.tailLength);
  out.set(der.head);
  let offset = der.head.length;
  await der.writeTail((piece) => {
    out.set(piece, offset);
    offset += piece.length;
  });
  return out;
}
