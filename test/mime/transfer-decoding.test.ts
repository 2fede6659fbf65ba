/** Base64 transfer decoding (RFC 2045 §6.8): the fast whole-quantum path and the tolerant one agree. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/mime/transfer-decoding';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The rule, one character at a time: skip what is not in the alphabet; `=` ends a quantum. */
function reference(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let count = 0;
  const flush = (): void => {
    if (count === 2) out.push((acc >>> 4) & 255);
    if (count === 3) out.push((acc >>> 10) & 255, (acc >>> 2) & 255);
    acc = 0;
    count = 0;
  };
  for (const byte of input) {
    const v = ALPHABET.indexOf(String.fromCharCode(byte));
    if (v >= 0) {
      acc = (acc << 6) | v;
      if (++count === 4) {
        out.push((acc >>> 16) & 255, (acc >>> 8) & 255, acc & 255);
        acc = 0;
        count = 0;
      }
    } else if (byte === 0x3d && count > 0) {
      flush();
    }
  }
  flush();
  return Uint8Array.from(out);
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('decodeBase64', () => {
  it('decodes what Node encodes, at every line width and line break', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 100 }), fc.constantFrom('\r\n', '\n', ' \r\n'), (data, width, br) => {
        const flat = Buffer.from(data).toString('base64');
        const lines: string[] = [];
        for (let i = 0; i < flat.length; i += width) lines.push(flat.slice(i, i + width));
        expect(Buffer.from(decodeBase64(latin1(lines.join(br)))).equals(Buffer.from(data))).toBe(true);
      }),
    );
  });

  it('skips junk and ends quanta at padding exactly as the one-character rule does', () => {
    const characters = fc.constantFrom(...`${ALPHABET}=\r\n \t-.*\u00ff\u0000`);
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 400 }), (chars) => {
        const input = latin1(chars.join(''));
        expect(Buffer.from(decodeBase64(input)).equals(Buffer.from(reference(input)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes in place to the same octets, written over the start of the input and nowhere else', () => {
    const characters = fc.constantFrom(...`${ALPHABET}=\r\n \t-.*\u00ff\u0000`);
    const base64Lines = fc.uint8Array({ maxLength: 600 }).map((data) => (Buffer.from(data).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'));
    const text = fc.oneof(base64Lines, fc.array(characters, { maxLength: 400 }).map((chars) => chars.join('')));
    fc.assert(
      fc.property(text, fc.nat(8), fc.nat(8), (body, before, after) => {
        // The body sits inside a larger buffer, as a part's body sits inside a message.
        const buffer = new Uint8Array(before + body.length + after).fill(0x7e);
        buffer.set(latin1(body), before);
        const input = buffer.subarray(before, before + body.length);
        const expected = reference(latin1(body));
        const decoded = decodeBase64(input, true);
        expect(decoded.buffer).toBe(buffer.buffer);
        expect(decoded.byteOffset).toBe(input.byteOffset);
        expect(Buffer.from(decoded).equals(Buffer.from(expected))).toBe(true);
        expect(buffer.subarray(0, before).every((b) => b === 0x7e)).toBe(true);
        expect(buffer.subarray(before + body.length).every((b) => b === 0x7e)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads only its view of a larger buffer into a new one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), fc.nat(8), (data, before, after) => {
        const body = latin1(Buffer.from(data).toString('base64'));
        // Base64 characters around the view, which would show in the output were they read.
        const buffer = new Uint8Array(before + body.length + after).fill(0x41);
        buffer.set(body, before);
        const decoded = decodeBase64(buffer.subarray(before, before + body.length));
        expect(decoded.buffer).not.toBe(buffer.buffer);
        expect(Buffer.from(decoded).equals(Buffer.from(data))).toBe(true);
      }),
    );
  });

  it('decodes concatenated blobs to the concatenation of their contents', () => {
    const input = latin1(`${Buffer.from('ab').toString('base64')}\r\n${Buffer.from('cde').toString('base64')}${Buffer.from('f').toString('base64')}`);
    expect(new TextDecoder().decode(decodeBase64(input))).toBe('abcdef');
  });
});
