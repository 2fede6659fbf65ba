/**
 * The one pass that decides whether octets are canonical 7-bit MIME (RFC 8551 §3.1.1,
 * §3.1.3; RFC 5322 §2.1.1): only ASCII, no NUL, CR and LF only as CRLF, no line over 998
 * octets. It is the check every signed message passes before it is hashed, so it is
 * written for speed over the megabytes of a base64 attachment: `analyzeBody` answers more
 * questions (trailing whitespace, line starts, escapes) that only choosing an encoding needs.
 * On the way it lists the lines that start with "--", so that choosing a multipart/signed
 * boundary needs no second pass.
 */
import type { BodyAnalysis } from './analyze-body';

/** What canonical form depends on, with the meanings `analyzeBody` gives them. */
export interface CanonicalScan extends Pick<BodyAnalysis, 'has8bit' | 'hasNul' | 'hasBareLineBreak' | 'longestLine'> {
  /**
   * Where the lines that start with "--" begin (lines end at CRLF only): the only places a
   * multipart delimiter can be (RFC 2046 §5.1.1). Undefined past `MAX_DASH_LINES` of them.
   */
  readonly dashLines: readonly number[] | undefined;
}

/** More "--" lines than any real message has; beyond them the list would only cost memory. */
export const MAX_DASH_LINES = 10_000;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/**
 * Non-zero when an octet of `word` is 0x80 or above, or below 0x0e (NUL and the controls
 * up to CR, LF among them). With every octet below 0x80, subtracting 0x0e from each lane
 * sets a lane's high bit only when a lane at or below it is under 0x0e, and always for the
 * lowest such lane, so the result is 0 exactly when no octet is either. Tab and the other
 * controls below 0x0e are false alarms, which the octet-by-octet path passes over.
 */
function marks(word: number): number {
  return (word | ((word - 0x0e0e0e0e) & ~word)) & 0x80808080;
}

export function scanCanonical(data: Uint8Array): CanonicalScan {
  let has8bit = false;
  let hasNul = false;
  let hasBareLineBreak = false;
  let longestLine = 0;
  let lineStart = 0;
  let dashLines: number[] | undefined = [];
  const dashLineAt = (start: number): void => {
    if (dashLines && data[start] === DASH && data[start + 1] === DASH) {
      if (dashLines.length === MAX_DASH_LINES) dashLines = undefined;
      else dashLines.push(start);
    }
  };
  dashLineAt(0);
  const n = data.length;
  // Plain octets go four at a time through an aligned 32-bit view; `head` octets come
  // before its first word.
  const head = (4 - (data.byteOffset & 3)) & 3;
  const words = n > head ? new Int32Array(data.buffer, data.byteOffset + head, (n - head) >> 2) : new Int32Array(0);
  let i = 0;
  while (i < n) {
    if (i >= head && ((i - head) & 3) === 0) {
      let k = (i - head) >> 2;
      while (k + 1 < words.length && (marks(words[k]!) | marks(words[k + 1]!)) === 0) k += 2;
      while (k < words.length && marks(words[k]!) === 0) k++;
      i = head + k * 4;
      if (i >= n) break;
    }
    const byte = data[i]!;
    if (byte >= 0x80) {
      has8bit = true;
    } else if (byte === CR) {
      if (data[i + 1] === LF) {
        if (i - lineStart > longestLine) longestLine = i - lineStart;
        lineStart = i + 2;
        dashLineAt(lineStart);
        i++;
      } else {
        hasBareLineBreak = true;
      }
    } else if (byte === LF) {
      // An LF after a CR was taken with it above.
      hasBareLineBreak = true;
    } else if (byte === 0) {
      hasNul = true;
    }
    i++;
  }
  if (n - lineStart > longestLine) longestLine = n - lineStart;
  return { has8bit, hasNul, hasBareLineBreak, longestLine, dashLines };
}
