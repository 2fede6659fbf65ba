import { CachetError } from '../errors';
import { decodeBytes } from './charset';
import type { ByteRange, HeaderField } from './types';
import { IGNORED_WARNINGS, type WarningSink } from './warning-list';

/**
 * Splits a header block into fields (RFC 5322 §2.2) without copying the source. Lines end
 * in CRLF or a bare LF; a line starting with space or tab continues the field before it
 * (§2.2.3 folding). The block ends at the first empty line; the body starts after it.
 */

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export interface HeaderBlock {
  readonly fields: readonly HeaderField[];
  /** Fields only, each with its line break; the blank separator line is not included. */
  readonly range: ByteRange;
  /** Where the body starts: after the blank line, or at the first line that is not a field. */
  readonly bodyStart: number;
}

/** RFC 5322 §3.6.8 field-name: printable US-ASCII except ':'. */
function isNameByte(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== COLON;
}

/** Unfolds (§2.2.3: drop each line break that precedes whitespace) and trims a field body. */
export function unfold(text: string): string {
  const joined = text.replace(/\r?\n/g, '');
  let from = 0;
  let to = joined.length;
  while (from < to && isBlank(joined.charCodeAt(from))) from++;
  while (to > from && isBlank(joined.charCodeAt(to - 1))) to--;
  return joined.slice(from, to);
}

function isBlank(code: number): boolean {
  return code === SP || code === HT || code === CR;
}

/**
 * Throws 'mime/too-large' past `maxFields` fields, so a flood of tiny fields cannot exhaust
 * memory. Tolerated problems are reported to `warnings`.
 */
export function parseHeaderBlock(
  source: Uint8Array,
  start: number,
  end: number,
  maxFields = Infinity,
  warnings: WarningSink = IGNORED_WARNINGS,
): HeaderBlock {
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let nameEnd = 0;
  let valueStart = 0;
  let valueEnd = 0;
  let fieldEnd = 0;

  const finish = (): void => {
    if (fieldStart < 0) return;
    const name = decodeBytes(source.subarray(fieldStart, nameEnd));
    const value = unfold(decodeBytes(source.subarray(valueStart, valueEnd)));
    if (fields.length >= maxFields) throw new CachetError('mime/too-large', 'message has too many header fields');
    fields.push({ name, value, range: { start: fieldStart, end: fieldEnd } });
    fieldStart = -1;
  };
  const block = (headerEnd: number, bodyStart: number): HeaderBlock => {
    finish();
    return { fields, range: { start, end: headerEnd }, bodyStart };
  };

  let pos = start;
  while (pos < end) {
    const lf = source.indexOf(LF, pos);
    const lineBreak = lf < 0 || lf >= end ? end : lf;
    const next = lineBreak < end ? lineBreak + 1 : end;
    const contentEnd = lineBreak > pos && source[lineBreak - 1] === CR ? lineBreak - 1 : lineBreak;
    const first = source[pos];

    if (contentEnd === pos) return block(pos, next);

    if (first === SP || first === HT) {
      if (fieldStart >= 0) {
        valueEnd = contentEnd;
        fieldEnd = next;
      } else {
        warnings.add(`header block starts with a continuation line at byte ${pos}; ignored`);
      }
      pos = next;
      continue;
    }

    let nameStop = pos;
    while (nameStop < contentEnd && isNameByte(source[nameStop] ?? 0)) nameStop++;
    let colon = nameStop;
    // RFC 5322 §4.5.1 obs-optional: whitespace may sit between the name and the colon.
    while (colon < contentEnd && (source[colon] === SP || source[colon] === HT)) colon++;
    if (nameStop === pos || colon >= contentEnd || source[colon] !== COLON) {
      warnings.add(`line at byte ${pos} is not a header field; body assumed to start there (no blank line)`);
      return block(pos, pos);
    }

    finish();
    fieldStart = pos;
    nameEnd = nameStop;
    valueStart = colon + 1;
    valueEnd = contentEnd;
    fieldEnd = next;
    pos = next;
  }
  return block(end, end);
}
