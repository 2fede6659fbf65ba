/**
 * Base64 content transfer encoding (RFC 2045 §6.8): the standard alphabet, lines of at most
 * 76 characters separated by CRLF. The output size is computed up front and written into
 * one Uint8Array (the caller's, with `encodeBase64Into`), so a 25 MiB attachment costs
 * one allocation and one pass.
 */

import { CachetError } from '../errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const PAD = 0x3d; // '='
const CR = 0x0d;
const LF = 0x0a;

/** RFC 2045 §6.8: "The encoded output stream must be represented in lines of no more than 76 characters each." */
export const BASE64_LINE_LENGTH = 76;

export interface Base64Options {
  /**
   * Characters per line, a positive multiple of 4 (so lines never split a quantum);
   * 0 writes one unbroken line, as RFC 2047 encoded words need. Default 76.
   */
  readonly lineLength?: number;
}

function checkedLineLength(options: Base64Options): number {
  const lineLength = options.lineLength ?? BASE64_LINE_LENGTH;
  if (!Number.isInteger(lineLength) || lineLength < 0 || lineLength % 4 !== 0) {
    throw new CachetError('input/invalid', 'base64 line length must be a non-negative multiple of 4');
  }
  return lineLength;
}

/** How many octets `encodeBase64` writes for `byteLength` input octets. */
export function base64Length(byteLength: number, options: Base64Options = {}): number {
  const lineLength = checkedLineLength(options);
  const chars = Math.ceil(byteLength / 3) * 4;
  const lines = lineLength === 0 || chars === 0 ? 1 : Math.ceil(chars / lineLength);
  return chars + (lines - 1) * 2;
}

/** Encodes `data` as base64 ASCII bytes. No line break follows the last line. */
export function encodeBase64(data: Uint8Array, options: Base64Options = {}): Uint8Array {
  const out = new Uint8Array(base64Length(data.length, options));
  encodeBase64Into(data, out, 0, options);
  return out;
}

/**
 * Writes what `encodeBase64` returns into `out` at `offset`, which must have room for
 * `base64Length(data.length)` octets: a large message is encoded straight into the one
 * buffer that holds it, with no intermediate copy. Returns the offset after the last octet.
 */
export function encodeBase64Into(data: Uint8Array, out: Uint8Array, offset: number, options: Base64Options = {}): number {
  const lineLength = checkedLineLength(options);
  const end = offset + base64Length(data.length, options);
  if (!Number.isInteger(offset) || offset < 0 || end > out.length) throw new CachetError('input/invalid', 'no room for the base64 output');
  // Input bytes per full line; lineLength is a multiple of 4 so this is a whole number of triples.
  const bytesPerLine = lineLength === 0 ? data.length : (lineLength / 4) * 3;
  const whole = data.length - (data.length % 3);
  const o = (out.byteOffset + offset) % 2 === 0
    ? encodeTriplesAligned(data, whole, bytesPerLine, lineLength !== 0, out, offset, end)
    : encodeTriples(data, whole, bytesPerLine, lineLength !== 0, out, offset, end);
  const rest = data.length - whole;
  if (rest > 0) {
    // Final quantum of one or two octets, padded with '=' (RFC 2045 §6.8).
    const n = (data[whole]! << 16) | (rest === 2 ? data[whole + 1]! << 8 : 0);
    out[o] = CODES[n >>> 18]!;
    out[o + 1] = CODES[(n >>> 12) & 63]!;
    out[o + 2] = rest === 2 ? CODES[(n >>> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return end;
}

/**
 * Two base64 characters for every 12-bit value, as one 16-bit word in the platform's byte
 * order: half as many table lookups as one character at a time, and whole words written.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PAIRS = Uint16Array.from({ length: 4096 }, (_, n) => {
  const first = CODES[n >>> 6]!;
  const second = CODES[n & 63]!;
  return LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second;
});
const CRLF_WORD = LITTLE_ENDIAN ? CR | (LF << 8) : (CR << 8) | LF;

/**
 * The whole triples of `data` (up to `whole`) as lines (with `breakLines`), when the output starts on an even
 * address: written through a 16-bit view, two characters (or the CRLF) per store. Lines of
 * 76 characters and CRLF are 78 octets, so every line starts even too. Returns the offset
 * after the last character written.
 */
function encodeTriplesAligned(data: Uint8Array, whole: number, bytesPerLine: number, breakLines: boolean, out: Uint8Array, offset: number, end: number): number {
  const words = new Uint16Array(out.buffer, out.byteOffset + offset, (end - offset) >> 1);
  let w = 0;
  let i = 0;
  while (i < whole) {
    const lineEnd = Math.min(i + bytesPerLine, whole);
    for (; i + 6 <= lineEnd; i += 6) {
      const a = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      const b = (data[i + 3]! << 16) | (data[i + 4]! << 8) | data[i + 5]!;
      words[w] = PAIRS[a >>> 12]!;
      words[w + 1] = PAIRS[a & 4095]!;
      words[w + 2] = PAIRS[b >>> 12]!;
      words[w + 3] = PAIRS[b & 4095]!;
      w += 4;
    }
    for (; i < lineEnd; i += 3) {
      const a = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      words[w] = PAIRS[a >>> 12]!;
      words[w + 1] = PAIRS[a & 4095]!;
      w += 2;
    }
    if (offset + w * 2 < end && breakLines && i % bytesPerLine === 0) words[w++] = CRLF_WORD;
  }
  return offset + w * 2;
}

/**
 * As `encodeTriplesAligned`, for output starting on an odd address, where no 16-bit view
 * fits: four characters per big-endian 32-bit DataView store, which the engine compiles to
 * unaligned stores. Octet by octet this case was half as fast again as the aligned one.
 */
const PAIRS_BIG_ENDIAN = Uint16Array.from({ length: 4096 }, (_, n) => (CODES[n >>> 6]! << 8) | CODES[n & 63]!);
const CRLF_BIG_ENDIAN = (CR << 8) | LF;

function encodeTriples(data: Uint8Array, whole: number, bytesPerLine: number, breakLines: boolean, out: Uint8Array, offset: number, end: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let o = offset;
  let i = 0;
  while (i < whole) {
    const lineEnd = Math.min(i + bytesPerLine, whole);
    for (; i < lineEnd; i += 3) {
      const a = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      view.setUint32(o, (PAIRS_BIG_ENDIAN[a >>> 12]! << 16) | PAIRS_BIG_ENDIAN[a & 4095]!);
      o += 4;
    }
    if (o < end && breakLines && i % bytesPerLine === 0) {
      view.setUint16(o, CRLF_BIG_ENDIAN);
      o += 2;
    }
  }
  return o;
}

/** Base64 of `data` as one unbroken string, for short values such as RFC 2047 "B" words. */
export function base64String(data: Uint8Array): string {
  const encoded = encodeBase64(data, { lineLength: 0 });
  let text = '';
  // Short inputs only (header words); chunking keeps fromCharCode's argument count bounded.
  for (let i = 0; i < encoded.length; i += 8192) {
    text += String.fromCharCode(...encoded.subarray(i, i + 8192));
  }
  return text;
}

/**
 * Base64 written piece by piece into one buffer, with exactly the octets `encodeBase64Into`
 * writes for the pieces' concatenation: content produced in slices (ciphertext) goes
 * straight into the message without first being joined. Whole 76-character lines are
 * encoded directly from each piece; only the few octets that straddle two pieces are held.
 */
export class Base64Writer {
  private readonly bytesPerLine = (BASE64_LINE_LENGTH / 4) * 3;
  private readonly held = new Uint8Array(this.bytesPerLine);
  private heldLength = 0;
  /** A line has ended and its CRLF is written only once more data follows it. */
  private lineEnded = false;

  constructor(private readonly out: Uint8Array, private at: number) {}

  /** Where the next octet goes: everything before it is final. */
  get offset(): number {
    return this.at;
  }

  write(piece: Uint8Array): void {
    let from = 0;
    if (this.heldLength > 0) {
      from = Math.min(piece.length, this.bytesPerLine - this.heldLength);
      this.held.set(piece.subarray(0, from), this.heldLength);
      this.heldLength += from;
      if (this.heldLength < this.bytesPerLine) return;
      this.writeLines(this.held);
      this.heldLength = 0;
    }
    const whole = from + Math.floor((piece.length - from) / this.bytesPerLine) * this.bytesPerLine;
    if (whole > from) this.writeLines(piece.subarray(from, whole));
    this.held.set(piece.subarray(whole), 0);
    this.heldLength = piece.length - whole;
  }

  /** Writes the last, partial line; returns the offset after the last octet. */
  finish(): number {
    if (this.heldLength > 0) this.writeLines(this.held.subarray(0, this.heldLength));
    this.heldLength = 0;
    return this.at;
  }

  private writeLines(data: Uint8Array): void {
    if (this.lineEnded) {
      this.out[this.at++] = CR;
      this.out[this.at++] = LF;
    }
    this.at = encodeBase64Into(data, this.out, this.at);
    this.lineEnded = true;
  }
}
