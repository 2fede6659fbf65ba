/**
 * Sending and fetching with the real loopback mail system (Postfix submission, Dovecot
 * IMAP; test/support/mail-system.ts): alice sends to bob and carol and the message arrives
 * as sent, a copy lands in her Sent mailbox flagged \Seen, a recipient the server will not
 * relay is reported while the others get the message, and wrong passwords, closed ports and
 * an untrusted CA give their typed errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailAccountSettings } from '../../../src/protocol/native';
import { withImapSession } from '../../../native-host/mail/imap-session';
import type { MailServerAccess } from '../../../native-host/mail/server-access';
import { readTrustedCertificates } from '../../../native-host/mail/mail-tls';
import { DEFAULT_MAIL_TIMEOUTS } from '../../../native-host/mail/mail-timeouts';
import { MailService } from '../../../native-host/mail/mail-service';
import { IMAP_PORT, MAIL_ACCOUNTS, MAIL_CA_PATH, MAIL_HOST, SUBMISSION_PORT, type MailUser } from '../../support/mail-system';
import { bodyOf, failure, headerOf, includesBytes, testMessage, waitForMessage } from './mail-test-support';

let dir: string;
let closedPort: number;

function settings(user: MailUser, smtpPort = SUBMISSION_PORT): MailAccountSettings {
  return {
    origin: `http://${user}.webmail.test`,
    imap: { host: MAIL_HOST, port: IMAP_PORT, security: 'starttls' },
    smtp: { host: MAIL_HOST, port: smtpPort, security: 'starttls' },
    user: MAIL_ACCOUNTS[user].address,
  };
}

/** A mail service as the host builds it, trusting the test CA, with `user`'s password known. */
function serviceFor(user: MailUser, options: { trusted?: boolean; password?: string; smtpPort?: number } = {}): MailService {
  const mail = new MailService({
    dir: path.join(dir, 'keys'),
    trustedCertificateFiles: options.trusted === false ? [] : [MAIL_CA_PATH],
    timeouts: { ...DEFAULT_MAIL_TIMEOUTS, connectMs: 3000 },
  });
  const account = settings(user, options.smtpPort);
  mail.accounts.set(account);
  mail.accounts.setPassword(account.origin, options.password ?? MAIL_ACCOUNTS[user].password, false);
  return mail;
}

/** For looking at what the host's requests do not return (flags). */
function imapAccess(user: MailUser): MailServerAccess {
  return {
    server: settings(user).imap, user: MAIL_ACCOUNTS[user].address, password: MAIL_ACCOUNTS[user].password,
    trustedRoots: readTrustedCertificates([MAIL_CA_PATH]), timeouts: DEFAULT_MAIL_TIMEOUTS,
  };
}


beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-real-'));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, MAIL_HOST, resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mail through Postfix and Dovecot', () => {
  it('delivers alice\'s message to bob and carol as sent, reports the refused recipient, keeps a \\Seen copy in Sent', async () => {
    const alice = serviceFor('alice');
    const { message, messageId } = testMessage('alice', ['bob', 'carol'], 'Delivered as sent');
    const result = await alice.send(settings('alice').origin, message,
      { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address, MAIL_ACCOUNTS.carol.address, 'nobody@elsewhere.test'] }, true);
    expect(result.accepted).toEqual([MAIL_ACCOUNTS.bob.address, MAIL_ACCOUNTS.carol.address]);
    expect(result.rejected).toEqual([{ address: 'nobody@elsewhere.test', reason: expect.stringMatching(/^554 5\.7\.1 .*Relay access denied/) as unknown }]);
    expect(result).toMatchObject({ savedToSent: true, messageId });

    for (const user of ['bob', 'carol'] as const) {
      const mail = serviceFor(user);
      const delivered = await waitForMessage(() => mail.fetch(settings(user).origin, { messageId }));
      // Postfix and Dovecot add Return-Path, Delivered-To and Received above the header; the rest is ours.
      expect(Buffer.from(bodyOf(delivered.message)).equals(Buffer.from(bodyOf(message)))).toBe(true);
      expect(includesBytes(headerOf(delivered.message), headerOf(message))).toBe(true);
      const byUid = await mail.fetch(settings(user).origin, { mailbox: 'INBOX', uid: delivered.uid });
      expect(Buffer.from(byUid.message).equals(Buffer.from(delivered.message))).toBe(true);
    }

    const sent = await alice.fetch(settings('alice').origin, { mailbox: 'Sent', messageId });
    expect(Buffer.from(sent.message).equals(Buffer.from(message))).toBe(true);
    const flags = await withImapSession(imapAccess('alice'), 0, async (imap) => {
      await imap.mailboxOpen('Sent', { readOnly: true });
      const found = await imap.fetchOne(String(sent.uid), { flags: true }, { uid: true });
      return found === false ? [] : [...(found.flags ?? [])];
    });
    expect(flags).toContain('\\Seen');
  });

  it('fails with mail/recipients-refused, naming the reply, when every recipient is refused', async () => {
    const alice = serviceFor('alice');
    const { message } = testMessage('alice', ['bob'], 'Nobody takes this');
    const f = await failure(() => alice.send(settings('alice').origin, message, { from: MAIL_ACCOUNTS.alice.address, to: ['nobody@elsewhere.test'] }, true));
    expect(f.code).toBe('mail/recipients-refused');
    expect(f.message).toMatch(/nobody@elsewhere\.test \(554 5\.7\.1 .*Relay access denied\)/);
  });

  it('a wrong password is mail/auth-failed on both servers', async () => {
    const alice = serviceFor('alice', { password: 'not-alice-secret' });
    const { message } = testMessage('alice', ['bob'], 'Wrong password');
    const send = await failure(() => alice.send(settings('alice').origin, message, { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address] }, false));
    expect(send.code).toBe('mail/auth-failed');
    expect(send.message).toMatch(/SMTP server 127\.0\.0\.1:587 refused the user name or password: 535/);
    const fetch = await failure(() => alice.fetch(settings('alice').origin, { uid: 1 }));
    expect(fetch.code).toBe('mail/auth-failed');
    expect(fetch.message).toMatch(/IMAP server 127\.0\.0\.1:143 refused the user name or password/);
  });

  it('a closed SMTP port is mail/unreachable within the connect time', async () => {
    const alice = serviceFor('alice', { smtpPort: closedPort });
    const { message } = testMessage('alice', ['bob'], 'Nobody listens');
    const f = await failure(() => alice.send(settings('alice').origin, message, { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address] }, true));
    expect(f.code).toBe('mail/unreachable');
    expect(f.message).toContain(`127.0.0.1:${closedPort}`);
    expect(f.ms).toBeLessThan(3000);
  });

  it('servers whose CA is not trusted are mail/tls', async () => {
    const alice = serviceFor('alice', { trusted: false });
    const { message, messageId } = testMessage('alice', ['bob'], 'Untrusted');
    const send = await failure(() => alice.send(settings('alice').origin, message, { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address] }, true));
    expect(send.code).toBe('mail/tls');
    expect(send.message).toMatch(/SMTP server 127\.0\.0\.1:587 could not be reached securely: .*certificate/);
    const fetch = await failure(() => alice.fetch(settings('alice').origin, { mailbox: 'Sent', messageId }));
    expect(fetch.code).toBe('mail/tls');
  });

  it('a UID or Message-ID that does not exist is mail/not-found', async () => {
    const bob = serviceFor('bob');
    expect((await failure(() => bob.fetch(settings('bob').origin, { uid: 4_000_000_000 }))).code).toBe('mail/not-found');
    expect((await failure(() => bob.fetch(settings('bob').origin, { messageId: '<never.sent@example.test>' }))).code).toBe('mail/not-found');
    expect((await failure(() => bob.fetch(settings('bob').origin, { mailbox: 'No such mailbox', uid: 1 }))).code).toBe('mail/not-found');
  });
});
