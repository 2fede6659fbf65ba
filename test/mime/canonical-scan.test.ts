import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { analyzeBody } from '../../src/mime/analyze-body';
import { MAX_DASH_LINES, scanCanonical } from '../../src/mime/canonical-scan';

/** Octets that decide the answer, and plain ones, so that random data hits every case. */
const octet = fc.constantFrom(0x0d, 0x0a, 0x00, 0x09, 0x0b, 0x0e, 0x7f, 0x80, 0xff, 0x41, 0x2b, 0x20, 0x2d, 0x2d);

/** Where the lines that start with "--" begin, lines ending at CRLF only: by splitting. */
function dashLineStarts(data: readonly number[]): number[] {
  const text = String.fromCharCode(...data);
  const starts: number[] = [];
  let at = 0;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('--')) starts.push(at);
    at += line.length + 2;
  }
  return starts;
}

/** `data` as a view at `offset` of a larger buffer, so that words start anywhere in it. */
function viewAt(data: readonly number[], offset: number): Uint8Array {
  const room = new Uint8Array(offset + data.length + 5).fill(0x80);
  room.set(data, offset);
  return room.subarray(offset, offset + data.length);
}

describe('scanCanonical', () => {
  it('answers as the octet-by-octet analysis does, wherever the data starts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(octet, fc.integer({ min: 0, max: 255 })), { maxLength: 300 }), fc.nat(7), (data, offset) => {
        const view = viewAt(data, offset);
        const { has8bit, hasNul, hasBareLineBreak, longestLine } = analyzeBody(view);
        const scan = scanCanonical(view);
        expect({ ...scan, dashLines: undefined }).toEqual({ has8bit, hasNul, hasBareLineBreak, longestLine, dashLines: undefined });
        expect(scan.dashLines).toEqual(dashLineStarts(data));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a single octet that matters in every lane of a long plain run', () => {
    for (const bad of [0x00, 0x0a, 0x0d, 0x80, 0xff]) {
      for (let at = 0; at < 12; at++) {
        const data = new Array<number>(40).fill(0x41);
        data[17 + at] = bad;
        const scan = scanCanonical(viewAt(data, at % 4));
        expect(scan.has8bit || scan.hasNul || scan.hasBareLineBreak).toBe(true);
      }
    }
  });

  it('measures lines between CRLFs, a CRLF split across words included', () => {
    const line = (length: number) => [...new Array<number>(length).fill(0x41), 0x0d, 0x0a];
    for (let offset = 0; offset < 4; offset++) {
      const scan = scanCanonical(viewAt([...line(3), ...line(998), ...line(5), 0x41], offset));
      expect(scan).toEqual({ has8bit: false, hasNul: false, hasBareLineBreak: false, longestLine: 998, dashLines: [] });
      expect(scanCanonical(viewAt([...line(999), 0x41], offset)).longestLine).toBe(999);
    }
  });

  it('takes tab and the other low controls as plain', () => {
    expect(scanCanonical(Uint8Array.from([0x09, 0x0b, 0x0c, 0x01, 0x41, 0x09, 0x0d, 0x0a, 0x09]))).toEqual({
      has8bit: false,
      hasNul: false,
      hasBareLineBreak: false,
      longestLine: 6,
      dashLines: [],
    });
  });

  it('stops listing "--" lines past the most any message has', () => {
    const lines = (count: number) => Uint8Array.from(Buffer.from('--\r\n'.repeat(count), 'latin1'));
    expect(scanCanonical(lines(MAX_DASH_LINES)).dashLines).toHaveLength(MAX_DASH_LINES);
    expect(scanCanonical(lines(MAX_DASH_LINES + 1)).dashLines).toBeUndefined();
  });
});
