/**
 * Where a message's "--" lines start, with a hash of what follows the dashes. Every
 * multipart delimiter (RFC 2046 §5.1.1) is such a line, so each multipart level only
 * needs to look at the indexed lines inside its body whose hash equals that of its own
 * `boundary` or `boundary--`, instead of rescanning the body. Built once per message in
 * one pass; without it, deep nesting would rescan the same bytes once per level.
 *
 * The hash (FNV-1a with a per-message random basis) only picks candidates; every
 * candidate is still checked byte for byte, so a collision costs time, never a wrong tree.
 */

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const SP = 0x20;
const HT = 0x09;

export interface DashLineIndex {
  /** Start offsets of lines beginning with "--", ascending. */
  readonly starts: Int32Array;
  /** Hash of each line's text after "--", without its line break and trailing padding. */
  readonly keys: Int32Array;
  readonly seed: number;
}

export function hashBytes(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (bytes[i] as number), 16777619);
  return h | 0;
}

export function indexDashLines(source: Uint8Array): DashLineIndex {
  const seed = (Math.random() * 0x100000000) | 0;
  let starts: Int32Array = new Int32Array(256);
  let keys: Int32Array = new Int32Array(256);
  let count = 0;
  // Jumps to the next dash rather than from line to line: bodies are mostly base64 or
  // text with few dashes, so this is a handful of searches instead of one per line.
  let dash = source.indexOf(DASH);
  while (dash !== -1) {
    const lf = source.indexOf(LF, dash);
    if (source[dash + 1] !== DASH || (dash > 0 && source[dash - 1] !== LF)) {
      // No line start in the rest of this line: go on from the next one, so that a line
      // full of dashes costs one search, not one per dash.
      dash = lf < 0 ? -1 : source.indexOf(DASH, lf + 1);
      continue;
    }
    const lineEnd = lf < 0 ? source.length : lf;
    // The same trimming matchDelimiter allows: one CR before the LF, then spaces and tabs.
    let keyEnd = lineEnd > dash + 2 && source[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    while (keyEnd > dash + 2 && (source[keyEnd - 1] === SP || source[keyEnd - 1] === HT)) keyEnd--;
    if (count === starts.length) {
      starts = grow(starts);
      keys = grow(keys);
    }
    starts[count] = dash;
    keys[count] = hashBytes(source, dash + 2, keyEnd, seed);
    count++;
    if (lf < 0) break;
    dash = source.indexOf(DASH, lf + 1);
  }
  return { starts: starts.subarray(0, count), keys: keys.subarray(0, count), seed };
}

function grow(list: Int32Array): Int32Array {
  const grown = new Int32Array(list.length * 2);
  grown.set(list);
  return grown;
}

/** Index of the first line starting at or after `offset`. */
export function firstLineFrom(index: DashLineIndex, offset: number): number {
  const { starts } = index;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
