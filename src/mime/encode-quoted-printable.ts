/**
 * Quoted-printable content transfer encoding (RFC 2045 §6.7).
 *
 * Rules applied, by the numbers of §6.7:
 *  (1) any octet may be written `=XX` with upper-case hex; it must be for `=`, controls and 8-bit;
 *  (2) printable ASCII 33–60 and 62–126 is written as itself;
 *  (3) space and tab are literal except at the end of an encoded line, where they are encoded;
 *  (4) in text mode a CRLF in the data is a hard line break; lone CR or LF are data and encoded;
 *  (5) encoded lines are at most 76 characters, the `=` of a soft line break included.
 * Optional escapes from RFC 2049 §4 (guidelines 8 and 9) make content survive mbox
 * "From " quoting and SMTP dot handling, which matters for signed content: a relay that
 * rewrites a line breaks the signature.
 */

export interface QuotedPrintableOptions {
  /**
   * Treat the data as binary: CR and LF are encoded like any other octet and no hard line
   * breaks are written. Default false (text: CRLF pairs are line breaks).
   */
  readonly binary?: boolean;
  /** Write `F` as `=46` when an encoded line would start with "From " (RFC 2049 §4, item 8). */
  readonly escapeFrom?: boolean;
  /** Write `.` as `=2E` when it would start an encoded line (RFC 2049 §4, item 9). */
  readonly escapeLeadingDot?: boolean;
}

/** RFC 2045 §6.7 rule 5. */
export const QP_LINE_LENGTH = 76;

const HEX = Uint8Array.from('0123456789ABCDEF', (char) => char.charCodeAt(0));
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;
const DOT = 0x2e;
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

/** RFC 2045 §6.7 rule 2: octets 33–60 and 62–126 may stand for themselves. */
const LITERAL = Uint8Array.from({ length: 256 }, (_, byte) => ((byte >= 33 && byte <= 60) || (byte >= 62 && byte <= 126) ? 1 : 0));

function startsWithFrom(data: Uint8Array, at: number): boolean {
  if (at + FROM_.length > data.length) return false;
  for (let k = 0; k < FROM_.length; k++) if (data[at + k] !== FROM_[k]) return false;
  return true;
}

/** Encodes `data` as quoted-printable ASCII bytes. */
export function encodeQuotedPrintable(data: Uint8Array, options: QuotedPrintableOptions = {}): Uint8Array {
  const binary = options.binary ?? false;
  const escapeFrom = options.escapeFrom ?? false;
  const escapeDot = options.escapeLeadingDot ?? false;
  const n = data.length;
  // Written in place with a local cursor (this loop runs once per octet of large bodies);
  // the buffer grows by doubling whenever fewer than 8 octets (one escape plus a soft
  // break) are left.
  let out = new Uint8Array(n + (n >>> 3) + 64);
  let o = 0;
  let column = 0;
  let i = 0;

  // Whether the encoded line ends right after the octet at `at` matters only for
  // whitespace (rule 3) and near the 76th column, so it is worked out only there.
  const endsLine = (at: number) => at + 1 === n || (!binary && data[at + 1] === CR && data[at + 2] === LF);

  while (i < n) {
    if (o + 8 > out.length) {
      const grown = new Uint8Array(out.length * 2);
      grown.set(out.subarray(0, o));
      out = grown;
    }
    const byte = data[i]!;
    if (!binary && byte === CR && data[i + 1] === LF) {
      out[o++] = CR;
      out[o++] = LF;
      column = 0;
      i += 2;
      continue;
    }
    let literal = LITERAL[byte] === 1;
    if (byte === SPACE || byte === TAB) literal = !endsLine(i);
    if (literal && column === 0) {
      if (escapeDot && byte === DOT) literal = false;
      else if (escapeFrom && byte === FROM_[0] && startsWithFrom(data, i)) literal = false;
    }

    const width = literal ? 1 : 3;
    // Column 76 is kept for a soft break's `=`, unless the line ends with this octet.
    if (column + width > QP_LINE_LENGTH - 1 && !(column + width <= QP_LINE_LENGTH && endsLine(i))) {
      out[o++] = EQUALS;
      out[o++] = CR;
      out[o++] = LF;
      column = 0;
      // Re-examine the octet: at the start of a line the From/dot escapes may now apply.
      continue;
    }
    if (literal) {
      out[o++] = byte;
    } else {
      out[o++] = EQUALS;
      out[o++] = HEX[byte >>> 4]!;
      out[o++] = HEX[byte & 15]!;
    }
    column += width;
    i++;
  }
  return out.slice(0, o);
}
