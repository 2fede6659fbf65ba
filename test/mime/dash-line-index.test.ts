/** The index of "--" lines: the same lines and keys as a plain line-by-line reading. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes, indexDashLines } from '../../src/mime/dash-line-index';

/** Every line starting "--", with its key as the index defines it, read one line at a time. */
function reference(source: Uint8Array, seed: number): { starts: number[]; keys: number[] } {
  const starts: number[] = [];
  const keys: number[] = [];
  for (let start = 0; start <= source.length; ) {
    let lf = source.indexOf(0x0a, start);
    if (lf < 0) lf = source.length;
    if (source[start] === 0x2d && source[start + 1] === 0x2d) {
      let keyEnd = lf > start + 2 && source[lf - 1] === 0x0d ? lf - 1 : lf;
      while (keyEnd > start + 2 && (source[keyEnd - 1] === 0x20 || source[keyEnd - 1] === 0x09)) keyEnd--;
      starts.push(start);
      keys.push(hashBytes(source, start + 2, keyEnd, seed));
    }
    start = lf + 1;
  }
  return { starts, keys };
}

describe('indexDashLines', () => {
  it('finds exactly the lines a line-by-line reading finds', () => {
    const characters = fc.constantFrom('-', '-', '-', '\n', '\r', 'a', ' ', '\t', '=');
    fc.assert(
      fc.property(fc.array(characters, { maxLength: 300 }), (chars) => {
        const source = Uint8Array.from(chars.join(''), (c) => c.charCodeAt(0));
        const index = indexDashLines(source);
        const expected = reference(source, index.seed);
        expect(Array.from(index.starts)).toEqual(expected.starts);
        expect(Array.from(index.keys)).toEqual(expected.keys);
      }),
      { numRuns: 1000 },
    );
  });

  it('indexes a line of a million dashes, and not a line with dashes inside', () => {
    const source = new TextEncoder().encode(`${'-'.repeat(1_000_000)}\r\n${'a-'.repeat(1_000_000)}\n--end--\n`);
    const index = indexDashLines(source);
    expect(Array.from(index.starts)).toEqual([0, 3_000_003]);
  });
});
