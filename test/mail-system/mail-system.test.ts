/**
 * The loopback mail system the webmail tests and the demo stand on (started once per run
 * by test/support/mail-system-setup.ts): TLS where it must be, mail flowing from
 * submission to IMAP, and Roundcube handing out a message's exact bytes, which the
 * extension's Roundcube adapter relies on.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IMAP_PORT,
  MAIL_ACCOUNTS,
  MAIL_CA_PATH,
  MAIL_HOST,
  ROUNDCUBE_URL,
  SUBMISSION_PORT,
  deliver,
  maildirPath,
  type MailUser,
} from '../support/mail-system';
import { LineSession, imapTagged, smtpReplyEnd } from './line-session';

const alice = MAIL_ACCOUNTS.alice;
const bob = MAIL_ACCOUNTS.bob;
let ca: Buffer;

beforeAll(() => {
  ca = readFileSync(MAIL_CA_PATH);
});

/** A message with CRLF line ends, 8-bit text, trailing blanks and lines a careless store would touch. */
function rawMessage(from: string, to: string, messageId: string): Buffer {
  const lines = [
    `From: ${from}`,
    `To: ${to}`,
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the mail system test',
    `Message-ID: ${messageId}`,
    'Date: Mon, 07 Dec 2026 12:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße, a line with trailing blanks   ',
    'From the start of a line',
    '\ttab-indented',
    '',
    'last line',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function uniqueMessageId(): string {
  return `<${randomUUID()}@example.test>`;
}

/** Waits for a message with this Message-ID in a user's INBOX maildir and returns its file's bytes. */
async function findInMaildir(user: MailUser, messageId: string, timeoutMs = 15_000): Promise<Buffer> {
  const needle = Buffer.from(`Message-ID: ${messageId}\r\n`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const folder of ['new', 'cur']) {
      const dir = join(maildirPath(user), folder);
      const names = await readdir(dir).catch(() => []);
      for (const name of names) {
        const bytes = await readFile(join(dir, name));
        if (bytes.includes(needle)) return bytes;
      }
    }
    if (Date.now() > deadline) throw new Error(`${messageId} did not arrive in ${user}'s INBOX`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('IMAP on 143', () => {
  it('refuses LOGIN before STARTTLS and accepts it after, with a certificate for 127.0.0.1 from the test CA', async () => {
    const imap = await LineSession.connect(IMAP_PORT, MAIL_HOST);
    try {
      expect(await imap.readLine()).toMatch(/^\* OK /);
      const refused = await imap.command(`a1 LOGIN ${alice.user} ${alice.password}`, imapTagged('a1'));
      expect(refused.at(-1)).toMatch(/^a1 NO /);

      expect((await imap.command('a2 STARTTLS', imapTagged('a2'))).at(-1)).toMatch(/^a2 OK /);
      const secure = await imap.startTls({ ca, host: MAIL_HOST });
      expect(secure.authorized).toBe(true);

      const accepted = await imap.command(`a3 LOGIN ${alice.user} ${alice.password}`, imapTagged('a3'));
      expect(accepted.at(-1)).toMatch(/^a3 OK /);

      // The special-use folders exist and are subscribed from the first login on.
      const listed = await imap.command('a4 LIST "" "*" RETURN (SPECIAL-USE SUBSCRIBED)', imapTagged('a4'));
      for (const [use, name] of [['Sent', 'Sent'], ['Drafts', 'Drafts'], ['Trash', 'Trash'], ['Junk', 'Junk']]) {
        const line = listed.find((l) => l.endsWith(` ${name}`) || l.endsWith(` "${name}"`));
        expect(line, `LIST line for ${name}`).toBeDefined();
        expect(line).toContain(`\\${use}`);
        expect(line).toContain('\\Subscribed');
      }
      await imap.command('a5 LOGOUT', imapTagged('a5'));
    } finally {
      imap.close();
    }
  });

  it('presents a certificate that does not verify without the test CA', async () => {
    const imap = await LineSession.connect(IMAP_PORT, MAIL_HOST);
    try {
      await imap.readLine();
      await imap.command('b1 STARTTLS', imapTagged('b1'));
      await expect(imap.startTls({ host: MAIL_HOST })).rejects.toThrow(/certificate/i);
    } finally {
      imap.close();
    }
  });
});

describe('submission on 587', () => {
  it('asks for STARTTLS before AUTH, takes alice\'s mail for bob and relays nothing elsewhere', async () => {
    const messageId = uniqueMessageId();
    const smtp = await LineSession.connect(SUBMISSION_PORT, MAIL_HOST);
    try {
      expect((await smtp.readUntil(smtpReplyEnd)).at(-1)).toMatch(/^220 /);
      const plainEhlo = await smtp.command('EHLO client.example.test', smtpReplyEnd);
      expect(plainEhlo.some((l) => /^250[- ]STARTTLS$/.test(l))).toBe(true);
      expect(plainEhlo.some((l) => /^250[- ]AUTH/.test(l))).toBe(false);
      expect((await smtp.command(`MAIL FROM:<${alice.address}>`, smtpReplyEnd)).at(-1)).toMatch(/^530 /);

      expect((await smtp.command('STARTTLS', smtpReplyEnd)).at(-1)).toMatch(/^220 /);
      // By DNS name this time: the certificate names localhost as well as 127.0.0.1.
      const secure = await smtp.startTls({ ca, servername: 'localhost' });
      expect(secure.authorized).toBe(true);
      const tlsEhlo = await smtp.command('EHLO client.example.test', smtpReplyEnd);
      expect(tlsEhlo.some((l) => /^250[- ]AUTH .*PLAIN/.test(l))).toBe(true);

      // Without AUTH nobody may submit, not even to a local user.
      expect((await smtp.command(`MAIL FROM:<${alice.address}>`, smtpReplyEnd)).at(-1)).toMatch(/^250 /);
      expect((await smtp.command(`RCPT TO:<${bob.address}>`, smtpReplyEnd)).at(-1)).toMatch(/^554 .*Access denied/);
      expect((await smtp.command('RSET', smtpReplyEnd)).at(-1)).toMatch(/^250 /);

      const credentials = Buffer.from(`\0${alice.address}\0${alice.password}`).toString('base64');
      expect((await smtp.command(`AUTH PLAIN ${credentials}`, smtpReplyEnd)).at(-1)).toMatch(/^235 /);
      expect((await smtp.command(`MAIL FROM:<${alice.address}>`, smtpReplyEnd)).at(-1)).toMatch(/^250 /);
      expect((await smtp.command('RCPT TO:<someone@elsewhere.test>', smtpReplyEnd)).at(-1)).toMatch(
        /^554 .*Relay access denied/,
      );
      expect((await smtp.command(`RCPT TO:<${bob.address}>`, smtpReplyEnd)).at(-1)).toMatch(/^250 /);
      expect((await smtp.command('DATA', smtpReplyEnd)).at(-1)).toMatch(/^354 /);
      // No line of the message starts with ".", so it needs no dot-stuffing.
      smtp.sendRaw(rawMessage(alice.address, bob.address, messageId));
      expect((await smtp.command('.', smtpReplyEnd)).at(-1)).toMatch(/^250 /);
      await smtp.command('QUIT', smtpReplyEnd);
    } finally {
      smtp.close();
    }

    const stored = (await findInMaildir('bob', messageId)).toString('utf8');
    expect(stored).toMatch(/^Return-Path: <alice@example\.test>\r\n/);
    expect(stored).toContain('\r\nGrüße, a line with trailing blanks   \r\nFrom the start of a line\r\n');
  });
});

describe('deliver', () => {
  it('stores a message in the INBOX byte for byte', async () => {
    const messageId = uniqueMessageId();
    const message = rawMessage(bob.address, MAIL_ACCOUNTS.carol.address, messageId);
    const uid = await deliver('carol', message);
    expect(uid).toBeGreaterThan(0);
    expect(await findInMaildir('carol', messageId)).toEqual(message);
  });
});

/** Enough of a browser for Roundcube: cookies kept by name, redirects looked at, not followed. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(new URL(path, ROUNDCUBE_URL), { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // Roundcube clears a cookie by setting it to "-del-" with a date in the past.
      if (value === '-del-' || /;\s*max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

/** The request token from the page's `rcmail.set_env({...});` line. */
function requestToken(html: string): string {
  const env = /^rcmail\.set_env\((\{.*\})\);$/m.exec(html)?.[1];
  if (env === undefined) throw new Error('no rcmail.set_env in the page');
  const parsed: unknown = JSON.parse(env);
  const token = (parsed as { request_token?: unknown }).request_token;
  if (typeof token !== 'string' || token === '') throw new Error('no request_token in rcmail.set_env');
  return token;
}

describe('Roundcube', () => {
  it('logs alice in and returns a delivered message\'s exact bytes as its raw source', async () => {
    const messageId = uniqueMessageId();
    const message = rawMessage(bob.address, alice.address, messageId);
    const uid = await deliver('alice', message);

    const browser = new Browser();
    const loginPage = await browser.request('?_task=login');
    expect(loginPage.status).toBe(200);
    const loginToken = requestToken(await loginPage.text());

    const login = await browser.request('?_task=login', {
      method: 'POST',
      body: new URLSearchParams({
        _token: loginToken,
        _task: 'login',
        _action: 'login',
        _timezone: 'UTC',
        _url: '',
        _user: alice.user,
        _pass: alice.password,
      }),
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('Location')).toMatch(/_task=mail/);

    const mailPage = await browser.request('?_task=mail&_mbox=INBOX');
    expect(mailPage.status).toBe(200);
    const mailToken = requestToken(await mailPage.text());
    expect(mailToken).not.toBe(loginToken);

    const source = await browser.request(
      `?_task=mail&_action=viewsource&_uid=${uid}&_mbox=INBOX&_save=1&_token=${encodeURIComponent(mailToken)}`,
    );
    expect(source.status).toBe(200);
    expect(source.headers.get('Content-Disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await source.arrayBuffer())).toEqual(message);

    // Without the token Roundcube answers 200 all the same, with an HTML error page
    // ("Request check failed") in place of the message.
    const refused = await browser.request(`?_task=mail&_action=viewsource&_uid=${uid}&_mbox=INBOX&_save=1`);
    expect(refused.headers.get('Content-Disposition')).toBeNull();
    expect(await refused.text()).toMatch(/request check failed/i);
  });
});
