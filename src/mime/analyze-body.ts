/**
 * One pass over body octets collecting what decides its transfer encoding: RFC 2045 §2.7
 * (7bit: ASCII, no NUL, CR and LF only as CRLF, lines of at most 998 octets), §2.8 (8bit:
 * the same with 8-bit octets) and the hazards for signed text listed in RFC 2049 §4
 * (trailing whitespace, lines starting "From " or ".").
 */

export interface BodyAnalysis {
  readonly length: number;
  readonly has8bit: boolean;
  readonly hasNul: boolean;
  /** CR not followed by LF, or LF not preceded by CR. */
  readonly hasBareLineBreak: boolean;
  /** Longest line in octets, line break excluded. */
  readonly longestLine: number;
  /** A line (or the end of the data) ends in space or tab. */
  readonly hasTrailingWhitespace: boolean;
  /** A line starts with "From " or "." (RFC 2049 §4, items 8 and 9). */
  readonly hasRiskyLineStart: boolean;
  /** Octets quoted-printable must escape as `=XX` (controls, `=`, 8-bit). */
  readonly escapes: number;
}

const CR = 0x0d;
const LF = 0x0a;

/** Octets that need no attention beyond line starts: printable ASCII except `=`, and tab. */
const PLAIN = Uint8Array.from({ length: 256 }, (_, byte) => ((byte >= 0x20 && byte < 0x7f && byte !== 0x3d) || byte === 0x09 ? 1 : 0));

/**
 * Whether one of the four octets of `word` is below 0x20, above 0x7e or `=`: outside
 * PLAIN, or a tab (which then takes the octet-by-octet path and counts as plain there).
 * Each term is the exact "some octet is …" test on all four lanes at once (the high bit
 * of a lane is set only if some lane matches); lane order does not matter, so neither
 * does the platform's byte order.
 */
function hasSpecialOctet(word: number): boolean {
  const below = ((word - 0x20202020) | 0) & ~word;
  const above = ((word + 0x01010101) | 0) | word;
  const eq = word ^ 0x3d3d3d3d;
  const equals = ((eq - 0x01010101) | 0) & ~eq;
  return ((below | above | equals) & 0x80808080) !== 0;
}

export function analyzeBody(data: Uint8Array): BodyAnalysis {
  let has8bit = false;
  let hasNul = false;
  let hasBareLineBreak = false;
  let longestLine = 0;
  let hasTrailingWhitespace = false;
  let hasRiskyLineStart = false;
  let escapes = 0;
  const n = data.length;
  // Bodies are megabytes of plain octets (base64, ordinary text): those are skipped four at
  // a time through an aligned 32-bit view; only words holding something else are looked
  // at octet by octet. `head` octets come before the first aligned word.
  const head = (4 - (data.byteOffset & 3)) & 3;
  const words = n > head ? new Int32Array(data.buffer, data.byteOffset + head, (n - head) >> 2) : new Int32Array(0);
  const wordsEnd = head + words.length * 4;

  let i = 0;
  for (;;) {
    const lineStart = i;
    if (i < n) {
      const first = data[i]!;
      if (first === 0x2e) hasRiskyLineStart = true;
      else if (first === 0x46 && data[i + 1] === 0x72 && data[i + 2] === 0x6f && data[i + 3] === 0x6d && data[i + 4] === 0x20) {
        hasRiskyLineStart = true;
      }
    }
    let lineEnd = n;
    while (i < n) {
      if (i >= head && i < wordsEnd && ((i - head) & 3) === 0) {
        let k = (i - head) >> 2;
        while (k < words.length && !hasSpecialOctet(words[k]!)) k++;
        i = head + k * 4;
        if (i >= n) break;
      }
      const byte = data[i]!;
      if (PLAIN[byte] === 1) {
        i++;
        continue;
      }
      if (byte === CR && data[i + 1] === LF) {
        lineEnd = i;
        break;
      }
      if (byte >= 0x80) {
        has8bit = true;
      } else if (byte === CR || byte === LF) {
        hasBareLineBreak = true;
      } else if (byte === 0) {
        hasNul = true;
      }
      // Every other octet outside PLAIN (8-bit, bare CR or LF, NUL, `=`, controls, DEL) is escaped.
      escapes++;
      i++;
    }
    if (lineEnd - lineStart > longestLine) longestLine = lineEnd - lineStart;
    const last = data[lineEnd - 1];
    if (lineEnd > lineStart && (last === 0x20 || last === 0x09)) hasTrailingWhitespace = true;
    if (lineEnd === n) break;
    i = lineEnd + 2;
  }
  return { length: n, has8bit, hasNul, hasBareLineBreak, longestLine, hasTrailingWhitespace, hasRiskyLineStart, escapes };
}

/** RFC 5322 §2.1.1 / RFC 2045 §2.8: no line may exceed 998 octets. */
export const MAX_LINE_LENGTH = 998;

/** Whether the octets may be sent as they are with `Content-Transfer-Encoding: 7bit`. */
export function isSevenBitSafe(analysis: BodyAnalysis): boolean {
  return !analysis.has8bit && !analysis.hasNul && !analysis.hasBareLineBreak && analysis.longestLine <= MAX_LINE_LENGTH;
}

/** Whether the octets may be sent as they are with `Content-Transfer-Encoding: 8bit`. */
export function isEightBitSafe(analysis: BodyAnalysis): boolean {
  return !analysis.hasNul && !analysis.hasBareLineBreak && analysis.longestLine <= MAX_LINE_LENGTH;
}
