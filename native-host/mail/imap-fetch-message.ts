/**
 * Reading one raw message over IMAP, by UID or by Message-ID, for webmails that offer no
 * raw source. The mailbox is opened read-only (EXAMINE, RFC 9051 §6.3.3) and the body is
 * fetched with BODY.PEEK[], so reading through Cachet does not mark the message as seen.
 */
import type { ImapFlow } from 'imapflow';
import { CachetError } from '../../src/errors';
import { MAX_FETCHED_MESSAGE_BYTES } from '../../src/protocol/native';
import { readMessageId } from './message-addresses';

export interface FetchedMessage {
  readonly message: Uint8Array;
  readonly mailbox: string;
  readonly uid: number;
}

async function fetchUid(imap: ImapFlow, mailbox: string, uid: number): Promise<FetchedMessage | undefined> {
  // The size first, so a message larger than the host passes on is refused before it is read.
  const head = await imap.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
  if (head === false || head.uid !== uid) return undefined;
  if ((head.size ?? 0) > MAX_FETCHED_MESSAGE_BYTES) {
    throw new CachetError('mail/too-large', `message ${uid} in ${mailbox} has ${head.size ?? 0} bytes; Cachet reads at most ${MAX_FETCHED_MESSAGE_BYTES}`);
  }
  const full = await imap.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  if (full === false || full.uid !== uid || !full.source) return undefined;
  return { message: new Uint8Array(full.source.buffer, full.source.byteOffset, full.source.byteLength), mailbox, uid };
}

export async function fetchByUid(imap: ImapFlow, mailbox: string, uid: number): Promise<FetchedMessage> {
  await imap.mailboxOpen(mailbox, { readOnly: true });
  const found = await fetchUid(imap, mailbox, uid);
  if (!found) throw new CachetError('mail/not-found', `no message with UID ${uid} in ${mailbox}`);
  return found;
}

/**
 * SEARCH HEADER matches substrings (RFC 9051 §6.4.4), so each candidate's Message-ID field
 * is compared in full; of several copies the newest (highest UID) is taken.
 */
export async function fetchByMessageId(imap: ImapFlow, mailbox: string, messageId: string): Promise<FetchedMessage> {
  await imap.mailboxOpen(mailbox, { readOnly: true });
  const uids = await imap.search({ header: { 'message-id': messageId } }, { uid: true });
  const candidates = (Array.isArray(uids) ? uids : []).filter((u) => Number.isSafeInteger(u) && u > 0).sort((a, b) => b - a).slice(0, 20);
  for (const uid of candidates) {
    const found = await fetchUid(imap, mailbox, uid);
    if (found && readMessageId(found.message) === messageId) return found;
  }
  throw new CachetError('mail/not-found', `no message with Message-ID ${messageId} in ${mailbox}`);
}
