/**
 * Binary values in runtime messages: base64 both ways, checked against Node's own coder,
 * through the MIME layer's coder (Node 20 has no other) and through the engine's own
 * (Uint8Array.fromBase64 in Chromium and Firefox), here as the proposal specifies it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCachetError } from '../../src/errors';
import { utf8Length } from '../../src/protocol/framing';
import { base64Coder, type NativeBase64 } from '../../src/protocol/runtime-bytes';

/**
 * Uint8Array.fromBase64 with lastChunkHandling "strict", as TC39's proposal specifies it
 * and Chromium behaves: ASCII white space is skipped, any other character outside the
 * alphabet, missing padding or nonzero bits after the last octet throw a SyntaxError.
 */
const specified: NativeBase64 = {
  fromBase64(text) {
    const bare = text.replace(/[\t\n\f\r ]/g, '');
    if (!/^[A-Za-z0-9+/]*(={0,2})$/.test(bare) || bare.length % 4 !== 0) throw new SyntaxError('not base64');
    const bytes = Buffer.from(bare, 'base64');
    if (bytes.toString('base64') !== bare) throw new SyntaxError('nonzero padding bits');
    return new Uint8Array(bytes);
  },
  toBase64: (bytes) => Buffer.from(bytes).toString('base64'),
};

describe.each([
  ['the MIME layer\'s coder', base64Coder({})],
  ['the engine\'s coder', base64Coder(specified)],
])('runtime bytes through %s', (_name, { bytesToBase64, base64ToBytes }) => {
  it('round-trips every length of the last group, and megabytes', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 57, 58, 76, 1000, 65_537, 3_000_001]) {
      const bytes = new Uint8Array(randomBytes(n));
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Buffer.from(base64ToBytes(text)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('refuses what is not base64 with a typed error, white space included', () => {
    for (const text of ['abc', 'ab=c', 'ab\ncd==', '****', 'QUJD\u00e9', 'QUJD    ', 'QU\nJDQUJ\n', ' QUJ', 'QQ==QUJD', '-_-_']) {
      let thrown: unknown;
      try {
        base64ToBytes(text);
      } catch (error) {
        thrown = error;
      }
      expect(isCachetError(thrown), JSON.stringify(text)).toBe(true);
    }
  });
});

describe('UTF-8 length', () => {
  it('counts UTF-8 octets, ASCII or not', () => {
    for (const text of ['', '{"a":"QUJD"}', 'é', '€', '😀', 'a😀b€c']) expect(utf8Length(text), text).toBe(Buffer.byteLength(text));
  });
});
