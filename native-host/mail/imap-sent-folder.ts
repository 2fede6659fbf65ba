/**
 * Keeping a copy of a sent message: APPEND (RFC 9051 §6.3.12) to the mailbox the server
 * marks \Sent (SPECIAL-USE, RFC 6154), or else to one named Sent, flagged \Seen so the
 * user's own message does not show as unread.
 */
import type { ImapFlow, ListResponse } from 'imapflow';
import { CachetError } from '../../src/errors';

/** The mailbox to keep sent mail in, or undefined when the server has none. */
export function findSentMailbox(mailboxes: readonly ListResponse[]): string | undefined {
  const selectable = mailboxes.filter((m) => ![...m.flags].some((f) => f.toLowerCase() === '\\noselect'));
  // Only the server's own mark counts: imapflow also guesses from localised names.
  const marked = selectable.find((m) => m.specialUse === '\\Sent' && m.specialUseSource === 'extension');
  if (marked) return marked.path;
  const named = selectable.filter((m) => m.name === 'Sent').sort((a, b) => a.path.length - b.path.length);
  return named[0]?.path;
}

/** Appends `message` to the Sent mailbox; returns the mailbox's name. */
export async function appendToSent(imap: ImapFlow, message: Uint8Array): Promise<string> {
  const mailbox = findSentMailbox(await imap.list());
  if (mailbox === undefined) throw new CachetError('mail/not-found', 'the IMAP server has no Sent mailbox (none marked \\Sent, none named Sent)');
  const appended = await imap.append(mailbox, Buffer.from(message.buffer, message.byteOffset, message.byteLength), ['\\Seen']);
  if (appended === false) throw new CachetError('mail/server-error', `the IMAP server did not store the message in ${mailbox}`);
  return mailbox;
}
