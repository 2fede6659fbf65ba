/** Joining a chunked (constructed) OCTET STRING: a copy, or in place in the caller's own buffer. */
import { describe, expect, it } from 'vitest';
import { octetsOf, parseBer } from '../../src/cms/der-reader';

/** [0] constructed, indefinite length, holding the pieces as primitive OCTET STRINGs. */
function chunked(pieces: readonly string[]): Uint8Array {
  const bytes: number[] = [0xa0, 0x80];
  for (const piece of pieces) bytes.push(0x04, piece.length, ...Array.from(piece, (c) => c.charCodeAt(0)));
  bytes.push(0, 0);
  return Uint8Array.from(bytes);
}

describe('octetsOf on constructed OCTET STRINGs', () => {
  it('joins into a new buffer and leaves the input alone by default', () => {
    const input = chunked(['abc', 'de', 'fghij']);
    const kept = input.slice();
    const joined = octetsOf(parseBer(input, 'test'), 'test');
    expect(new TextDecoder().decode(joined)).toBe('abcdefghij');
    expect(joined.buffer).not.toBe(input.buffer);
    expect(input).toEqual(kept);
  });

  it('joins where the pieces lie when asked, with no second buffer', () => {
    const input = chunked(['abc', 'de', 'fghij']);
    const joined = octetsOf(parseBer(input, 'test'), 'test', 'cms/malformed', true);
    expect(new TextDecoder().decode(joined)).toBe('abcdefghij');
    expect(joined.buffer).toBe(input.buffer);
    expect(joined.byteOffset).toBe(4);
  });
});
