import { isBase64 } from './base64-form';
import { decodeBytes, isKnownCharset } from './charset';
import { decodeBase64 } from './transfer-decoding';
import { concatBytes } from './byte-sink';

/**
 * RFC 2047 encoded-word decoding for display: `=?charset?B|Q?text?=`. Whitespace between
 * two adjacent encoded words is dropped (§6.2), and adjacent words in the same charset are
 * joined as bytes before decoding, because senders split multi-byte characters across
 * words. Words in charsets the platform cannot decode, or with a broken encoding, are
 * left as written.
 */

// Encoded text may hold any printable ASCII but '?' and space (§2); the charset may carry
// an RFC 2231 §5 language suffix (`utf-8*de`).
const encodedWord = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

const encoder = new TextEncoder();

function decodeQ(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) {
      bytes.push(0x20);
    } else if (c === 0x3d) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of encoder.encode(text.charAt(i))) bytes.push(b);
    }
  }
  return Uint8Array.from(bytes);
}

function decodeB(text: string): Uint8Array | undefined {
  if (!isBase64(text)) return undefined;
  return decodeBase64(encoder.encode(text));
}

interface Word {
  readonly start: number;
  readonly end: number;
  readonly charset: string;
  readonly bytes: Uint8Array;
}

export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const words: Word[] = [];
  for (const match of value.matchAll(encodedWord)) {
    const [whole, charsetRaw, encoding, text] = match;
    if (charsetRaw === undefined || encoding === undefined || text === undefined) continue;
    const charset = charsetRaw.toLowerCase();
    if (!isKnownCharset(charset)) continue;
    const bytes = encoding === 'b' || encoding === 'B' ? decodeB(text) : decodeQ(text);
    if (bytes === undefined) continue;
    words.push({ start: match.index, end: match.index + whole.length, charset, bytes });
  }
  if (words.length === 0) return value;

  const out: string[] = [];
  let cursor = 0;
  let i = 0;
  while (i < words.length) {
    const first = words[i] as Word;
    out.push(value.slice(cursor, first.start));
    const run = [first.bytes];
    let last = first;
    let j = i + 1;
    for (; j < words.length; j++) {
      const next = words[j] as Word;
      if (next.charset !== first.charset || !/^[ \t\r\n]*$/.test(value.slice(last.end, next.start))) break;
      run.push(next.bytes);
      last = next;
    }
    out.push(decodeBytes(concatBytes(run), first.charset));
    cursor = last.end;
    // Whitespace between words of different charsets is dropped too (§6.2).
    const following = words[j];
    if (following && /^[ \t\r\n]*$/.test(value.slice(cursor, following.start))) cursor = following.start;
    i = j;
  }
  out.push(value.slice(cursor));
  return out.join('');
}
