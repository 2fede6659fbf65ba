/**
 * Content-Type / Content-Disposition fields with parameters (RFC 2045 §5.1, RFC 2183).
 *
 * A parameter value is written, in order of preference:
 *  - as a token, or a quoted string, when it is printable ASCII and short;
 *  - split into RFC 2231 §3 continuations (`name*0="…"; name*1="…"`) when only long;
 *  - as RFC 2231 §4 extended values (`name*=UTF-8''%E2%82%AC…`, continued as
 *    `name*0*=…; name*1*=…`) when it has non-ASCII or control characters.
 * `encodeWordParameter` writes the RFC 2047-in-quotes form (`name="=?UTF-8?B?…?="`) that
 * RFC 2047 §5 does not sanction but that clients which predate RFC 2231 read; it is only
 * used for the Content-Type `name` fallback beside a proper `filename` parameter.
 */

import { CachetError } from '../errors';
import { encodeWords } from './encoded-word-writer';
import { assertFieldName } from './encode-header';
import { HeaderFolder } from './fold-header';

/**
 * One parameter as the unbreakable pieces to write, separated by single spaces where the
 * field may be folded (only the encoded words of one quoted value come in several pieces).
 */
export type ParameterPieces = readonly string[];

/** RFC 2045 §5.1 token: printable ASCII except space and tspecials. */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
/** RFC 2231 §7 attribute-char: token characters other than `*`, `'` and `%`. */
const ATTRIBUTE_CHAR = /^[!#$&+\-.0-9A-Z^_`a-z{|}~]$/;
const PARAMETER_NAME = /^[!#$%&'+\-.0-9A-Z^_`a-z{|}~]+$/;
/** Longest piece, so that " piece;" fits in 78 columns. */
const MAX_PIECE = 74;
const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();

function assertParameterName(name: string): void {
  if (!PARAMETER_NAME.test(name) || name.length > 40) {
    throw new CachetError('input/invalid', `invalid parameter name ${JSON.stringify(name.slice(0, 50))}`);
  }
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** Splits `value` into chunks whose quoted form is at most `max` characters. */
function splitQuoted(value: string, max: number): string[] {
  const chunks: string[] = [];
  let chunk = '';
  let width = 2;
  for (const char of value) {
    const charWidth = char === '"' || char === '\\' ? 2 : 1;
    if (width + charWidth > max && chunk !== '') {
      chunks.push(chunk);
      chunk = '';
      width = 2;
    }
    chunk += char;
    width += charWidth;
  }
  chunks.push(chunk);
  return chunks;
}

/** Percent-encodes UTF-8 octets per RFC 2231 §4, in chunks that keep characters whole. */
function percentChunks(value: string, firstMax: number, max: number): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const char of value) {
    let encoded = '';
    if (ATTRIBUTE_CHAR.test(char)) {
      encoded = char;
    } else {
      for (const byte of utf8.encode(char)) encoded += `%${HEX[byte >>> 4]}${HEX[byte & 15]}`;
    }
    const limit = chunks.length === 0 ? firstMax : max;
    if (chunk.length + encoded.length > limit && chunk !== '') {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += encoded;
  }
  chunks.push(chunk);
  return chunks;
}

/** One parameter, or several when RFC 2231 continuations split it. */
export function encodeParameter(name: string, value: string): ParameterPieces[] {
  assertParameterName(name);
  if (/^[\x20-\x7e]*$/.test(value)) {
    const simple = TOKEN.test(value) ? value : quote(value);
    if (name.length + 1 + simple.length <= MAX_PIECE) return [[`${name}=${simple}`]];
    // RFC 2231 §3: plain continuations, numbered from 0, without leading zeros.
    const room = MAX_PIECE - name.length - 5;
    return splitQuoted(value, room).map((chunk, index) => [`${name}*${index}=${quote(chunk)}`]);
  }
  const charsetPrefix = "UTF-8''";
  const whole = `${name}*=${charsetPrefix}`;
  const single = percentChunks(value, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)[0] ?? '';
  if (whole.length + single.length <= MAX_PIECE) return [[whole + single]];
  // RFC 2231 §4.1: only the first section names the charset; every section is `*N*=`.
  const room = MAX_PIECE - name.length - 6;
  const chunks = percentChunks(value, room - charsetPrefix.length, room);
  return chunks.map((chunk, index) => [`${name}*${index}*=${index === 0 ? charsetPrefix : ''}${chunk}`]);
}

/**
 * The pre-RFC 2231 fallback: `name="=?UTF-8?B?…?= =?UTF-8?B?…?="`, whose pieces may be
 * folded at the spaces between encoded words. Plain short ASCII stays a normal parameter.
 */
export function encodeWordParameter(name: string, value: string): ParameterPieces {
  assertParameterName(name);
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) {
    const simple = TOKEN.test(value) ? value : quote(value);
    if (name.length + 1 + simple.length <= MAX_PIECE) return [`${name}=${simple}`];
  }
  const words = encodeWords(value, MAX_PIECE - name.length - 3);
  if (words.length === 0) return [`${name}=""`];
  return words.map((word, index) => {
    const open = index === 0 ? `${name}="` : '';
    const close = index === words.length - 1 ? '"' : '';
    return open + word + close;
  });
}

/** `Name: value; p1=v1; p2=v2` folded after each `;` and inside split parameters. */
export function encodeParameterField(name: string, value: string, parameters: readonly ParameterPieces[]): string {
  assertFieldName(name);
  if (!TOKEN.test(value.replace('/', ''))) {
    throw new CachetError('input/invalid', `${name}: invalid value ${JSON.stringify(value.slice(0, 80))}`);
  }
  const folder = new HeaderFolder(name);
  const pieces: string[] = [value];
  for (const parameter of parameters) {
    pieces[pieces.length - 1] += ';';
    for (const piece of parameter) pieces.push(piece);
  }
  pieces.forEach((piece, index) => {
    if (index > 0) folder.space(' ');
    folder.word(piece);
  });
  return folder.finish();
}
