/**
 * Writes RFC 2047 encoded words (`=?UTF-8?B?…?=` / `=?UTF-8?Q?…?=`) for one run of text,
 * a piece at a time, so the caller can size each word to the room left on a header line.
 *
 * - The encoding, B or Q, is chosen once for the run: whichever is shorter (RFC 2047 §4).
 * - Q uses only the characters allowed in a phrase (RFC 2047 §5, rule 3), so the same
 *   words are valid in Subject, in display names and in quoted `name=` parameters.
 * - Each word holds whole characters: RFC 2047 §5 forbids splitting a multi-octet
 *   character across words, and decoders differ when it happens.
 * - No word is longer than 75 characters (RFC 2047 §2).
 */

import { base64String } from './encode-base64';

export const MAX_ENCODED_WORD_LENGTH = 75;
const CHARSET = 'UTF-8';
/** `=?UTF-8?Q?` and `?=`. */
export const ENCODED_WORD_OVERHEAD = CHARSET.length + 7;

const HEX = '0123456789ABCDEF';

/** RFC 2047 §5 (3): the characters a Q word may carry as themselves inside a phrase. */
function isQLiteral(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x21 || byte === 0x2a || byte === 0x2b || byte === 0x2d || byte === 0x2f
  );
}

function qWidth(byte: number): number {
  return isQLiteral(byte) || byte === 0x20 ? 1 : 3;
}

function qEncode(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x20) text += '_';
    else if (isQLiteral(byte)) text += String.fromCharCode(byte);
    else text += `=${HEX[byte >>> 4]}${HEX[byte & 15]}`;
  }
  return text;
}

const utf8 = new TextEncoder();

export class EncodedWordWriter {
  private readonly bytes: Uint8Array;
  private readonly useQ: boolean;
  private offset = 0;

  /** Lone surrogates in `text` become U+FFFD, as UTF-8 cannot carry them. */
  constructor(text: string) {
    this.bytes = utf8.encode(text);
    let qLength = 0;
    for (const byte of this.bytes) qLength += qWidth(byte);
    this.useQ = qLength <= Math.ceil(this.bytes.length / 3) * 4;
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** Length of one encoded word holding all the text not yet written. */
  remainingLength(): number {
    const rest = this.bytes.subarray(this.offset);
    if (!this.useQ) return ENCODED_WORD_OVERHEAD + Math.ceil(rest.length / 3) * 4;
    let length = ENCODED_WORD_OVERHEAD;
    for (const byte of rest) length += qWidth(byte);
    return length;
  }

  /** End of the character that starts at `at`. */
  private charEnd(at: number): number {
    let end = at + 1;
    while (end < this.bytes.length && (this.bytes[end]! & 0xc0) === 0x80) end++;
    return end;
  }

  /**
   * The next encoded word of at most `maxLength` characters (capped at 75), or null when
   * not even one more character fits.
   */
  next(maxLength: number): string | null {
    const room = Math.min(maxLength, MAX_ENCODED_WORD_LENGTH) - ENCODED_WORD_OVERHEAD;
    let end = this.offset;
    let qLength = 0;
    while (end < this.bytes.length) {
      const charEnd = this.charEnd(end);
      let width: number;
      if (this.useQ) {
        let charWidth = 0;
        for (let k = end; k < charEnd; k++) charWidth += qWidth(this.bytes[k]!);
        width = qLength + charWidth;
      } else {
        width = Math.ceil((charEnd - this.offset) / 3) * 4;
      }
      if (width > room) break;
      if (this.useQ) qLength = width;
      end = charEnd;
    }
    if (end === this.offset) return null;
    const chunk = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return this.useQ ? `=?${CHARSET}?Q?${qEncode(chunk)}?=` : `=?${CHARSET}?B?${base64String(chunk)}?=`;
  }
}

/** All encoded words for `text`, each at most `maxLength` characters (at least 24). */
export function encodeWords(text: string, maxLength = MAX_ENCODED_WORD_LENGTH): string[] {
  const writer = new EncodedWordWriter(text);
  const words: string[] = [];
  while (!writer.done) {
    // 24 leaves room for the widest character (4 octets: 12 in Q, 8 in B) after the overhead.
    const word = writer.next(Math.max(maxLength, 24));
    if (word === null) break;
    words.push(word);
  }
  return words;
}
