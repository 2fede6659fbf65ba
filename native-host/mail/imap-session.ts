/**
 * One short IMAP session (RFC 9051) with imapflow for one operation: connect with TLS
 * verified (implicit, or STARTTLS required so the password never crosses in clear), log
 * in, do the work, log out. Every phase has a limit (mail-timeouts.ts); imapflow's
 * `error` events are caught so a dropped connection can never take the host down.
 */
import { ImapFlow } from 'imapflow';
import { CachetError } from '../../src/errors';
import { MAX_FETCHED_MESSAGE_BYTES } from '../../src/protocol/native';
import { withDeadline } from './deadline';
import { describeServer, mailError, serverLabel } from './mail-errors';
import { mailTlsOptions } from './mail-tls';
import { operationDeadlineMs } from './mail-timeouts';
import type { MailServerAccess } from './server-access';

/** Room above the largest message for the rest of a FETCH response. */
const RESPONSE_SLACK = 1024 * 1024;

function client(access: MailServerAccess): ImapFlow {
  const { host, port, security } = access.server;
  return new ImapFlow({
    host, port,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : undefined,
    auth: { user: access.user, pass: access.password },
    tls: mailTlsOptions(host, access.trustedRoots),
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: access.timeouts.connectMs,
    greetingTimeout: access.timeouts.connectMs,
    socketTimeout: access.timeouts.commandMs,
    // A hostile server must not make the host buffer more than one message's worth.
    maxLiteralSize: MAX_FETCHED_MESSAGE_BYTES + RESPONSE_SLACK,
    maxResponseSize: MAX_FETCHED_MESSAGE_BYTES + 2 * RESPONSE_SLACK,
    maxLineLength: 16 * RESPONSE_SLACK,
  });
}

/**
 * Runs `work` in a logged-in session and logs out. `bytes` is the size of the message the
 * work moves, which extends the operation's last limit.
 */
export async function withImapSession<T>(access: MailServerAccess, bytes: number, work: (imap: ImapFlow) => Promise<T>): Promise<T> {
  const label = serverLabel('IMAP', access.server);
  const imap = client(access);
  imap.on('error', () => undefined);
  try {
    return await withDeadline(
      operationDeadlineMs(access.timeouts, bytes),
      async (signal) => {
        signal.addEventListener('abort', () => imap.close(), { once: true });
        await imap.connect();
        const result = await work(imap);
        await imap.logout().catch(() => undefined);
        return result;
      },
      () => new CachetError('mail/unreachable', `${describeServer(label)} did not finish within the time allowed`),
    );
  } catch (error) {
    throw mailError(error, label);
  } finally {
    imap.close();
  }
}
