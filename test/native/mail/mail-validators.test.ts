/**
 * The mail and account messages of the native protocol are checked on receipt: what could
 * break an SMTP or IMAP command, or make two accounts of one origin, is refused with
 * input/invalid before any connection is made.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MAIL_MESSAGE_BYTES } from '../../../src/protocol/native';
import { validateNativeRequest, validateNativeResponse } from '../../../src/protocol/native-validators';
import { expectCachetError } from '../../support/expect-cachet-error';

const account = {
  origin: 'http://127.0.0.1:8025',
  imap: { host: '127.0.0.1', port: 143, security: 'starttls' },
  smtp: { host: 'mail.example.test', port: 587, security: 'starttls' },
  user: 'alice@example.test',
};

const base64Of = (bytes: number): string => Buffer.alloc(bytes, 0x41).toString('base64');

describe('account/set', () => {
  it('takes an account with both servers', () => {
    expect(validateNativeRequest('account/set', account)).toEqual(account);
    const v6 = { ...account, imap: { host: '::1', port: 993, security: 'tls' } };
    expect(validateNativeRequest('account/set', v6)).toEqual(v6);
  });

  it.each([
    ['an origin with a path', { origin: 'http://127.0.0.1:8025/mail' }],
    ['an origin with a trailing slash', { origin: 'https://mail.example.org/' }],
    ['an origin in upper case', { origin: 'https://Mail.Example.org' }],
    ['an origin of another scheme', { origin: 'chrome-extension://abc' }],
    ['a host with a space', { imap: { host: 'mail example', port: 143, security: 'starttls' } }],
    ['a host with a line break', { smtp: { host: 'mail\r\n.example', port: 587, security: 'starttls' } }],
    ['port 0', { smtp: { host: 'mail.example', port: 0, security: 'starttls' } }],
    ['a plain connection', { smtp: { host: 'mail.example', port: 25, security: 'none' } }],
    ['an empty user', { user: '' }],
    ['a user with a control character', { user: 'alice\u0000' }],
    ['an unknown field', { password: 'secret' }],
  ])('refuses %s', (_, change) => {
    expectCachetError(() => validateNativeRequest('account/set', { ...account, ...change }), 'input/invalid');
  });
});

describe('account/set-password', () => {
  it('takes a password and whether to remember it', () => {
    const req = { origin: account.origin, password: 'pässword with spaces', remember: false };
    expect(validateNativeRequest('account/set-password', req)).toEqual(req);
  });

  it('refuses an empty password and one with NUL, which SASL PLAIN cannot carry', () => {
    expectCachetError(() => validateNativeRequest('account/set-password', { origin: account.origin, password: '', remember: true }), 'input/invalid');
    expectCachetError(() => validateNativeRequest('account/set-password', { origin: account.origin, password: 'a\u0000b', remember: true }), 'input/invalid');
  });
});

describe('mail/send', () => {
  const send = {
    origin: account.origin, message: base64Of(100),
    envelope: { from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test'] }, saveToSent: true,
  };

  it('takes a message of 25 MiB and refuses one byte more', () => {
    expect(validateNativeRequest('mail/send', { ...send, message: base64Of(MAX_MAIL_MESSAGE_BYTES) }).message.length).toBe(Math.ceil(MAX_MAIL_MESSAGE_BYTES / 3) * 4);
    expectCachetError(() => validateNativeRequest('mail/send', { ...send, message: base64Of(MAX_MAIL_MESSAGE_BYTES + 1) }), 'input/invalid');
  });

  it('refuses base64 that is not standard and padded', () => {
    for (const message of ['QUJD\nREVG', 'QUJDRA', 'QUJD-_==', 'QU===', '']) {
      expectCachetError(() => validateNativeRequest('mail/send', { ...send, message }), 'input/invalid');
    }
  });

  it.each([
    ['a recipient carrying another SMTP command', { to: ['bob@example.test>\r\nRCPT TO:<eve@example.test'] }],
    ['a recipient in angle brackets', { to: ['<bob@example.test>'] }],
    ['a recipient with a display name', { to: ['Bob <bob@example.test>'] }],
    ['no recipient', { to: [] }],
    ['a sender without a domain', { from: 'alice' }],
  ])('refuses %s', (_, change) => {
    expectCachetError(() => validateNativeRequest('mail/send', { ...send, envelope: { ...send.envelope, ...change } }), 'input/invalid');
  });
});

describe('mail/fetch', () => {
  it('takes a UID or a Message-ID, each with an optional mailbox', () => {
    expect(validateNativeRequest('mail/fetch', { origin: account.origin, uid: 7 })).toEqual({ origin: account.origin, uid: 7 });
    const byId = { origin: account.origin, mailbox: 'Archive/2025', messageId: '<abc.123@example.test>' };
    expect(validateNativeRequest('mail/fetch', byId)).toEqual(byId);
  });

  it.each([
    ['both a UID and a Message-ID', { uid: 1, messageId: '<a@b>' }],
    ['neither', {}],
    ['UID 0', { uid: 0 }],
    ['a UID beyond 32 bits', { uid: 2 ** 32 }],
    ['a Message-ID without brackets', { messageId: 'a@b' }],
    ['a Message-ID with a space', { messageId: '<a b@c>' }],
    ['a Message-ID with a quote that would end the IMAP string', { messageId: '<a"@b>' }],
    ['a mailbox with a line break', { uid: 1, mailbox: 'INBOX\r\nA1 DELETE INBOX' }],
  ])('refuses %s', (_, change) => {
    expectCachetError(() => validateNativeRequest('mail/fetch', { origin: account.origin, ...change }), 'input/invalid');
  });
});

describe('responses', () => {
  it('checks what the host answers to mail/send and account/list', () => {
    const res = { accepted: ['bob@example.test'], rejected: [{ address: 'x@elsewhere.test', reason: '554 5.7.1 Relay access denied' }], savedToSent: false, saveToSentError: { code: 'mail/not-found', message: 'no Sent mailbox' }, messageId: '<a@b>' };
    expect(validateNativeResponse('mail/send', res)).toEqual(res);
    expectCachetError(() => validateNativeResponse('account/list', { accounts: [{ ...account, password: 'hunter2' }] }), 'input/invalid');
    expect(validateNativeResponse('account/list', { accounts: [{ ...account, password: 'remembered' }] }).accounts).toHaveLength(1);
  });
});
