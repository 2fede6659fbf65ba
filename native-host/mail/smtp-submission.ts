/**
 * SMTP submission (RFC 6409) of a message exactly as Cachet built it: nodemailer gets the
 * octets as `raw` and the envelope separately, so it neither re-encodes the message nor
 * takes recipients from its header (Bcc is not in the header). Each refused recipient is
 * reported with the server's reply; only when every one is refused does the send fail.
 */
import { createTransport } from 'nodemailer';
import { CachetError } from '../../src/errors';
import type { RefusedRecipient } from '../../src/protocol/native';
import { withDeadline } from './deadline';
import { cleanReply, describeServer, mailError, serverLabel } from './mail-errors';
import { mailTlsOptions } from './mail-tls';
import { operationDeadlineMs } from './mail-timeouts';
import type { MailServerAccess } from './server-access';

export interface SubmissionResult {
  readonly accepted: readonly string[];
  readonly rejected: readonly RefusedRecipient[];
}

interface RecipientError {
  readonly recipient?: unknown;
  readonly response?: unknown;
  readonly message?: unknown;
}

function refused(errors: unknown, rejected: readonly string[]): RefusedRecipient[] {
  const list = Array.isArray(errors) ? (errors as RecipientError[]) : [];
  return rejected.map((address) => {
    const e = list.find((r) => r.recipient === address);
    const reply = typeof e?.response === 'string' ? e.response : typeof e?.message === 'string' ? e.message : 'refused';
    return { address, reason: cleanReply(reply) };
  });
}

function transport(s: MailServerAccess) {
  const { host, port, security } = s.server;
  return createTransport({
    host, port,
    secure: security === 'tls',
    // STARTTLS or nothing: the password never crosses in clear.
    requireTLS: security === 'starttls',
    auth: { user: s.user, pass: s.password },
    tls: mailTlsOptions(host, s.trustedRoots),
    connectionTimeout: s.timeouts.connectMs,
    greetingTimeout: s.timeouts.connectMs,
    dnsTimeout: s.timeouts.connectMs,
    socketTimeout: s.timeouts.commandMs,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** Connects, starts TLS and logs in, then quits: whether the settings and password work. */
export async function checkSmtpLogin(s: MailServerAccess): Promise<void> {
  const label = serverLabel('SMTP', s.server);
  const mailer = transport(s);
  try {
    await withDeadline(
      operationDeadlineMs(s.timeouts, 0),
      () => mailer.verify(),
      () => new CachetError('mail/unreachable', `${describeServer(label)} did not finish within the time allowed`),
    );
  } catch (error) {
    throw mailError(error, label);
  } finally {
    mailer.close();
  }
}

export async function submitMessage(s: MailServerAccess, message: Uint8Array, from: string, to: readonly string[]): Promise<SubmissionResult> {
  const label = serverLabel('SMTP', s.server);
  const mailer = transport(s);
  try {
    const info = await withDeadline(
      operationDeadlineMs(s.timeouts, message.length),
      (signal) => mailer.sendMail({ envelope: { from, to: [...to] }, raw: Buffer.from(message.buffer, message.byteOffset, message.byteLength), signal }),
      () => new CachetError('mail/unreachable', `${describeServer(label)} did not finish within the time allowed`),
    );
    const rejected = info.rejected.map(String);
    return { accepted: info.accepted.map(String), rejected: refused(info.rejectedErrors, rejected) };
  } catch (error) {
    const e = error as { code?: unknown; rejected?: unknown; rejectedErrors?: unknown };
    if (e.code === 'EENVELOPE' && Array.isArray(e.rejected) && e.rejected.length > 0) {
      const list = refused(e.rejectedErrors, e.rejected.map(String));
      throw new CachetError('mail/recipients-refused', `${describeServer(label)} refused every recipient: ${list.map((r) => `${r.address} (${r.reason})`).join('; ')}`);
    }
    throw mailError(error, label);
  } finally {
    mailer.close();
  }
}
