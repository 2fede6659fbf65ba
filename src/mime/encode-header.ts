/**
 * Header fields for messages Cachet writes: unstructured text (Subject) and address lists
 * with RFC 2047 encoded words where the text is not plain ASCII, folded by `HeaderFolder`.
 * Everything produced here is 7-bit ASCII with CRLF line ends; the CRLF that ends each
 * field is included.
 */

import { CachetError } from '../errors';
import { EncodedWordWriter, ENCODED_WORD_OVERHEAD } from './encoded-word-writer';
import { HeaderFolder } from './fold-header';

export interface Mailbox {
  /** Display name; any Unicode. Empty or absent writes the bare address. */
  readonly name?: string;
  /** addr-spec (RFC 5322 §3.4.1), ASCII: written as given, never encoded. */
  readonly address: string;
}

/** RFC 5322 §3.6.8: ftext is printable ASCII except colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** RFC 5322 §3.2.3 atext. */
const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~";
const ATOM = new RegExp(`^[${ATEXT}]+$`);
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
/** Quoted local part without folding whitespace or controls. */
const QUOTED_LOCAL = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const DOMAIN_LITERAL = /^\[[\x21-\x5a\x5e-\x7e]*\]$/;
/** RFC 5321 §4.5.3.1.3 limits a path to 256 octets, so an address to 254. */
const MAX_ADDRESS_LENGTH = 254;
/** Whitespace runs longer than this go inside encoded words, keeping lines short. */
const MAX_LITERAL_WHITESPACE = 8;
/** Below this room on a line, encoded text that will not fit whole starts on the next line. */
const MIN_SPLIT_ROOM = 40;
/** Longest word left as itself: one that still fits on a continuation line. */
const MAX_LITERAL_WORD = 76;

export function assertFieldName(name: string): void {
  if (!FIELD_NAME.test(name) || name.length > 76) {
    throw new CachetError('input/invalid', `invalid header field name ${JSON.stringify(name.slice(0, 80))}`);
  }
}

/** Validates an addr-spec and returns it unchanged. */
export function checkAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const valid =
    at > 0 &&
    address.length <= MAX_ADDRESS_LENGTH &&
    (DOT_ATOM.test(local) || QUOTED_LOCAL.test(local)) &&
    (DOT_ATOM.test(domain) || DOMAIN_LITERAL.test(domain));
  if (!valid) {
    // Internationalised addresses (RFC 6532) would need 8-bit headers and SMTPUTF8.
    throw new CachetError('input/invalid', `invalid or unsupported e-mail address ${JSON.stringify(address.slice(0, 80))}`);
  }
  return address;
}

/** Writes the encoded words for `text` into the folder, each sized to the room on its line. */
export function foldEncodedText(folder: HeaderFolder, text: string): void {
  const writer = new EncodedWordWriter(text);
  let first = true;
  while (!writer.done) {
    // Adjacent encoded words need whitespace between them, which decoders then drop.
    if (!first) folder.space(' ');
    // Rather than leave a sliver of a word at a line end, start the text on a new line.
    const room = folder.room(true);
    if (room < MIN_SPLIT_ROOM && writer.remainingLength() > room && folder.canFold()) folder.fold();
    let word = writer.next(folder.room(true));
    if (word === null && folder.canFold()) {
      folder.fold();
      word = writer.next(folder.roomAfterFold(true));
    }
    // A line that cannot take even one character (only with a pathological field name):
    // write a short word anyway; the line stays far below 998.
    word ??= writer.next(ENCODED_WORD_OVERHEAD + 12);
    if (word === null) break;
    folder.word(word, true);
    first = false;
  }
}

interface Token {
  readonly text: string;
  readonly space: boolean;
  encode: boolean;
}

function needsEncoding(word: string): boolean {
  // Controls (CR and LF above all, which would inject header lines) and non-ASCII go in
  // encoded words; so does text that a decoder would take for an encoded word.
  return !/^[\x21-\x7e]*$/.test(word) || word.includes('=?') || word.length > MAX_LITERAL_WORD;
}

/**
 * Splits unstructured text into words and whitespace and marks what must be encoded.
 * Whitespace between two encoded words, or at either end, goes inside the encoded words:
 * decoders drop whitespace between adjacent encoded words (RFC 2047 §6.2) and header
 * parsers trim the ends, so only this keeps the text exact.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[ \t]+|[^ \t]+/g)) {
    const piece = match[0];
    const space = piece[0] === ' ' || piece[0] === '\t';
    tokens.push({ text: piece, space, encode: !space && needsEncoding(piece) });
  }
  tokens.forEach((token, index) => {
    if (!token.space) return;
    const atEdge = index === 0 || index === tokens.length - 1;
    if (atEdge || token.text.length > MAX_LITERAL_WHITESPACE) {
      token.encode = true;
      const before = tokens[index - 1];
      const after = tokens[index + 1];
      if (before) before.encode = true;
      if (after) after.encode = true;
    }
  });
  tokens.forEach((token, index) => {
    if (token.space && !token.encode) {
      token.encode = (tokens[index - 1]?.encode ?? false) && (tokens[index + 1]?.encode ?? false);
    }
  });
  return tokens;
}

/** An unstructured field (RFC 5322 §3.2.5), e.g. Subject, with encoded words where needed. */
export function encodeUnstructuredField(name: string, text: string): string {
  assertFieldName(name);
  const folder = new HeaderFolder(name);
  const tokens = tokenize(text);
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    if (token.encode) {
      let run = '';
      while (index < tokens.length && tokens[index]!.encode) run += tokens[index++]!.text;
      foldEncodedText(folder, run);
    } else if (token.space) {
      folder.space(token.text);
      index++;
    } else {
      folder.word(token.text);
      index++;
    }
  }
  return folder.finish();
}

/** Adds a display name as a phrase (RFC 5322 §3.2.5): atoms, a quoted string, or encoded words. */
function foldDisplayName(folder: HeaderFolder, name: string): void {
  const plain = /^[\x20-\x7e]*$/.test(name) && !name.includes('=?');
  const words = name.split(' ');
  if (plain && words.every((word) => ATOM.test(word))) {
    words.forEach((word, index) => {
      if (index > 0) folder.space(' ');
      folder.word(word);
    });
    return;
  }
  if (plain) {
    const escaped = name.replace(/[\\"]/g, (char) => `\\${char}`);
    // Fold only at whitespace strictly inside the quotes; a fold inside a quoted string is
    // folding white space and unfolds back to the same characters (RFC 5322 §3.2.4).
    const pieces = `"${escaped}"`.split(/(?<=[^ ]) +(?=[^ ])/);
    const spaces = `"${escaped}"`.match(/(?<=[^ ]) +(?=[^ ])/g) ?? [];
    if (pieces.every((piece) => piece.length <= MAX_LITERAL_WORD - 2)) {
      pieces.forEach((piece, index) => {
        if (index > 0) folder.space(spaces[index - 1] ?? ' ');
        folder.word(piece);
      });
      return;
    }
  }
  // Non-ASCII, controls or unbreakable length: the whole name in encoded words, so that
  // characters special in a phrase (comma, quote) need no quoting.
  foldEncodedText(folder, name);
}

/** An address list field (From, To, Cc, Reply-To; RFC 5322 §3.4). */
export function encodeAddressField(name: string, mailboxes: readonly Mailbox[]): string {
  assertFieldName(name);
  if (mailboxes.length === 0) throw new CachetError('input/invalid', `${name}: no addresses`);
  const folder = new HeaderFolder(name);
  mailboxes.forEach((mailbox, index) => {
    const address = checkAddress(mailbox.address);
    const last = index === mailboxes.length - 1;
    const separator = last ? '' : ',';
    if (index > 0) folder.space(' ');
    const displayName = mailbox.name ?? '';
    if (displayName.trim() === '') {
      folder.word(address + separator);
      return;
    }
    foldDisplayName(folder, displayName);
    folder.space(' ');
    folder.word(`<${address}>${separator}`);
  });
  return folder.finish();
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC ("+0000"), which reveals no local time zone. */
export function formatDate(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new CachetError('input/invalid', 'invalid date');
  const year = date.getUTCFullYear();
  if (year < 1900 || year > 9999) throw new CachetError('input/invalid', 'date out of range');
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${year} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** A field whose value is already valid ASCII syntax (e.g. Message-ID), folded at spaces. */
export function encodeStructuredField(name: string, value: string): string {
  assertFieldName(name);
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new CachetError('input/invalid', `${name}: value must be printable ASCII`);
  }
  const folder = new HeaderFolder(name);
  value.split(' ').forEach((word, index) => {
    if (index > 0) folder.space(' ');
    if (word !== '') folder.word(word);
  });
  return folder.finish();
}
