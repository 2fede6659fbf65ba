/**
 * What Alice sees in Roundcube when sending with Cachet goes wrong, and that nothing she
 * wrote is lost: the mail server cannot be reached, she types a wrong password or cancels
 * the password window, Bob's certificate has expired (B9, B7), her card is pulled out
 * while she writes (B19). Each time Cachet's compose frame says what happened, the draft
 * (recipients, subject, text, attachment) stays, nothing reaches any mailbox, and once the
 * cause is gone the same frame sends it.
 *
 * Each browser's host has a token copy and a key store of its own (private-host.ts), so
 * pulling the card or pointing the account at a dead server touches no shared demo state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_WEBMAIL, demoSeed, launchCachetBrowser, type CachetBrowser, type CachetSeed, type MailAccountSeed, type PromptAnswers,
} from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import type { Req, Res, RuntimeCommand } from '../../src/protocol/runtime';
import { unwrapResponse } from '../../src/protocol/runtime-envelope';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { maildirPath, resetMailboxes, type MailUser } from '../support/mail-system';
import { expiredCertificate } from './expired-certificate';
import { opensslDecryptAndVerify } from './openssl-mail';
import { privateHost, type PrivateHost } from './private-host';
import { newMessages, openCompose, pressSecure, settle, signIn, typeRecipients, waitForCachetFrame } from './roundcube-session';

let pki: DemoPki;
let release: () => void;
const work = mkdtempSync(path.join(tmpdir(), 'cachet-webmail-failures-'));
const attachmentName = 'Quartalszahlen Ü.txt';
const attachmentFile = path.join(work, attachmentName);
/** Marks this run's messages apart from any other file's (see `mailboxes`). */
const run = randomBytes(4).toString('hex');
const aliceAccount: MailAccountSeed = { origin: DEMO_WEBMAIL.origin, imap: DEMO_WEBMAIL.imap, smtp: DEMO_WEBMAIL.smtp, user: 'alice@example.test' };

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  writeFileSync(attachmentFile, 'Umsatz: 1,2 Mio. (nicht weitergeben)');
  // Held for the file's whole life, so another webmail file's mailbox reset never wipes
  // what this one checks.
  release = await acquireBrowserLock();
  await resetMailboxes();
}, 900_000);

afterAll(() => {
  release?.();
});

let browser: CachetBrowser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

interface Draft {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Alice's Chromium with her own host (private-host.ts); the seed is hers unless replaced. */
async function launchAlice(name: string, options: { seed?: Partial<CachetSeed>; answers: PromptAnswers }): Promise<{ cachet: CachetBrowser; host: PrivateHost }> {
  const dir = mkdtempSync(path.join(work, `${name}-`));
  const host = privateHost(pki.users.alice, path.join(dir, 'host'));
  const cachet = await launchCachetBrowser({
    userDataDir: path.join(dir, 'profile'), hostEnv: host.env, grantOrigins: [DEMO_WEBMAIL.origin],
    seed: { ...demoSeed(pki, 'alice'), ...options.seed }, answers: options.answers,
  });
  browser = cachet;
  return { cachet, host };
}

/**
 * Roundcube's compose, Secure pressed, and the message written in Cachet's frame, signed
 * and encrypted, with the attachment; Roundcube's question on leaving compose is answered.
 */
async function writeSecurely(cachet: CachetBrowser, draft: Draft): Promise<{ page: Page; compose: Frame }> {
  const page = await signIn(cachet.context, 'alice');
  page.on('dialog', (dialog) => void dialog.accept());
  await openCompose(page);
  await typeRecipients(page, 'to', [draft.to]);
  await page.fill('#compose-subject', draft.subject);
  await pressSecure(page);
  const compose = await waitForCachetFrame(page, cachet.extensionOrigin, 'compose.html');
  await expect.poll(() => compose.getByLabel('To', { exact: true }).inputValue(), settle).toBe(draft.to);
  // The certificate verdict below the field moves everything under it once it arrives.
  await expect.poll(() => compose.locator(`[data-recipient="${draft.to}"]`).getAttribute('data-state'), settle).not.toBe('checking');
  await compose.getByRole('textbox', { name: 'Message', exact: true }).fill(draft.text);
  await compose.getByLabel('Attach files').setInputFiles(attachmentFile);
  await expect.poll(() => compose.locator('.attachments .file-name').allTextContents(), settle).toEqual([attachmentName]);
  await compose.getByRole('switch', { name: 'Sign', exact: true }).check();
  await compose.getByRole('switch', { name: 'Encrypt', exact: true }).check();
  return { page, compose };
}

/**
 * Send, from the keyboard: headless Chromium sometimes hands a mouse click on Cachet's
 * frame (a frame of another process inside Roundcube's page) to the page around it, after
 * the frame changed size or its tab was hidden; keys go to the focused frame.
 */
const pressSend = (compose: Frame) => compose.getByRole('button', { name: 'Send securely' }).press('Enter');

/** What the frame's announcer says as an error now. */
const errorShown = (compose: Frame) => compose.locator('.announcer .status-error').textContent().then((text) => text ?? '');

/** The failure as announced, once sending has ended and the frame is ready for another try. */
async function failureShown(compose: Frame): Promise<string> {
  await expect.poll(() => errorShown(compose), settle).not.toBe('');
  await expect.poll(() => compose.locator('form.compose').getAttribute('aria-busy'), settle).toBe('false');
  return errorShown(compose);
}

/** Everything the user wrote is still in the frame, ready to send. */
async function expectDraftKept(compose: Frame, draft: Draft): Promise<void> {
  expect(await compose.getByLabel('To', { exact: true }).inputValue()).toBe(draft.to);
  expect(await compose.getByLabel('Subject').inputValue()).toBe(draft.subject);
  expect(await compose.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe(draft.text);
  expect(await compose.locator('.attachments .file-name').allTextContents()).toEqual([attachmentName]);
  expect(await compose.getByRole('button', { name: 'Send securely' }).isEnabled()).toBe(true);
}

/**
 * New messages with the draft's subject in each mailbox. Other test files may deliver to
 * the same users meanwhile (the mail system tests take no browser lock), so a message
 * counts only when its Subject is this draft's, which carries a token of this run.
 */
function mailboxes(draft: Draft): { added(user: MailUser, mailbox?: string): string[] } {
  const subjectLine = `Subject: ${draft.subject}`;
  const seen = new Map<string, Set<string>>();
  for (const user of ['alice', 'bob', 'carol'] as const) {
    for (const mailbox of ['INBOX', 'Sent']) seen.set(`${user}/${mailbox}`, new Set(newMessages(maildirPath(user, mailbox), new Set())));
  }
  return {
    added: (user, mailbox = 'INBOX') => newMessages(maildirPath(user, mailbox), seen.get(`${user}/${mailbox}`) ?? new Set())
      .filter((file) => readFileSync(file, 'latin1').split(/\r?\n/).includes(subjectLine)),
  };
}

function expectNothingSent(before: ReturnType<typeof mailboxes>): void {
  for (const user of ['alice', 'bob', 'carol'] as const) expect(before.added(user), `${user}'s inbox`).toEqual([]);
  expect(before.added('alice', 'Sent'), 'Alice\'s Sent').toEqual([]);
}

/**
 * Bob got exactly one new message, Alice kept one copy in Sent; what OpenSSL reads in
 * Bob's. A failure the frame announces meanwhile ends the wait with its text.
 */
async function expectSentOnce(compose: Frame, before: ReturnType<typeof mailboxes>, draft: Draft): Promise<{ layers: string[]; entity: string }> {
  for (const deadline = Date.now() + 120_000; before.added('bob').length === 0;) {
    // The frame is gone once the webmail tab left its compose form after the send.
    const failure = await errorShown(compose).catch(() => '');
    if (failure !== '') throw new Error(`nothing reached Bob; the compose frame says: ${failure}`);
    if (Date.now() > deadline) throw new Error('nothing reached Bob within two minutes');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await expect.poll(() => before.added('alice', 'Sent').length, settle).toBe(1);
  const opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, before.added('bob')[0] ?? '');
  expect(opened.entity).toContain(draft.text);
  expect(opened.entity).toContain(encodeURIComponent(attachmentName));
  // A moment later still one: nothing was sent twice.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(before.added('bob')).toHaveLength(1);
  return opened;
}

/**
 * One runtime message from Cachet's options page, as its own controls send it. The page
 * opens in a window of its own, so Roundcube's tab stays in front as the user left it: a
 * tab over it hides it, after which headless Chromium may hand input meant for Cachet's
 * frame to the page around it.
 */
async function runtimeMessage<K extends RuntimeCommand>(cachet: CachetBrowser, type: K, req: Req<K>): Promise<Res<K>> {
  const url = `${cachet.extensionOrigin}/options.html`;
  const opened = cachet.context.waitForEvent('page', { timeout: 30_000 });
  type Windows = { chrome: { windows: { create(options: unknown): Promise<unknown> } } };
  await cachet.worker.evaluate(async (page) => {
    await (globalThis as unknown as Windows).chrome.windows.create({ url: page, type: 'popup' });
  }, url);
  const page = await opened;
  try {
    await page.waitForURL(url);
    type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
    const reply = await page.evaluate(
      ([t, r]) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: t, req: r }),
      [type, req] as const,
    );
    return unwrapResponse(reply) as Res<K>;
  } finally {
    await page.close();
  }
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

/** Password windows in the order they open (they start as about:blank, then load the page). */
function passwordWindows(context: BrowserContext): () => Promise<Page> {
  const opened: Page[] = [];
  const waiting: ((page: Page) => void)[] = [];
  context.on('page', (page) => {
    page.waitForURL(/\/password\.html#/, { timeout: 60_000 }).then(() => {
      const next = waiting.shift();
      if (next) next(page);
      else opened.push(page);
    }, () => undefined);
  });
  return () => {
    const ready = opened.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise<Page>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no password window opened')), 60_000);
      waiting.push((page) => {
        clearTimeout(timer);
        resolve(page);
      });
    });
  };
}


/**
 * Clicks a button that closes its own window: the window may be gone before the click
 * action has finished, which is the button working, not failing.
 */
async function clickClosing(window: Page, button: Locator): Promise<void> {
  await button.click().catch((error: unknown) => {
    if (!window.isClosed()) throw error;
  });
}

describe('sending from Roundcube with Cachet when something fails', () => {
  it('names the SMTP server it cannot reach, keeps the draft, and sends once the account is fixed', async () => {
    const port = await closedPort();
    const { cachet } = await launchAlice('smtp-down', {
      seed: { mailAccounts: [{ ...aliceAccount, smtp: `127.0.0.1:${port}` }] },
      answers: { pin: pki.users.alice.pin, mailPassword: 'alice-secret' },
    });
    const draft = { to: 'bob@example.test', subject: `Quarterly figures ${run}`, text: 'Bob, the figures are attached. Not for the board yet.' };
    const { page, compose } = await writeSecurely(cachet, draft);
    const before = mailboxes(draft);

    await pressSend(compose);
    const shown = await failureShown(compose);
    expect(shown).toMatch(new RegExp(`^Not sent: SMTP server 127\\.0\\.0\\.1:${port} cannot be reached: .*\\(mail/unreachable\\)\\. Your message is still here`));
    await expectDraftKept(compose, draft);
    await page.screenshot({ path: artifactPath('roundcube-failure-smtp-down.png') });
    expectNothingSent(before);

    // Alice corrects the account in Cachet's settings; the open frame sends with it.
    await runtimeMessage(cachet, 'policy/set-user', { key: 'mailAccounts', value: [aliceAccount] });
    await pressSend(compose);
    const opened = await expectSentOnce(compose, before, draft);
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
  }, 300_000);

  it('keeps the draft when the password window is cancelled, asks again after a wrong password, and sends once', async () => {
    const { cachet } = await launchAlice('password', { answers: { pin: pki.users.alice.pin } });
    const nextPasswordWindow = passwordWindows(cachet.context);
    const draft = { to: 'bob@example.test', subject: `Travel plans ${run}`, text: 'Bob, I land at 9:40 on Monday.' };
    const { page, compose } = await writeSecurely(cachet, draft);
    const before = mailboxes(draft);

    // Closing the window answers nothing; the frame must not wait out the background's
    // five minutes for an answer.
    await pressSend(compose);
    let prompt = await nextPasswordWindow();
    await prompt.getByText(DEMO_WEBMAIL.origin).waitFor();
    await prompt.close();
    await expect.poll(() => errorShown(compose), { ...settle, timeout: 20_000 }).toMatch(/nothing was sent/i);
    await expectDraftKept(compose, draft);
    expectNothingSent(before);

    await pressSend(compose);
    prompt = await nextPasswordWindow();
    await clickClosing(prompt, prompt.getByRole('button', { name: 'Cancel' }));
    expect(await failureShown(compose)).toBe(
      'Not sent: the password was not given: nothing was sent (mail/password-needed). Your message is still here; you can send it again.');
    await expectDraftKept(compose, draft);
    await page.screenshot({ path: artifactPath('roundcube-failure-password-cancelled.png') });
    expectNothingSent(before);

    await pressSend(compose);
    prompt = await nextPasswordWindow();
    await prompt.getByLabel('Password', { exact: true }).fill('not-alices-password');
    await clickClosing(prompt, prompt.getByRole('button', { name: 'Sign in and send' }));
    // The server refused it: the window opens again and says so; nothing went out meanwhile.
    prompt = await nextPasswordWindow();
    await prompt.getByRole('alert').filter({ hasText: 'refused the last password' }).waitFor();
    await prompt.screenshot({ path: artifactPath('roundcube-failure-password-wrong.png') });
    expectNothingSent(before);
    await prompt.getByLabel('Password', { exact: true }).fill('alice-secret');
    await clickClosing(prompt, prompt.getByRole('button', { name: 'Sign in and send' }));
    await expectSentOnce(compose, before, draft);
  }, 300_000);

  it('shows Bob\'s expired certificate as unusable and sends nothing encrypted to him (B9, B7)', async () => {
    const expired = expiredCertificate(pki, { name: pki.users.bob.name, address: pki.users.bob.address }, mkdtempSync(path.join(work, 'expired-')));
    const { cachet } = await launchAlice('expired', {
      seed: { addressBook: [expired.derFile] },
      answers: { pin: pki.users.alice.pin, mailPassword: 'alice-secret' },
    });
    const draft = { to: 'bob@example.test', subject: `Contract draft ${run}`, text: 'Bob, the contract draft for your review.' };
    const { page, compose } = await writeSecurely(cachet, draft);
    const before = mailboxes(draft);
    const bob = compose.locator('[data-recipient="bob@example.test"]');
    await expect.poll(() => bob.getAttribute('data-state'), settle).toBe('invalid');
    const reason = `the certificate expired on ${expired.notAfter.toISOString().slice(0, 10)}`;
    expect(await bob.textContent()).toBe(`bob@example.test: the certificate in your address book cannot be used: ${reason}`);
    // Said again by the Send button, far below the field.
    expect(await compose.locator('#missing-warning').textContent()).toContain(`No usable certificate for: bob@example.test (${reason})`);

    await pressSend(compose);
    expect(await failureShown(compose)).toBe(`No usable certificate for: bob@example.test (${reason})`);
    await expectDraftKept(compose, draft);
    await page.screenshot({ path: artifactPath('roundcube-failure-expired-certificate.png') });
    expectNothingSent(before);

    // B7 leaves Alice the choice to send it unencrypted; signed, Bob can read it.
    await compose.getByRole('button', { name: 'Turn encryption off' }).press('Enter');
    expect(await compose.getByRole('switch', { name: 'Encrypt', exact: true }).isChecked()).toBe(false);
    await pressSend(compose);
    const opened = await expectSentOnce(compose, before, draft);
    expect(opened.layers).toEqual(['signed']);
  }, 300_000);

  it('says the card is missing when it was pulled out while writing, keeps the draft, and sends once it is back (B19)', async () => {
    const { cachet, host } = await launchAlice('card', { answers: { pin: pki.users.alice.pin, mailPassword: 'alice-secret' } });
    // Alice has used her card already: the host holds a login to it.
    const warmUp = { to: 'bob@example.test', subject: `Good morning ${run}`, text: 'Bob, are you in today?' };
    const first = await writeSecurely(cachet, warmUp);
    const beforeWarmUp = mailboxes(warmUp);
    await pressSend(first.compose);
    await expectSentOnce(first.compose, beforeWarmUp, warmUp);
    await first.page.close();

    const draft = { to: 'bob@example.test', subject: `Salaries ${run}`, text: 'Bob, the new salary bands are attached.' };
    const { page, compose } = await writeSecurely(cachet, draft);
    const before = mailboxes(draft);
    host.removeToken();
    // The host looks for its tokens every 2 s (PROTOCOL.md, identities/changed).
    await page.waitForTimeout(5_000);

    await pressSend(compose);
    // Seen by the host's presence check (key/unavailable), or by the signing itself had
    // it come first (token/removed).
    expect(await failureShown(compose)).toMatch(/^Not sent: .*(smart card still inserted|was removed).* Your message is still here/);
    await expectDraftKept(compose, draft);
    await page.screenshot({ path: artifactPath('roundcube-failure-card-removed.png') });
    expectNothingSent(before);

    host.insertToken();
    await pressSend(compose);
    const opened = await expectSentOnce(compose, before, draft);
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
  }, 300_000);
});
