/**
 * How a finished message reaches the mail server and how a raw message is had when the
 * webmail offers no raw source (DESIGN.md, Layout: background/transports/). The composer
 * and the reader know this interface only, never which webmail or API stands behind it.
 */
import type { SendResult } from '../../src/protocol/runtime';

export interface Envelope {
  /** The return path: the From address. */
  readonly from: string;
  /** Every To, Cc and Bcc address; Bcc appears nowhere in the message itself. */
  readonly to: readonly string[];
}

export interface MailTransport {
  /** Submits the message byte for byte and keeps a copy in the account's Sent folder. */
  submit(site: string, message: Uint8Array, envelope: Envelope): Promise<SendResult>;
  /** The raw message with this Message-ID, for webmails that offer no raw source. */
  fetchByMessageId(site: string, messageId: string): Promise<Uint8Array>;
  /**
   * The raw message the webmail's API names `id` (a Gmail message id, a Microsoft Graph
   * message id, a JMAP Email id), as the site's adapter read it from the page. Transports
   * without such ids (IMAP) leave it out.
   */
  fetchByProviderId?(site: string, id: string): Promise<Uint8Array>;
}
