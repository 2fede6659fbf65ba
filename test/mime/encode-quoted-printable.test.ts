import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { encodeQuotedPrintable, type QuotedPrintableOptions } from '../../src/mime/encode-quoted-printable';
import { decodeQuotedPrintable } from '../../src/mime/transfer-decoding';

const bytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const text = (data: Uint8Array) => Buffer.from(data).toString('latin1');
const qp = (input: string, options?: QuotedPrintableOptions) => text(encodeQuotedPrintable(bytes(input), options));

/** A strict decoder written from RFC 2045 §6.7 alone, independent of the encoder. */
function decode(encoded: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i]!;
    if (char === '=') {
      if (encoded.startsWith('\r\n', i + 1)) {
        i += 2;
        continue;
      }
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`bad escape at ${i}: ${hex}`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(char.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/** Checks the shape rules every encoder output must meet. */
function checkShape(encoded: string): void {
  for (const line of encoded.split('\r\n')) {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).toMatch(/^[\x20-\x7e\t]*$/);
    // Rule 3: no whitespace at the end of an encoded line.
    expect(line).not.toMatch(/[ \t]$/);
    // No escape split by a soft break.
    expect(line.replace(/=[0-9A-F]{2}/g, '').replace(/=$/, '')).not.toContain('=');
  }
  expect(encoded.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
}

describe('encodeQuotedPrintable', () => {
  it('writes printable ASCII as itself (rule 2) and escapes "=" (rule 1)', () => {
    expect(qp('Hello, World! ~{|}')).toBe('Hello, World! ~{|}');
    expect(qp('a=b')).toBe('a=3Db');
  });

  it('escapes 8-bit octets and controls with upper-case hex (rule 1)', () => {
    expect(text(encodeQuotedPrintable(new TextEncoder().encode('café')))).toBe('caf=C3=A9');
    expect(qp('\x00\x1b\x7f\xff')).toBe('=00=1B=7F=FF');
  });

  it('keeps inner whitespace and encodes whitespace at line ends (rule 3)', () => {
    expect(qp('a b\tc')).toBe('a b\tc');
    expect(qp('trailing \r\nnext')).toBe('trailing=20\r\nnext');
    expect(qp('tab\t\r\n')).toBe('tab=09\r\n');
    expect(qp('end of data ')).toBe('end of data=20');
    expect(qp('two  \r\n')).toBe('two =20\r\n');
  });

  it('keeps CRLF as a hard line break and encodes bare CR and LF in text mode (rule 4)', () => {
    expect(qp('a\r\nb\r\n')).toBe('a\r\nb\r\n');
    expect(qp('a\nb\rc')).toBe('a=0Ab=0Dc');
  });

  it('encodes CR and LF as data in binary mode', () => {
    expect(qp('a\r\nb', { binary: true })).toBe('a=0D=0Ab');
  });

  it('lets a line of exactly 76 characters stand, and soft-breaks a longer one at 75 + "=" (rule 5)', () => {
    const exact = 'x'.repeat(76);
    expect(qp(exact)).toBe(exact);
    expect(qp(`${exact}\r\nnext`)).toBe(`${exact}\r\nnext`);
    const longer = 'x'.repeat(77);
    expect(qp(longer)).toBe(`${'x'.repeat(75)}=\r\nxx`);
  });

  it('never splits an escape across a soft break', () => {
    const encoded = qp(`${'x'.repeat(74)}=yy`);
    expect(encoded).toBe(`${'x'.repeat(74)}=\r\n=3Dyy`);
    checkShape(encoded);
  });

  it('escapes a whitespace that would end up last on a full line only when it ends the data', () => {
    expect(qp(`${'x'.repeat(75)} `)).toBe(`${'x'.repeat(75)}=\r\n=20`);
    expect(qp(`${'x'.repeat(74)} y`)).toBe(`${'x'.repeat(74)} y`);
    expect(qp(`${'x'.repeat(74)} yz`)).toBe(`${'x'.repeat(74)} =\r\nyz`);
  });

  it('escapes "From " at a line start when asked (RFC 2049 §4 item 8), also after a soft break', () => {
    expect(qp('From me\r\nFrom you', { escapeFrom: true })).toBe('=46rom me\r\n=46rom you');
    expect(qp('a From b', { escapeFrom: true })).toBe('a From b');
    expect(qp('Frome', { escapeFrom: true })).toBe('Frome');
    expect(qp('From me')).toBe('From me');
    const afterSoftBreak = qp(`${'x'.repeat(75)}From here`, { escapeFrom: true });
    expect(afterSoftBreak).toBe(`${'x'.repeat(75)}=\r\n=46rom here`);
  });

  it('escapes a leading dot when asked (RFC 2049 §4 item 9)', () => {
    expect(qp('.\r\n..x\r\na.b', { escapeLeadingDot: true })).toBe('=2E\r\n=2E.x\r\na.b');
    expect(qp('.\r\n')).toBe('.\r\n');
  });

  it('round-trips random octets in text and binary mode and keeps every rule', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (data, binary, escapeFrom, escapeLeadingDot) => {
          const encoded = text(encodeQuotedPrintable(data, { binary, escapeFrom, escapeLeadingDot }));
          checkShape(encoded);
          if (binary) expect(encoded.replace(/=\r\n/g, '')).not.toContain('\r\n');
          expect(decode(encoded)).toEqual(data);
        },
      ),
    );
  });

  it('round-trips text full of line breaks, spaces, dots and From lines', () => {
    const piece = fc.constantFrom('\r\n', ' ', '\t', '.', 'From ', 'x', '=', 'é', '\n', '\r');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 300 }), (pieces) => {
        const data = new TextEncoder().encode(pieces.join(''));
        const encoded = text(encodeQuotedPrintable(data, { escapeFrom: true, escapeLeadingDot: true }));
        checkShape(encoded);
        for (const line of encoded.split('\r\n')) {
          expect(line.startsWith('.')).toBe(false);
          expect(line.startsWith('From ')).toBe(false);
        }
        expect(decode(encoded)).toEqual(data);
      }),
    );
  });

  it('encodes 25 MiB of mixed text in one pass and decodes back with the parser’s decoder', () => {
    const line = new TextEncoder().encode('Grüße aus Köln = 100% sicher, trailing \r\n');
    const data = new Uint8Array(25 * 1024 * 1024);
    for (let at = 0; at < data.length; at += line.length) data.set(line.subarray(0, Math.min(line.length, data.length - at)), at);
    const encoded = encodeQuotedPrintable(data);
    const decoded = Buffer.from(decodeQuotedPrintable(encoded));
    expect(decoded.equals(Buffer.from(data))).toBe(true);
  });
});
