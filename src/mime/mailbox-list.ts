/**
 * Mailboxes as people type them into compose: `a@b`, `<a@b>`, `Name <a@b>` or
 * `"Last, First" <a@b>`, separated by commas (RFC 5322 §3.4 address-list), semicolons
 * (what Outlook users type) or line breaks. Groups, comments and the obsolete syntax of
 * RFC 5322 §4.4 are not accepted: compose never needs them, and each is a place where
 * two parsers disagree about who a message goes to.
 */
import { CachetError } from '../errors';
import { checkAddress, type Mailbox } from './encode-header';

/** A compose field holds a few hundred addresses at most; more text is abuse. */
const MAX_LIST_LENGTH = 256 * 1024;
/** RFC 5322 §2.1.1: a display name never needs to be longer than a line. */
const MAX_NAME_LENGTH = 998;

/**
 * Splits a typed list at separators outside quoted strings and angle brackets, so
 * `"Doe, Jane" <jane@example.org>` stays one entry. Empty entries are dropped.
 */
export function splitAddressList(text: string): string[] {
  if (text.length > MAX_LIST_LENGTH) throw new CachetError('input/invalid', 'the address list is too long');
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + (text[++i] as string);
      continue;
    }
    if (char === '"' && !angle) quoted = !quoted;
    else if (char === '<' && !quoted) angle = true;
    else if (char === '>' && !quoted) angle = false;
    else if (!quoted && !angle && (char === ',' || char === ';' || char === '\n' || char === '\r')) {
      if (current.trim() !== '') entries.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim() !== '') entries.push(current.trim());
  return entries;
}

/** RFC 5322 §3.2.4 quoted-string content with its quoted-pairs undone. */
function unquote(name: string): string {
  if (name.length < 2 || !name.startsWith('"') || !name.endsWith('"')) return name;
  return name.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * One mailbox. The address must be a plain addr-spec (`checkAddress`); the display name
 * may be any text without control characters, which the header encoder writes as encoded
 * words where needed (RFC 2047), so nothing typed here can add a header field.
 */
export function parseMailbox(text: string): Mailbox {
  const trimmed = text.trim();
  const open = trimmed.lastIndexOf('<');
  if (open === -1 || !trimmed.endsWith('>')) return { address: checkAddress(trimmed) };
  const address = checkAddress(trimmed.slice(open + 1, -1).trim());
  const name = unquote(trimmed.slice(0, open).trim());
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (name.length > MAX_NAME_LENGTH || /[\x00-\x1f\x7f]/.test(name)) {
    throw new CachetError('input/invalid', `the name given for ${address} has control characters or is too long`);
  }
  return name === '' ? { address } : { name, address };
}
