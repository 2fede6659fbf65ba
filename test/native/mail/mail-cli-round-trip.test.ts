/**
 * The command line against the real mail system: `cachet account set` checks and remembers
 * a password, `cachet send` takes the recipients from the message and keeps a copy in Sent,
 * `cachet fetch` writes what arrived, and a refused recipient makes the exit status 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHostConfig } from '../helpers/token-fixtures';
import { runCachet, type CliRun } from '../../support/run-cachet';
import { MAIL_ACCOUNTS, MAIL_CA_PATH, type MailUser } from '../../support/mail-system';
import { bodyOf, headerOf, includesBytes, testMessage } from './mail-test-support';

let dir: string;
let previousConfig: string | undefined;
const origin = (user: MailUser): string => `http://${user}.cli.test`;

function passwordFile(user: MailUser, password = MAIL_ACCOUNTS[user].password): string {
  const file = path.join(dir, `${user}.password`);
  writeFileSync(file, `${password}\n`);
  return file;
}

function accountSet(user: MailUser, file: string): Promise<CliRun> {
  return runCachet(['account', 'set', origin(user), '--imap', '127.0.0.1:143', '--smtp', '127.0.0.1:587/starttls', '--user', MAIL_ACCOUNTS[user].address, '--password-file', file, '--remember']);
}

/** `cachet fetch` again until the message has been delivered. */
async function fetchWhenDelivered(args: readonly string[]): Promise<CliRun> {
  const until = Date.now() + 20_000;
  for (;;) {
    const run = await runCachet(args);
    if (run.code === 0 || !run.err.includes('mail/not-found') || Date.now() > until) return run;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-cli-'));
  previousConfig = process.env.CACHET_HOST_CONFIG;
  process.env.CACHET_HOST_CONFIG = writeHostConfig(dir, { keyStoreDir: path.join(dir, 'keys'), mailTrustedCertificates: [MAIL_CA_PATH] });
});

afterAll(() => {
  if (previousConfig === undefined) delete process.env.CACHET_HOST_CONFIG;
  else process.env.CACHET_HOST_CONFIG = previousConfig;
  rmSync(dir, { recursive: true, force: true });
});

describe('cachet account, send and fetch with Postfix and Dovecot', () => {
  it('account set checks the password on both servers and remembers only one that works', async () => {
    const alice = await accountSet('alice', passwordFile('alice'));
    expect(alice.code).toBe(0);
    expect(alice.out).toMatch(/the password works on both servers\n/);
    expect(alice.out).toMatch(/password remembered/);
    expect((await accountSet('bob', passwordFile('bob'))).code).toBe(0);

    const wrong = await accountSet('carol', passwordFile('carol', 'not-the-password'));
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/mail\/auth-failed/);
    const list = JSON.parse((await runCachet(['account', 'list', '--json'])).out) as { origin: string; password: string }[];
    expect(list.map((a) => [a.origin, a.password])).toEqual([[origin('alice'), 'remembered'], [origin('bob'), 'remembered'], [origin('carol'), 'none']]);
    expect(readFileSync(path.join(dir, 'keys', 'mail-accounts.json'), 'utf8')).not.toContain(MAIL_ACCOUNTS.alice.password);
  });

  it('send takes To and Cc from the message; fetch writes what bob got and alice kept', async () => {
    const { message, messageId } = testMessage('alice', ['bob'], 'Through the command line');
    const withCc = Buffer.from(Buffer.from(message).toString('latin1').replace('\r\nSubject:', `\r\nCc: ${MAIL_ACCOUNTS.carol.address}\r\nSubject:`), 'latin1');
    const file = path.join(dir, 'message.eml');
    writeFileSync(file, withCc);

    const sent = await runCachet(['send', file, '--account', origin('alice')]);
    expect([sent.code, sent.err]).toEqual([0, '']);
    expect(sent.out).toBe(`accepted ${MAIL_ACCOUNTS.bob.address}\naccepted ${MAIL_ACCOUNTS.carol.address}\nkept a copy in Sent\n`);

    const out = path.join(dir, 'bob.eml');
    const fetched = await fetchWhenDelivered(['fetch', '--account', origin('bob'), '--message-id', messageId.slice(1, -1), '-o', out]);
    expect(fetched.code).toBe(0);
    const delivered = readFileSync(out);
    expect(delivered.subarray(delivered.length - bodyOf(withCc).length).equals(bodyOf(withCc))).toBe(true);
    expect(includesBytes(headerOf(delivered), headerOf(withCc))).toBe(true);

    const kept = await runCachet(['fetch', '--account', origin('alice'), '--mailbox', 'Sent', '--message-id', messageId]);
    expect(kept.code).toBe(0);
    expect(kept.bytes.equals(withCc)).toBe(true);
  });

  it('send reports a recipient the server refuses, delivers to the others, and exits 1', async () => {
    const { message } = testMessage('alice', ['bob'], 'One refused');
    const file = path.join(dir, 'refused.eml');
    writeFileSync(file, message);
    const run = await runCachet(['send', file, '--account', origin('alice'), '--to', MAIL_ACCOUNTS.bob.address, '--to', 'nobody@elsewhere.test', '--no-save-sent']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(new RegExp(`^accepted ${MAIL_ACCOUNTS.bob.address}\nrefused  nobody@elsewhere\\.test: 554 5\\.7\\.1 .*Relay access denied\n$`));
  });
});
