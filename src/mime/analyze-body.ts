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

export function analyzeBody(data: Uint8Array): BodyAnalysis {
  let has8bit = false;
  let hasNul = false;
  let hasBareLineBreak = false;
  let longestLine = 0;
  let hasTrailingWhitespace = false;
  let hasRiskyLineStart = false;
  let escapes = 0;
  let lineStart = 0;
  const n = data.length;

  const endLine = (end: number) => {
    if (end - lineStart > longestLine) longestLine = end - lineStart;
    const last = data[end - 1];
    if (end > lineStart && (last === 0x20 || last === 0x09)) hasTrailingWhitespace = true;
  };

  for (let i = 0; i < n; i++) {
    const byte = data[i]!;
    if (i === lineStart) {
      if (byte === 0x2e) hasRiskyLineStart = true;
      else if (byte === 0x46 && data[i + 1] === 0x72 && data[i + 2] === 0x6f && data[i + 3] === 0x6d && data[i + 4] === 0x20) {
        hasRiskyLineStart = true;
      }
    }
    if (PLAIN[byte] === 1) continue;
    if (byte >= 0x80) {
      has8bit = true;
      escapes++;
    } else if (byte === CR) {
      if (data[i + 1] === LF) {
        endLine(i);
        i++;
        lineStart = i + 1;
        continue;
      }
      hasBareLineBreak = true;
      escapes++;
    } else if (byte === LF) {
      hasBareLineBreak = true;
      escapes++;
    } else if (byte === 0) {
      hasNul = true;
      escapes++;
    } else if (byte === 0x3d || (byte < 0x20 && byte !== 0x09) || byte === 0x7f) {
      escapes++;
    }
  }
  endLine(n);
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
