/**
 * A message of the largest size Cachet sends (48 MiB) through the real native host
 * process, both ways: `mail/send` takes it as a run of chunk frames and submits it to
 * Postfix with a copy in Sent, and `mail/fetch` brings the copy back as chunk frames,
 * octet for octet, no frame over the limit. The delivered copy, a few header fields
 * larger, is still fetched whole.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../../src/protocol/framing';
import { MAX_MAIL_MESSAGE_BYTES, type NativeRes } from '../../../src/protocol/native';
import { HostProcess } from '../helpers/host-process';
import { writeHostConfig } from '../helpers/token-fixtures';
import { IMAP_PORT, MAIL_ACCOUNTS, MAIL_CA_PATH, MAIL_HOST, SUBMISSION_PORT, type MailUser } from '../../support/mail-system';
import { testMessage } from './mail-test-support';

let dir: string;
let host: HostProcess;

const origin = (user: MailUser): string => `http://${user}.webmail.test`;

async function setUp(user: MailUser): Promise<void> {
  await host.request('account/set', {
    origin: origin(user), user: MAIL_ACCOUNTS[user].address,
    imap: { host: MAIL_HOST, port: IMAP_PORT, security: 'starttls' }, smtp: { host: MAIL_HOST, port: SUBMISSION_PORT, security: 'starttls' },
  });
  const { account } = await host.request('account/set-password', { origin: origin(user), password: MAIL_ACCOUNTS[user].password, remember: false });
  expect(account.password).toBe('session');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-host-'));
  const config = writeHostConfig(dir, { keyStoreDir: path.join(dir, 'keys'), mailTrustedCertificates: [MAIL_CA_PATH] });
  host = new HostProcess({ CACHET_HOST_CONFIG: config, HOME: dir });
  await host.hello();
  await setUp('alice');
  await setUp('bob');
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a message of the largest size through the native host', () => {
  it('is sent, kept in Sent and fetched back unchanged, in frames under the limit', async () => {
    const { message, messageId } = testMessage('alice', ['bob'], 'The largest message', MAX_MAIL_MESSAGE_BYTES);
    const exact = Buffer.concat([message, Buffer.alloc(MAX_MAIL_MESSAGE_BYTES - message.length, 'A')]);
    expect(exact.length).toBe(MAX_MAIL_MESSAGE_BYTES);

    const sendStart = performance.now();
    const sent = await host.request('mail/send', {
      origin: origin('alice'), message: exact.toString('base64'),
      envelope: { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address] }, saveToSent: true,
    });
    const sendMs = performance.now() - sendStart;
    expect(sent).toEqual({ accepted: [MAIL_ACCOUNTS.bob.address], rejected: [], savedToSent: true, messageId });

    const fetchStart = performance.now();
    const fetched: NativeRes<'mail/fetch'> = await host.request('mail/fetch', { origin: origin('alice'), mailbox: 'Sent', messageId });
    const fetchMs = performance.now() - fetchStart;
    expect(fetched.mailbox).toBe('Sent');
    expect(Buffer.from(fetched.message, 'base64').equals(exact)).toBe(true);

    const largest = Math.max(...host.frames.map((f) => Buffer.byteLength(f)));
    expect(largest).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(host.frames.length).toBeGreaterThan(30);
    // The answer came as a spliced run: its base64 cut from the octets, not sliced from JSON.
    const spliced = host.frames.map((f) => JSON.parse(f) as { kind?: string; at?: unknown }).filter((f) => f.kind === 'chunk' && f.at !== undefined);
    expect(spliced.map((f) => f.at)).toEqual([['res', 'message']]);
    console.info(`${MAX_MAIL_MESSAGE_BYTES / 1048576} MiB through the host: mail/send (SMTP and APPEND) ${Math.round(sendMs)} ms, mail/fetch ${Math.round(fetchMs)} ms`);

    // Postfix adds Received and Dovecot Return-Path and Delivered-To: bob's copy is over
    // the sending limit, and still fetched whole. (Postfix also breaks the padding's one long line at
    // its line_length_limit, so only the Sent copy above is compared octet for octet.)
    const deliveredStart = Date.now();
    for (;;) {
      const reply = await host.call('mail/fetch', { origin: origin('bob'), messageId });
      if (!reply.ok && reply.error.code === 'mail/not-found' && Date.now() - deliveredStart < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      expect(reply.ok).toBe(true);
      const delivered = Buffer.from(reply.ok ? (reply.res as NativeRes<'mail/fetch'>).message : '', 'base64');
      expect(delivered.length).toBeGreaterThan(MAX_MAIL_MESSAGE_BYTES);
      expect(delivered.toString('latin1', 0, 64 * 1024)).toContain(`Message-ID: ${messageId}`);
      break;
    }
  }, 180_000);

  it('keeps session passwords out of the accounts file', () => {
    const text = readFileSync(path.join(dir, 'keys', 'mail-accounts.json'), 'utf8');
    expect(text).not.toContain(MAIL_ACCOUNTS.alice.password);
    expect(text).not.toContain('"password"');
  });

  it('answers account requests while a send is waiting on the server', async () => {
    const { message } = testMessage('alice', ['bob'], 'Concurrent');
    const sending = host.call('mail/send', {
      origin: origin('alice'), message: Buffer.from(message).toString('base64'),
      envelope: { from: MAIL_ACCOUNTS.alice.address, to: [MAIL_ACCOUNTS.bob.address] }, saveToSent: false,
    });
    const list = await host.request('account/list', {});
    expect(list.accounts.map((a) => [a.origin, a.password])).toEqual([[origin('alice'), 'session'], [origin('bob'), 'session']]);
    expect(await sending).toMatchObject({ ok: true, res: { accepted: [MAIL_ACCOUNTS.bob.address], savedToSent: false } });
  });
});
