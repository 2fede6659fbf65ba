/**
 * The one test for whole base64 values (src/mime/base64-form.ts) accepts exactly what the
 * anchored pattern it replaced accepted: the alphabet, then at most two '=' at the end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBase64 } from '../../src/mime/base64-form';

const anchored = /^[A-Za-z0-9+/]*={0,2}$/;

describe('isBase64', () => {
  it('agrees with the anchored pattern on any mix of the alphabet, padding and strays', () => {
    const unit = fc.constantFrom('A', 'z', '0', '+', '/', '=', '-', '_', ' ', '\n', 'é', '\u0000');
    fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
      expect(isBase64(text)).toBe(anchored.test(text));
    }), { numRuns: 5000 });
  });

  it('takes padding only at the very end', () => {
    expect(isBase64('')).toBe(true);
    expect(isBase64('QUJD')).toBe(true);
    expect(isBase64('QUI=')).toBe(true);
    expect(isBase64('QQ==')).toBe(true);
    expect(isBase64('Q===')).toBe(false);
    expect(isBase64('Q=Q=')).toBe(false);
    expect(isBase64('=QQQ')).toBe(false);
    expect(isBase64('QUJD\r\n')).toBe(false);
  });

  it('reads a value of tens of megabytes', () => {
    expect(isBase64('QUJD'.repeat(10_000_000))).toBe(true);
    expect(isBase64(`${'QUJD'.repeat(10_000_000)}-`)).toBe(false);
  });
});
