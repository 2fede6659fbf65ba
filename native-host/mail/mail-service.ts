/**
 * Sending and fetching mail for an account: the one implementation behind the host's
 * `mail/*` requests and the `cachet send` and `cachet fetch` commands. A send submits over
 * SMTP, then (when asked) keeps a copy in Sent over IMAP; once the server has taken the
 * message, a failed copy is reported beside the result and never as a failed send, which
 * would invite sending it twice.
 */
import { isCachetError } from '../../src/errors';
import type { MailServerSettings, NativeRes } from '../../src/protocol/native';
import { fetchByMessageId, fetchByUid, type FetchedMessage } from './imap-fetch-message';
import { withImapSession } from './imap-session';
import { appendToSent } from './imap-sent-folder';
import { MailAccounts, type MailCredentials } from './mail-accounts';
import { mailError, serverLabel } from './mail-errors';
import { readTrustedCertificates } from './mail-tls';
import { DEFAULT_MAIL_TIMEOUTS, type MailTimeouts } from './mail-timeouts';
import { readMessageId } from './message-addresses';
import type { MailServerAccess } from './server-access';
import { checkSmtpLogin, submitMessage } from './smtp-submission';

export interface MailServiceOptions {
  /** The key store's directory, where the accounts file lives. */
  readonly dir: string;
  /** PEM files of extra trusted CAs (host configuration `mailTrustedCertificates`). */
  readonly trustedCertificateFiles: readonly string[];
  readonly timeouts?: MailTimeouts;
}

export type FetchTarget =
  | { readonly mailbox?: string; readonly uid: number }
  | { readonly mailbox?: string; readonly messageId: string };

export type SendResult = NativeRes<'mail/send'>;

export class MailService {
  readonly accounts: MailAccounts;
  readonly #options: MailServiceOptions;

  constructor(options: MailServiceOptions) {
    this.#options = options;
    this.accounts = new MailAccounts(options.dir);
  }

  #access(server: MailServerSettings, credentials: MailCredentials): MailServerAccess {
    return {
      server, user: credentials.account.user, password: credentials.password,
      // Read at each use, so a wrong file is reported where it matters, as mail/tls.
      trustedRoots: readTrustedCertificates(this.#options.trustedCertificateFiles),
      timeouts: this.#options.timeouts ?? DEFAULT_MAIL_TIMEOUTS,
    };
  }

  /** `password`, when given, is used for this send only (the command line's password file). */
  async send(origin: string, message: Uint8Array, envelope: { from: string; to: readonly string[] }, saveToSent: boolean, password?: string): Promise<SendResult> {
    const credentials = this.accounts.credentials(origin, password);
    const { smtp, imap } = credentials.account;
    const submitted = await submitMessage(this.#access(smtp, credentials), message, envelope.from, envelope.to);
    const messageId = readMessageId(message);
    const result = { ...submitted, ...(messageId === undefined ? {} : { messageId }) };
    if (!saveToSent) return { ...result, savedToSent: false };
    try {
      await withImapSession(this.#access(imap, credentials), message.length, (session) => appendToSent(session, message));
      return { ...result, savedToSent: true };
    } catch (error) {
      const typed = isCachetError(error) ? error : mailError(error, serverLabel('IMAP', imap));
      return { ...result, savedToSent: false, saveToSentError: { code: typed.code, message: typed.message } };
    }
  }

  async fetch(origin: string, target: FetchTarget, password?: string): Promise<FetchedMessage> {
    const credentials = this.accounts.credentials(origin, password);
    const mailbox = target.mailbox ?? 'INBOX';
    return withImapSession(this.#access(credentials.account.imap, credentials), 0, (session) =>
      'uid' in target ? fetchByUid(session, mailbox, target.uid) : fetchByMessageId(session, mailbox, target.messageId));
  }

  /** Logs in to both servers with `password` without keeping it. */
  async checkLogin(origin: string, password: string): Promise<void> {
    const credentials = this.accounts.credentials(origin, password);
    const { account } = credentials;
    await checkSmtpLogin(this.#access(account.smtp, credentials));
    await withImapSession(this.#access(account.imap, credentials), 0, () => Promise.resolve());
  }
}
