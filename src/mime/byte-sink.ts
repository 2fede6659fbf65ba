/** Small helpers for writing MIME octets. */

import { CachetError } from '../errors';

/** Joins byte arrays with one allocation. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Bytes of an ASCII string; throws on anything wider, since headers must be 7-bit here. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new CachetError('input/invalid', `non-ASCII character at offset ${i}`);
    out[i] = code;
  }
  return out;
}
