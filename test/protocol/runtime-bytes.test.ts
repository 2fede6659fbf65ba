/** Binary values in runtime messages: base64 both ways, checked against Node's own coder. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCachetError } from '../../src/errors';
import { utf8Length } from '../../src/protocol/framing';
import { base64ToBytes, bytesToBase64 } from '../../src/protocol/runtime-bytes';

describe('runtime bytes', () => {
  it('round-trips every length of the last group, and megabytes', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 57, 58, 76, 1000, 65_537, 3_000_001]) {
      const bytes = new Uint8Array(randomBytes(n));
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Buffer.from(base64ToBytes(text)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('refuses what is not base64 with a typed error', () => {
    for (const text of ['abc', 'ab=c', 'ab\ncd==', '****', 'QUJD\u00e9']) {
      let thrown: unknown;
      try {
        base64ToBytes(text);
      } catch (error) {
        thrown = error;
      }
      expect(isCachetError(thrown), text).toBe(true);
    }
  });

  it('counts UTF-8 octets, ASCII or not', () => {
    for (const text of ['', '{"a":"QUJD"}', 'é', '€', '😀', 'a😀b€c']) expect(utf8Length(text), text).toBe(Buffer.byteLength(text));
  });
});
