/**
 * Multipart boundaries (RFC 2046 §5.1.1). A boundary is random, and it is checked against
 * the parts it separates: text sent as 7bit, or a prebuilt entity, could contain anything.
 * The `=_` in it can never occur in quoted-printable or base64 output (a QP `=` is always
 * followed by hex or a line break; `_` is not in the base64 alphabet), so collisions are
 * only possible with identity-encoded content, and then a fresh boundary is drawn.
 */

import { CachetError } from '../errors';
import type { RandomSource } from './build-types';

const HEX = '0123456789abcdef';
const ATTEMPTS = 8;

function randomBoundary(random: RandomSource): string {
  const bytes = random(new Uint8Array(16));
  if (bytes.length !== 16) throw new CachetError('input/invalid', 'random source returned the wrong number of octets');
  let text = '';
  for (const byte of bytes) text += HEX[byte >>> 4]! + HEX[byte & 15]!;
  return `=_cachet_${text}`;
}

/** Whether `needle` occurs in `haystack` (TypedArray.indexOf finds candidates natively). */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  if (first === undefined) return true;
  let at = haystack.indexOf(first);
  while (at >= 0 && at + needle.length <= haystack.length) {
    let k = 1;
    while (k < needle.length && haystack[at + k] === needle[k]) k++;
    if (k === needle.length) return true;
    at = haystack.indexOf(first, at + 1);
  }
  return false;
}

/**
 * A boundary that occurs in none of `chunks`. Every chunk starts at the start of a line
 * and the builder's own chunks never end inside a line that a delimiter could complete,
 * so a search chunk by chunk finds every possible delimiter line.
 */
export function chooseBoundary(random: RandomSource, chunks: readonly Uint8Array[]): string {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const boundary = randomBoundary(random);
    const needle = Uint8Array.from(boundary, (char) => char.charCodeAt(0));
    if (!chunks.some((chunk) => containsBytes(chunk, needle))) return boundary;
  }
  throw new CachetError('input/invalid', 'no multipart boundary absent from the content: is the random source broken?');
}
