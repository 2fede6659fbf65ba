/**
 * The mail commands' arguments: servers as HOST:PORT[/starttls|/tls], origins, UIDs and
 * Message-IDs; what cannot be used exits 2 with the usage, before any server is asked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../native-host/cli/command';
import { parseServerArgument } from '../../../native-host/cli/commands/mail-cli';
import { runCachet } from '../../support/run-cachet';

let dir: string;
let previousConfig: string | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-cli-'));
  previousConfig = process.env.CACHET_HOST_CONFIG;
  const config = path.join(dir, 'host.json');
  writeFileSync(config, JSON.stringify({ keyStoreDir: path.join(dir, 'keys'), defaultModules: false, defaultNssDatabases: false }));
  process.env.CACHET_HOST_CONFIG = config;
});

afterAll(() => {
  if (previousConfig === undefined) delete process.env.CACHET_HOST_CONFIG;
  else process.env.CACHET_HOST_CONFIG = previousConfig;
  rmSync(dir, { recursive: true, force: true });
});

describe('server arguments', () => {
  it.each([
    ['imap.example.test:143', { host: 'imap.example.test', port: 143, security: 'starttls' }],
    ['imap.example.test:993', { host: 'imap.example.test', port: 993, security: 'tls' }],
    ['smtp.example.test:465', { host: 'smtp.example.test', port: 465, security: 'tls' }],
    ['127.0.0.1:587/starttls', { host: '127.0.0.1', port: 587, security: 'starttls' }],
    ['127.0.0.1:2525/tls', { host: '127.0.0.1', port: 2525, security: 'tls' }],
    ['[::1]:143', { host: '::1', port: 143, security: 'starttls' }],
  ])('%s', (text, expected) => {
    expect(parseServerArgument(text, '--imap')).toEqual(expected);
  });

  it.each(['imap.example.test', 'imap.example.test:0', 'imap.example.test:70000', 'imap.example.test:143/plain', 'a b:143', '::1:143', 'x:143/tls/tls'])('refuses %s', (text) => {
    expect(() => parseServerArgument(text, '--imap')).toThrow(UsageError);
  });
});

describe('mail commands with unusable arguments exit 2', () => {
  const message = (): string => {
    const file = path.join(dir, 'message.eml');
    writeFileSync(file, 'From: alice@example.test\r\nSubject: no recipients\r\n\r\nhi\r\n');
    return file;
  };

  it.each([
    ['account set without servers', ['account', 'set', 'http://127.0.0.1:8025', '--user', 'alice']],
    ['account set with an origin that has a path', ['account', 'set', 'http://127.0.0.1:8025/x', '--imap', 'h:143', '--smtp', 'h:587', '--user', 'a']],
    ['account set remembering nothing', ['account', 'set', 'http://127.0.0.1:8025', '--imap', 'h:143', '--smtp', 'h:587', '--user', 'a', '--remember']],
    ['send without an account', ['send', 'message.eml']],
    ['fetch with both a UID and a Message-ID', ['fetch', '--account', 'http://127.0.0.1:8025', '--uid', '1', '--message-id', 'a@b']],
    ['fetch with UID 0', ['fetch', '--account', 'http://127.0.0.1:8025', '--uid', '0']],
    ['fetch with a Message-ID that has a space', ['fetch', '--account', 'http://127.0.0.1:8025', '--message-id', 'a b@c']],
  ])('%s', async (_, args) => {
    const run = await runCachet(args);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/usage: cachet/);
  });

  it('send of a message without recipients and without --to', async () => {
    await runCachet(['account', 'set', 'http://127.0.0.1:8025', '--imap', '127.0.0.1:1', '--smtp', '127.0.0.1:1', '--user', 'alice']);
    const run = await runCachet(['send', message(), '--account', 'http://127.0.0.1:8025']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/no recipients; give --to/);
  });

  it('send and fetch for an origin without an account, or without a known password', async () => {
    const none = await runCachet(['fetch', '--account', 'https://nowhere.example.test', '--uid', '1']);
    expect([none.code, none.err]).toEqual([2, expect.stringContaining('mail/no-account')]);
    const noPassword = await runCachet(['send', message(), '--account', 'http://127.0.0.1:8025', '--to', 'bob@example.test']);
    expect([noPassword.code, noPassword.err]).toEqual([2, expect.stringContaining('mail/password-needed')]);
  });

  it('a server that cannot be reached is "not good" (1), not unusable input', async () => {
    const passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, 'secret\n');
    const run = await runCachet(['fetch', '--account', 'http://127.0.0.1:8025', '--uid', '1', '--password-file', passwordFile]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/mail\/unreachable: IMAP server 127\.0\.0\.1:1 cannot be reached/);
  });

  it('lists, forgets and removes accounts', async () => {
    expect((await runCachet(['account', 'list'])).out).toMatch(/http:\/\/127\.0\.0\.1:8025\n {2}user alice\n {2}IMAP 127\.0\.0\.1:1\/starttls/);
    expect((await runCachet(['account', 'list', '--json'])).out).toContain('"password": "none"');
    expect((await runCachet(['account', 'forget', 'http://127.0.0.1:8025'])).code).toBe(0);
    expect((await runCachet(['account', 'remove', 'http://127.0.0.1:8025'])).code).toBe(0);
    expect((await runCachet(['account', 'remove', 'http://127.0.0.1:8025'])).code).toBe(2);
    expect((await runCachet(['account', 'list'])).out).toBe('no mail accounts\n');
  });
});
