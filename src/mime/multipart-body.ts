import { firstLineFrom, hashBytes, type DashLineIndex } from './dash-line-index';
import type { ByteRange } from './types';

/**
 * Finds the body parts of a multipart body (RFC 2046 §5.1.1):
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                     *(CRLF dash-boundary transport-padding CRLF body-part)
 *                     CRLF dash-boundary "--" transport-padding [CRLF epilogue]
 *
 * Only a line that is exactly `--boundary`, optionally followed by `--` and transport
 * padding (spaces, tabs), is a delimiter; the same string inside a longer line is
 * content. The line break before a delimiter belongs to the delimiter, not to the part
 * before it, so a signed part's range ends before that CRLF. Bare LF line breaks are
 * accepted everywhere CRLF is.
 *
 * Candidates come from the message's DashLineIndex, so a level does not rescan bytes
 * its parent already scanned; each candidate is then checked byte for byte.
 */

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const SP = 0x20;
const HT = 0x09;

/** RFC 2046 §5.1.1 caps boundaries at 70 characters; longer ones are tolerated up to a line. */
const MAX_BOUNDARY_LENGTH = 998;

export interface BodyParts {
  readonly parts: readonly ByteRange[];
  readonly preamble?: ByteRange;
  readonly epilogue?: ByteRange;
  readonly warnings: readonly string[];
}

interface Delimiter {
  /** Where the delimiter line starts (its "--"). */
  readonly lineStart: number;
  /** After the delimiter line's own line break (or at the end of the body). */
  readonly next: number;
  readonly close: boolean;
  /** Whether the line ended with a line break rather than the end of the body. */
  readonly broken: boolean;
}

function matchDelimiter(source: Uint8Array, lineStart: number, end: number, boundary: Uint8Array): Delimiter | undefined {
  if (source[lineStart] !== DASH || source[lineStart + 1] !== DASH) return undefined;
  let q = lineStart + 2;
  if (q + boundary.length > end) return undefined;
  for (let i = 0; i < boundary.length; i++) {
    if (source[q + i] !== boundary[i]) return undefined;
  }
  q += boundary.length;
  let close = false;
  if (q + 1 < end && source[q] === DASH && source[q + 1] === DASH) {
    close = true;
    q += 2;
  }
  while (q < end && (source[q] === SP || source[q] === HT)) q++;
  if (q >= end) return { lineStart, next: end, close, broken: false };
  if (source[q] === LF) return { lineStart, next: q + 1, close, broken: true };
  if (source[q] === CR) {
    if (q + 1 >= end) return { lineStart, next: end, close, broken: true };
    if (source[q + 1] === LF) return { lineStart, next: q + 2, close, broken: true };
  }
  return undefined;
}

/** The start of the line break that ends just before `lineStart`, not reaching below `floor`. */
function breakBefore(source: Uint8Array, lineStart: number, floor: number): number {
  if (lineStart <= floor) return floor;
  const lf = lineStart - 1;
  return lf - 1 >= floor && source[lf - 1] === CR ? lf - 1 : lf;
}

const encoder = new TextEncoder();

function closeForm(boundary: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(boundary.length + 2);
  bytes.set(boundary);
  bytes[boundary.length] = DASH;
  bytes[boundary.length + 1] = DASH;
  return bytes;
}

/**
 * Returns the parts, or `undefined` when there are more than `maxParts` (the caller
 * reports that as too large).
 */
export function findBodyParts(
  source: Uint8Array,
  index: DashLineIndex,
  body: ByteRange,
  boundaryText: string,
  maxParts: number,
): BodyParts | undefined {
  const warnings: string[] = [];
  const boundary = encoder.encode(boundaryText);
  if (boundary.length > MAX_BOUNDARY_LENGTH || boundary.includes(LF) || boundary.includes(CR)) {
    return { parts: [], warnings: ['multipart boundary is longer than a line or contains a line break: body left unparsed'] };
  }
  if (boundary.length > 70) warnings.push(`boundary longer than 70 characters (RFC 2046 §5.1.1)`);

  const { start, end } = body;
  const parts: ByteRange[] = [];
  let preamble: ByteRange | undefined;
  let epilogue: ByteRange | undefined;
  let partStart = -1;
  let closed = false;

  // Bodies start at line starts, which the index holds; a body that starts elsewhere
  // (only after a lone CR) gets its first line checked directly.
  const { starts, keys, seed } = index;
  const openKey = hashBytes(boundary, 0, boundary.length, seed);
  const closeKey = hashBytes(closeForm(boundary), 0, boundary.length + 2, seed);
  let next = firstLineFrom(index, start);
  const nextCandidate = (): number => {
    while (next < starts.length) {
      const key = keys[next];
      const at = starts[next++] as number;
      if (at >= end) break;
      if (key === openKey || key === closeKey) return at;
    }
    return end;
  };
  let pos = start === 0 || source[start - 1] === LF ? nextCandidate() : start;
  while (pos < end) {
    const delimiter = matchDelimiter(source, pos, end, boundary);
    if (delimiter) {
      if (partStart < 0) {
        if (pos > start) preamble = { start, end: breakBefore(source, pos, start) };
      } else {
        parts.push({ start: partStart, end: Math.max(partStart, breakBefore(source, pos, partStart)) });
        if (parts.length > maxParts) return undefined;
      }
      if (delimiter.close) {
        if (partStart < 0) warnings.push('close delimiter before any part');
        if (delimiter.broken) epilogue = { start: delimiter.next, end };
        closed = true;
        break;
      }
      partStart = delimiter.next;
    }
    pos = nextCandidate();
  }

  if (!closed) {
    if (partStart < 0) {
      warnings.push(`boundary "${boundaryText.slice(0, 80)}" never appears: no body parts`);
    } else if (partStart < end) {
      parts.push({ start: partStart, end });
      warnings.push('missing close delimiter: last part runs to the end of the body');
    } else {
      // A final delimiter without "--" and nothing after it: read it as the close.
      warnings.push('missing close delimiter: last delimiter taken as the close');
    }
  }
  return {
    parts,
    ...(preamble ? { preamble } : {}),
    ...(epilogue ? { epilogue } : {}),
    warnings,
  };
}
