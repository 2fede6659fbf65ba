/**
 * Who a received message says wrote it, for holding a signer against (B13). The rules
 * close the identity attacks of Müller et al., "Johnny, You Are Fired" (USENIX Security
 * 2019): a signer can only be "the sender" when the message names exactly one author.
 *
 * - Exactly one From field with exactly one mailbox; several From fields, several
 *   mailboxes in one, or a group, name no single author, so no signer matches them.
 * - The Sender field never stands in for the author: it names who transmitted the
 *   message, and a message without a From has no author to match.
 * - The display name is text, never an address: `"alice@bank.example" <eve@evil.example>`
 *   is from eve, and the display name is flagged as holding another address so that the
 *   reader can say so.
 */
import { decodeEncodedWords } from '../mime/encoded-words';
import { parseMailbox, splitAddressList } from '../mime/mailbox-list';
import { headerValues } from '../mime/part-access';
import type { MimePart } from '../mime/types';

export type MessageAuthor =
  | {
      readonly kind: 'mailbox';
      readonly address: string;
      /** The display name with its encoded words decoded; '' when there is none. */
      readonly name: string;
      /** The display name holds an address that is not `address`. */
      readonly nameHoldsOtherAddress: boolean;
    }
  | { readonly kind: 'none' | 'ambiguous'; readonly problem: string };

/** Longer than any real From field; longer text is not parsed, only refused. */
const MAX_FROM_LENGTH = 8 * 1024;

/** Text with RFC 5322 §3.2.2 comments removed (outside quoted strings), or undefined when unbalanced. */
function withoutComments(value: string): string | undefined {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
      continue;
    }
    if (depth === 0 && char === '"') quoted = !quoted;
    if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') {
      if (depth === 0) return undefined;
      depth--;
      continue;
    }
    if (depth === 0) out += char;
  }
  return depth === 0 && !quoted ? out : undefined;
}

/** A `:` outside quotes and angle brackets starts an RFC 5322 §3.4 group. */
function isGroup(value: string): boolean {
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && quoted) i++;
    else if (char === '"' && !angle) quoted = !quoted;
    else if (!quoted && char === '<') angle = true;
    else if (!quoted && char === '>') angle = false;
    else if (!quoted && !angle && char === ':') return true;
  }
  return false;
}

const ADDRESS_IN_TEXT = /[^\s<>"'@,;:()]+@[^\s<>"'@,;:()]+\.[^\s<>"'@,;:()]+/g;

function holdsOtherAddress(name: string, address: string): boolean {
  return [...name.matchAll(ADDRESS_IN_TEXT)].some(([found]) => found.toLowerCase() !== address.toLowerCase());
}

/** The author named by one From field value. */
export function authorOfFrom(value: string): MessageAuthor {
  if (value.length > MAX_FROM_LENGTH) return { kind: 'ambiguous', problem: 'the From field is too long to read' };
  const text = withoutComments(value);
  if (text === undefined) return { kind: 'ambiguous', problem: 'the From field cannot be read' };
  if (isGroup(text)) return { kind: 'ambiguous', problem: 'the From field names a group, not one sender' };
  let entries: string[];
  try {
    entries = splitAddressList(text);
  } catch {
    return { kind: 'ambiguous', problem: 'the From field cannot be read' };
  }
  if (entries.length === 0) return { kind: 'none', problem: 'the From field names no sender' };
  if (entries.length > 1) return { kind: 'ambiguous', problem: `the From field names ${entries.length} senders` };
  try {
    const mailbox = parseMailbox(entries[0] as string);
    const name = decodeEncodedWords(mailbox.name ?? '');
    return { kind: 'mailbox', address: mailbox.address, name, nameHoldsOtherAddress: holdsOtherAddress(name, mailbox.address) };
  } catch {
    return { kind: 'ambiguous', problem: 'the From field holds no readable address' };
  }
}

/** The author of a message, from its header fields as received. */
export function messageAuthor(message: MimePart): MessageAuthor {
  const fields = headerValues(message, 'from');
  if (fields.length === 0) return { kind: 'none', problem: 'the message has no From field' };
  if (fields.length > 1) return { kind: 'ambiguous', problem: `the message has ${fields.length} From fields` };
  return authorOfFrom(fields[0] as string);
}

/** The author's address, when the message names exactly one. */
export function authorAddress(author: MessageAuthor): string | undefined {
  return author.kind === 'mailbox' ? author.address : undefined;
}
