/**
 * What nodemailer, imapflow and Node throw becomes a typed mail error, with the server's
 * reply cleaned for people; nothing unrecognised becomes an internal error.
 */
import { describe, expect, it } from 'vitest';
import { CachetError } from '../../../src/errors';
import { cleanReply, mailError } from '../../../native-host/mail/mail-errors';

const smtp = { protocol: 'SMTP', host: 'mail.example.test', port: 587 } as const;
const imap = { protocol: 'IMAP', host: '::1', port: 993 } as const;

const thrown = (fields: Record<string, unknown>, message = 'failed'): Error => Object.assign(new Error(message), fields);

describe('mail error mapping', () => {
  it.each([
    ['nodemailer refused login', thrown({ code: 'EAUTH', response: '535 5.7.8 Error: authentication failed', responseCode: 535 }), 'mail/auth-failed', /535 5\.7\.8/],
    ['imapflow refused login', thrown({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' }), 'mail/auth-failed', /Authentication failed/],
    ['552 at DATA', thrown({ code: 'EMESSAGE', response: '552 5.3.4 Message size exceeds fixed limit', responseCode: 552 }), 'mail/too-large', /exceeds fixed limit/],
    ['the SIZE announced before sending', thrown({ code: 'EMESSAGE' }, 'Message size larger than allowed 10240000'), 'mail/too-large', /larger than allowed/],
    ['APPEND over the server limit', thrown({ serverResponseCode: 'TOOBIG', responseText: 'Message too big' }), 'mail/too-large', /too big/],
    ['a socket error kept inside nodemailer', thrown({ code: 'ESOCKET', originalCode: 'ECONNRESET' }, 'read ECONNRESET'), 'mail/unreachable', /ECONNRESET/],
    ['a certificate problem kept inside nodemailer', thrown({ code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }, 'certificate has expired'), 'mail/tls', /expired \(CERT_HAS_EXPIRED\)/],
    ['a certificate problem inside imapflow', thrown({ code: 'NoConnection', _err: thrown({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'unable to verify the first certificate') }), 'mail/tls', /first certificate/],
    ['a missing mailbox', thrown({ mailboxMissing: true, responseText: 'Mailbox does not exist' }), 'mail/not-found', /does not exist/],
    ['anything else', thrown({ code: 'EPROTOCOL', response: '421 4.3.2 Service shutting down' }), 'mail/server-error', /421/],
    ['not even an Error', 'a string', 'mail/server-error', /a string|failed/],
  ])('%s', (_, error, code, text) => {
    const typed = mailError(error, code === 'mail/not-found' ? imap : smtp);
    expect(typed.code).toBe(code);
    expect(typed.message).toMatch(text);
  });

  it('names the server, with IPv6 addresses in brackets', () => {
    expect(mailError(thrown({ code: 'ECONNREFUSED' }), imap).message).toMatch(/^IMAP server \[::1\]:993 cannot be reached: nothing answers on that port \(ECONNREFUSED\); check the server and port of the mail account/);
  });

  it('passes a typed error through unchanged', () => {
    const original = new CachetError('mail/not-found', 'no Sent mailbox');
    expect(mailError(original, imap)).toBe(original);
  });

  it('shows a hostile reply as one short printable line', () => {
    const reply = cleanReply(`550 no\r\n\u001b[31mred\u0000${'x'.repeat(1000)}`);
    expect(reply).toMatch(/^550 no \[31mred x+…$/);
    expect(reply.length).toBeLessThanOrEqual(301);
  });
});
