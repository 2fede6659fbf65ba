/**
 * What the API transports read from the message Cachet built, without re-serialising it:
 * the top-level header fields. The Gmail API and Graph take their recipients from the
 * message's To, Cc and Bcc fields rather than from an envelope, and Gmail keeps a reply
 * in its conversation only when told the conversation; both follow from these fields.
 */
import { parseHeaderBlock } from '../../src/mime/header-fields';
import { splitAddressList } from '../../src/mime/mailbox-list';
import type { HeaderField } from '../../src/mime/types';
import type { Envelope } from './transport';

/** The composer writes a few dozen fields; a flood is not Cachet's message. */
const maxTopFields = 10_000;

export function topHeaderFields(message: Uint8Array): readonly HeaderField[] {
  return parseHeaderBlock(message, 0, message.length, maxTopFields).fields;
}

function valuesOf(fields: readonly HeaderField[], name: string): string[] {
  return fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
}

/** Lower-cased addr-specs of the named address fields: `<a@b>` or a bare `a@b`. */
export function headerAddresses(fields: readonly HeaderField[], names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    for (const value of valuesOf(fields, name)) {
      for (const entry of splitAddressList(value)) {
        const angle = /<([^<>]*)>\s*$/.exec(entry);
        out.add((angle?.[1] ?? entry).trim().toLowerCase());
      }
    }
  }
  return out;
}

/**
 * The message with a Bcc field naming the envelope's recipients that its To and Cc do
 * not, for services that deliver to the message's own recipient fields. They take Bcc
 * out of what recipients get (the Gmail API, Graph); the S/MIME layers, under the top
 * header, are not touched.
 */
export function withBlindRecipients(message: Uint8Array, envelope: Envelope): Uint8Array {
  const fields = topHeaderFields(message);
  const shown = headerAddresses(fields, ['to', 'cc', 'bcc']);
  const blind = envelope.to.filter((address) => !shown.has(address.toLowerCase()));
  if (blind.length === 0) return message;
  // RFC 5322 §2.1.1: lines of at most 78 characters where possible, folded between addresses.
  const lines: string[] = [];
  let line = 'Bcc:';
  for (const [i, address] of blind.entries()) {
    const piece = ` ${address}${i < blind.length - 1 ? ',' : ''}`;
    if (line.length + piece.length > 78 && line !== 'Bcc:') {
      lines.push(line);
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  const field = new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
  const out = new Uint8Array(field.length + message.length);
  out.set(field, 0);
  out.set(message, field.length);
  return out;
}

/** The msg-ids a reply refers to, nearest first: In-Reply-To, then References from the end (RFC 5322 §3.6.4). */
export function repliedMessageIds(fields: readonly HeaderField[]): string[] {
  const ids = (text: string) => [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] as string);
  const out: string[] = [];
  for (const value of valuesOf(fields, 'in-reply-to')) out.push(...ids(value));
  for (const value of valuesOf(fields, 'references')) out.push(...ids(value).reverse());
  return [...new Set(out)];
}

/** A Message-ID as the transports search for it: without angle brackets, or undefined when it cannot be one. */
export function bareMessageId(messageId: string): string | undefined {
  const bare = messageId.trim().replace(/^<(.*)>$/, '$1');
  return /^[^<>\s"\\]{1,998}$/.test(bare) && bare.includes('@') ? bare : undefined;
}
