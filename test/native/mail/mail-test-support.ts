/** Messages for the mail tests, how to compare what a server delivers with what was sent, and failures. */
import { isCachetError } from '../../../src/errors';
import { MAIL_ACCOUNTS, type MailUser } from '../../support/mail-system';

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/**
 * A message as Cachet would submit it: CRLF line ends, a fresh Message-ID, and lines that
 * SMTP must carry unchanged (one starting with a dot, trailing spaces). `bodyBytes` pads
 * the body with base64 lines up to about that size.
 */
export function testMessage(from: MailUser, to: readonly MailUser[], subject: string, bodyBytes = 0): { message: Uint8Array; messageId: string } {
  const messageId = `<cachet.${Date.now()}.${Math.random().toString(36).slice(2)}@example.test>`;
  const header = [
    `From: ${MAIL_ACCOUNTS[from].address}`,
    `To: ${to.map((u) => MAIL_ACCOUNTS[u].address).join(', ')}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
  ].join('\r\n');
  const lines = ['Hello,', '.a line that starts with a dot', '..and one with two', 'trailing spaces   ', '', '-- ', 'alice'];
  const line = `${'QUJD'.repeat(19)}\r\n`;
  const padding = bodyBytes > 0 ? line.repeat(Math.max(0, Math.floor((bodyBytes - header.length - 200) / line.length))) : '';
  return { message: Buffer.from(`${header}\r\n\r\n${lines.join('\r\n')}\r\n${padding}`, 'latin1'), messageId };
}

function split(message: Uint8Array): number {
  const at = Buffer.from(message).indexOf(CRLF_CRLF);
  if (at < 0) throw new Error('message without a blank line');
  return at;
}

/** The header fields, each with its CRLF. */
export function headerOf(message: Uint8Array): Uint8Array {
  return message.subarray(0, split(message) + 2);
}

/** Everything after the first blank line. */
export function bodyOf(message: Uint8Array): Uint8Array {
  return message.subarray(split(message) + 4);
}

export function includesBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

/** Delivery runs after submission: asks again while the message is not there yet. */
export async function waitForMessage<T>(fetch: () => Promise<T>, seconds = 20): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await fetch();
    } catch (error) {
      if (!isCachetError(error) || error.code !== 'mail/not-found' || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Runs `work`, which must fail with a CachetError: its code and message, and how long it took. */
export async function failure(work: () => Promise<unknown>): Promise<{ code: string; message: string; ms: number }> {
  const start = Date.now();
  try {
    await work();
  } catch (error) {
    if (!isCachetError(error)) throw error;
    return { code: error.code, message: error.message, ms: Date.now() - start };
  }
  throw new Error('expected a failure');
}
