/**
 * Accounts and passwords kept by the host: settings in the accounts file beside the key
 * store, remembered passwords sealed there (never in clear), others only in memory, and a
 * password forgotten whenever the servers or user it was given for change.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailAccountSettings } from '../../../src/protocol/native';
import { ACCOUNTS_FILE_NAME } from '../../../native-host/mail/accounts-file';
import { SECRET_FILE_NAME } from '../../../native-host/mail/account-password-seal';
import { MailAccounts } from '../../../native-host/mail/mail-accounts';
import { expectCachetError } from '../../support/expect-cachet-error';

const PASSWORD = 'correct horse battery staple';
const alice: MailAccountSettings = {
  origin: 'http://127.0.0.1:8025',
  imap: { host: '127.0.0.1', port: 143, security: 'starttls' },
  smtp: { host: '127.0.0.1', port: 587, security: 'starttls' },
  user: 'alice@example.test',
};

let dir: string;
let store: string;
const file = (): string => path.join(store, ACCOUNTS_FILE_NAME);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-accounts-'));
  store = path.join(dir, 'keys');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mail accounts', () => {
  it('keeps one account per origin in a 0600 file in the 0700 key store directory', () => {
    const accounts = new MailAccounts(store);
    expect(accounts.list()).toEqual([]);
    expect(accounts.set(alice)).toEqual({ ...alice, password: 'none' });
    accounts.set({ ...alice, user: 'alice2@example.test' });
    expect(accounts.list()).toEqual([{ ...alice, user: 'alice2@example.test', password: 'none' }]);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(accounts.remove(alice.origin)).toBe(true);
    expect(accounts.remove(alice.origin)).toBe(false);
    expect(accounts.list()).toEqual([]);
  });

  it('says which account is missing and when a password is needed', () => {
    const accounts = new MailAccounts(store);
    expectCachetError(() => accounts.credentials(alice.origin), 'mail/no-account');
    accounts.set(alice);
    expectCachetError(() => accounts.credentials(alice.origin), 'mail/password-needed');
    expect(accounts.credentials(alice.origin, 'given once')).toMatchObject({ password: 'given once' });
    expectCachetError(() => accounts.credentials(alice.origin), 'mail/password-needed');
  });

  it('seals a remembered password: not in clear on disk, readable by another process', () => {
    new MailAccounts(store).set(alice);
    expect(new MailAccounts(store).setPassword(alice.origin, PASSWORD, true).password).toBe('remembered');
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 12));
    expect(statSync(path.join(store, SECRET_FILE_NAME)).mode & 0o777).toBe(0o600);
    const later = new MailAccounts(store);
    expect(later.list()[0]?.password).toBe('remembered');
    expect(later.credentials(alice.origin)).toEqual({ account: alice, password: PASSWORD });
  });

  it('holds a password not to be remembered in memory only, and drops a sealed one', () => {
    const accounts = new MailAccounts(store);
    accounts.set(alice);
    accounts.setPassword(alice.origin, 'old remembered', true);
    expect(accounts.setPassword(alice.origin, PASSWORD, false).password).toBe('session');
    expect(readFileSync(file(), 'utf8')).not.toContain('"password"');
    expect(accounts.credentials(alice.origin).password).toBe(PASSWORD);
    // Another process (the command line) does not see it.
    expectCachetError(() => new MailAccounts(store).credentials(alice.origin), 'mail/password-needed');
    expect(accounts.forgetPassword(alice.origin)).toBe(true);
    expectCachetError(() => accounts.credentials(alice.origin), 'mail/password-needed');
  });

  it('forgets the password when a server or the user changes, not when the same settings are set again', () => {
    const accounts = new MailAccounts(store);
    accounts.set(alice);
    accounts.setPassword(alice.origin, PASSWORD, true);
    expect(accounts.set(alice).password).toBe('remembered');
    expect(accounts.set({ ...alice, smtp: { ...alice.smtp, host: 'smtp.attacker.test' } }).password).toBe('none');
    accounts.set(alice);
    accounts.setPassword(alice.origin, PASSWORD, false);
    expect(accounts.set({ ...alice, imap: { ...alice.imap, port: 993, security: 'tls' } }).password).toBe('none');
    expectCachetError(() => accounts.credentials(alice.origin), 'mail/password-needed');
  });

  it('does not send a session password to servers another process wrote into the file', () => {
    const host = new MailAccounts(store);
    host.set(alice);
    host.setPassword(alice.origin, PASSWORD, false);
    new MailAccounts(store).set({ ...alice, imap: { ...alice.imap, host: 'imap.attacker.test' } });
    expectCachetError(() => host.credentials(alice.origin), 'mail/password-needed');
  });

  it('will not open a sealed password whose account was edited in the file', () => {
    const accounts = new MailAccounts(store);
    accounts.set(alice);
    accounts.setPassword(alice.origin, PASSWORD, true);
    writeFileSync(file(), readFileSync(file(), 'utf8').replace('"host": "127.0.0.1",\n        "port": 587', '"host": "10.9.9.9",\n        "port": 587'));
    expect(readFileSync(file(), 'utf8')).toContain('10.9.9.9');
    expectCachetError(() => new MailAccounts(store).credentials(alice.origin), 'mail/password-needed');
  });

  it('asks again when the secret file is lost or replaced, and seals anew', () => {
    const accounts = new MailAccounts(store);
    accounts.set(alice);
    accounts.set({ ...alice, origin: 'https://mail.example.test' });
    accounts.setPassword(alice.origin, PASSWORD, true);
    accounts.setPassword('https://mail.example.test', 'second', true);
    writeFileSync(path.join(store, SECRET_FILE_NAME), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    const later = new MailAccounts(store);
    expectCachetError(() => later.credentials(alice.origin), 'mail/password-needed');
    rmSync(path.join(store, SECRET_FILE_NAME));
    expectCachetError(() => later.credentials(alice.origin), 'mail/password-needed');
    later.setPassword(alice.origin, PASSWORD, true);
    expect(later.credentials(alice.origin).password).toBe(PASSWORD);
    // The other password was sealed under the lost secret and is no longer claimed.
    expect(later.list().find((a) => a.origin === 'https://mail.example.test')?.password).toBe('none');
  });

  it('refuses an accounts file that is damaged, has unknown fields, or lies in a directory others can open', () => {
    const accounts = new MailAccounts(store);
    accounts.set(alice);
    const good = readFileSync(file(), 'utf8');
    writeFileSync(file(), good.replace('"user"', '"smuggled": 1, "user"'));
    expectCachetError(() => accounts.list(), 'input/invalid');
    writeFileSync(file(), good.replace('"port": 143', '"port": "143"'));
    expectCachetError(() => accounts.list(), 'input/invalid');
    writeFileSync(file(), '{');
    expectCachetError(() => accounts.list(), 'input/invalid');
    writeFileSync(file(), good);
    chmodSync(store, 0o755);
    expectCachetError(() => accounts.list(), 'input/invalid');
  });
});
