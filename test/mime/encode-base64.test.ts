import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Base64Writer, base64Length, base64String, encodeBase64, encodeBase64Into } from '../../src/mime/encode-base64';

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** The reference: Node's encoder, wrapped at `width` with CRLF. */
function reference(data: Uint8Array, width = 76): string {
  const flat = Buffer.from(data).toString('base64');
  if (width === 0) return flat;
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += width) lines.push(flat.slice(i, i + width));
  return lines.join('\r\n');
}

describe('encodeBase64', () => {
  it('encodes the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [input, output] of vectors) {
      expect(ascii(encodeBase64(new TextEncoder().encode(input)))).toBe(output);
    }
  });

  it('uses every alphabet character, including + and /', () => {
    const all = Uint8Array.from({ length: 48 }, (_, i) => [0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f, 0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a, 0xab, 0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3, 0xd3, 0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf][i]!);
    expect(ascii(encodeBase64(all, { lineLength: 0 }))).toBe(
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
    );
  });

  it('breaks lines at 76 characters with CRLF and no break after the last line', () => {
    const data = new Uint8Array(57 * 3).fill(0xab);
    const text = ascii(encodeBase64(data));
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toHaveLength(76);
    expect(text.endsWith('\r\n')).toBe(false);
  });

  it('puts a final partial quantum on a fresh line when the last full line is exactly full', () => {
    const data = new Uint8Array(57 + 1).fill(1);
    expect(ascii(encodeBase64(data))).toBe(reference(data));
    expect(ascii(encodeBase64(data)).split('\r\n')[1]).toBe('AQ==');
  });

  it('matches Buffer for every length around line and quantum edges', () => {
    for (let length = 0; length <= 300; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(ascii(encodeBase64(data))).toBe(reference(data));
    }
  });

  it('matches Buffer for random data and line widths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 40 }), (data, quanta) => {
        const width = quanta * 4;
        expect(ascii(encodeBase64(data, { lineLength: width }))).toBe(reference(data, width));
      }),
    );
  });

  it('encodes 25 MiB and round-trips through Buffer', () => {
    const data = new Uint8Array(25 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const encoded = encodeBase64(data);
    expect(encoded.length).toBe(Math.ceil(data.length / 3) * 4 + 2 * (Math.ceil(Math.ceil(data.length / 3) * 4 / 76) - 1));
    const decoded = Buffer.from(Buffer.from(encoded).toString('latin1'), 'base64');
    expect(decoded.equals(Buffer.from(data))).toBe(true);
  });

  it('writes the same octets at odd and even offsets of a shared buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 7 }), fc.constantFrom(0, 4, 76), (data, offset, width) => {
        const room = new Uint8Array(new ArrayBuffer(offset + base64Length(data.length, { lineLength: width }) + 3), 1);
        room.fill(0x2a);
        const end = encodeBase64Into(data, room, offset, { lineLength: width });
        expect(ascii(room.subarray(offset, end))).toBe(reference(data, width));
        expect(room.subarray(0, offset).every((b) => b === 0x2a)).toBe(true);
        expect(room.subarray(end).every((b) => b === 0x2a)).toBe(true);
      }),
    );
  });

  it('reads only the data of a view, wherever it starts in a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(7), fc.constantFrom(0, 4, 76), (data, offset, width) => {
        // Octets around the view that would show in the output were they read.
        const room = new Uint8Array(offset + data.length + 11).fill(0xff);
        room.set(data, offset);
        const view = room.subarray(offset, offset + data.length);
        expect(ascii(encodeBase64(view, { lineLength: width }))).toBe(reference(data, width));
      }),
    );
  });

  it('refuses line lengths that would split a quantum', () => {
    expect(() => encodeBase64(new Uint8Array(3), { lineLength: 75 })).toThrow(/multiple of 4/);
    expect(() => encodeBase64(new Uint8Array(3), { lineLength: -4 })).toThrow(/multiple of 4/);
  });

  it('base64String gives one unbroken line', () => {
    const data = new Uint8Array(200).fill(0xff);
    expect(base64String(data)).toBe(Buffer.from(data).toString('base64'));
  });
});

describe('Base64Writer', () => {
  it('writes any split of the data exactly as encodeBase64 writes it whole', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), fc.nat(8), (pieces, offset) => {
        const whole = Buffer.concat(pieces);
        const out = new Uint8Array(offset + base64Length(whole.length));
        const writer = new Base64Writer(out, offset);
        for (const piece of pieces) writer.write(piece);
        expect(writer.finish()).toBe(out.length);
        expect(ascii(out.subarray(offset))).toBe(reference(whole));
      }),
    );
  });
  it('ends without a line break when the last line is full', () => {
    const out = new Uint8Array(base64Length(114));
    const writer = new Base64Writer(out, 0);
    writer.write(new Uint8Array(57));
    writer.write(new Uint8Array(57));
    expect(writer.finish()).toBe(out.length);
    expect(ascii(out)).toBe(reference(new Uint8Array(114)));
  });
});
