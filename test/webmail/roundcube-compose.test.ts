/**
 * Writing S/MIME inside Roundcube (issue: S/MIME inside a real webmail). Alice presses
 * Secure in Roundcube's compose form; Cachet's compose frame takes over, prefilled from
 * Roundcube's form. Carol has no certificate, and with alwaysEncrypt set by the
 * organisation the message cannot go to her (B7). Sent to Bob through the native host's
 * SMTP, it reaches his mailbox as a message OpenSSL decrypts and verifies, and Alice reads
 * her Sent copy in Cachet. Bob opens it in his own profile, which harvests Alice's
 * certificate, and replies encrypted, quoting the original, with no import.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBMAIL, demoSeed, launchCachetBrowser, launchDemoBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { maildirPath, resetMailboxes } from '../support/mail-system';
import { writeManagedPolicy } from './managed-policy';
import { opensslDecryptAndVerify } from './openssl-mail';
import {
  newMessages, openCompose, openInPreview, pressSecure, settle, signIn, typeRecipients, waitForCachetFrame, webmailContent,
} from './roundcube-session';

let pki: DemoPki;
let release: () => void;
let removePolicy: () => void = () => {};
const work = mkdtempSync(path.join(tmpdir(), 'cachet-webmail-compose-'));
const body = 'Bob, the board meets on Thursday. Keep it to yourself — danke!';
const attachmentName = 'Tagesordnung Ä.txt';
const attachmentText = 'Punkt 1: Übernahme (vertraulich)';

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  writeFileSync(path.join(work, attachmentName), attachmentText);
  // Webmail test files hold the browser lock for their whole life, so one file's mailbox
  // reset never wipes another's messages.
  release = await acquireBrowserLock();
  await resetMailboxes();
}, 300_000);

afterAll(() => {
  removePolicy();
  release?.();
});

/** Presses Send from the keyboard: headless Chromium may hand a mouse click on a frame to the page around it. */
async function sendFromFrame(page: Page, origin: string): Promise<void> {
  const compose = await waitForCachetFrame(page, origin, 'compose.html');
  await compose.getByRole('button', { name: 'Send securely' }).press('Enter');
}

describe('Alice writes in Roundcube with Cachet', () => {
  let alice: CachetBrowser | undefined;
  afterAll(async () => {
    await alice?.close();
  });

  it('sends signed and encrypted to Bob, never to Carol who has no certificate, and reads her Sent copy', async () => {
    removePolicy = writeManagedPolicy({ alwaysEncrypt: true, alwaysSign: true });
    alice = await launchDemoBrowser({ pki, user: 'alice', userDataDir: path.join(work, 'alice'), autoFill: true });
    const page = await signIn(alice.context, 'alice');
    await openCompose(page);
    await typeRecipients(page, 'to', ['bob@example.test', 'carol@example.test']);
    await page.fill('#compose-subject', 'Board meeting');
    await pressSecure(page);

    const compose = await waitForCachetFrame(page, alice.extensionOrigin, 'compose.html');
    const to = compose.getByLabel('To', { exact: true });
    await expect.poll(() => to.inputValue(), settle).toBe('bob@example.test, carol@example.test');
    expect(await compose.getByLabel('Subject').inputValue()).toBe('Board meeting');
    await compose.getByLabel('Message').fill(body);
    await compose.getByLabel('Attach files').setInputFiles(path.join(work, attachmentName));
    await expect.poll(() => compose.locator('[data-recipient="carol@example.test"]').getAttribute('data-state'), settle).toBe('none');

    // B7 with alwaysEncrypt: Carol cannot get it; nothing is sent while she is a recipient.
    await sendFromFrame(page, alice.extensionOrigin);
    await expect.poll(() => compose.locator('#missing-warning').textContent(), settle).toContain('carol@example.test');
    expect(newMessages(maildirPath('carol'), new Set())).toEqual([]);
    await page.screenshot({ path: artifactPath('roundcube-compose-missing.png') });

    await to.fill('bob@example.test');
    await expect.poll(() => compose.locator('[data-recipient="bob@example.test"]').getAttribute('data-state'), settle).toBe('ok');
    await page.screenshot({ path: artifactPath('roundcube-compose.png') });
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('board meets on Thursday');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.accept();
    });
    await sendFromFrame(page, alice.extensionOrigin);
    // Sent: the tab is back in the mailbox, and the message is in Bob's.
    await page.waitForURL(/_mbox=INBOX/, { timeout: 120_000 });
    // Leaving Roundcube's compose form after a send asks nothing: there is nothing to lose.
    expect(dialogs).toEqual([]);
    // The PIN page said what Alice's card was unlocked for.
    expect(alice.pinPurposes.flat()).toContain('Sign the message \u201cBoard meeting\u201d to bob@example.test');
    await expect.poll(() => newMessages(maildirPath('bob'), new Set()).length, settle).toBe(1);
    expect(newMessages(maildirPath('carol'), new Set())).toEqual([]);
    const [delivered] = newMessages(maildirPath('bob'), new Set());
    const opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, delivered ?? '');
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(opened.entity).toContain('board meets on Thursday');

    // Alice's own copy in Sent, read in Cachet (B14: encrypted to her own certificate too).
    const sent = newMessages(maildirPath('alice', 'Sent'), new Set());
    expect(sent).toHaveLength(1);
    await page.goto(`${DEMO_WEBMAIL.origin}/?_task=mail&_mbox=Sent`);
    await page.locator('#messagelist tbody tr').first().click();
    const reader = await waitForCachetFrame(page, alice.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain('board meets on Thursday');
    await alice.close();
    alice = undefined;
    removePolicy();
  }, 300_000);
});

describe('Bob reads Alice\'s message and replies in Roundcube', () => {
  let bob: CachetBrowser | undefined;
  afterAll(async () => {
    await bob?.close();
  });

  it('opens it with a good banner, keeps Alice\'s certificate, and replies encrypted quoting the original', async () => {
    // Bob's Cachet starts without Alice's certificate: it must come from her signed mail.
    const { addressBook: _none, ...seed } = demoSeed(pki, 'bob');
    bob = await launchCachetBrowser({
      userDataDir: path.join(work, 'bob'), hostEnv: pki.users.bob.hostEnv, grantOrigins: [DEMO_WEBMAIL.origin], seed,
      answers: { pin: pki.users.bob.pin, mailPassword: 'bob-secret' },
    });
    const page = await signIn(bob.context, 'bob');
    await openInPreview(page, 1);
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
    expect(await reader.locator('.message-text').textContent()).toContain('board meets on Thursday');
    expect(await reader.locator('.attachments').textContent()).toContain(attachmentName);
    expect(bob.pinPurposes.flat()).toContain('Decrypt the message \u201cBoard meeting\u201d from alice@example.test');
    await page.screenshot({ path: artifactPath('roundcube-reader-bob.png') });
    expect(await webmailContent(page, bob.extensionOrigin)).not.toContain('board meets on Thursday');
    expect(await webmailContent(page, bob.extensionOrigin)).not.toContain('Übernahme');

    const options = await bob.context.newPage();
    await options.goto(`${bob.extensionOrigin}/options.html`);
    const book = await options.evaluate(() => {
      const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };
      return chrome.runtime.sendMessage({ cachet: 1, type: 'address-book/list', req: {} });
    }) as { res: { entries: { addresses: string[]; source: string }[] } };
    expect(book.res.entries.map((e) => [e.addresses, e.source])).toEqual([[['alice@example.test'], 'harvest']]);
    await options.close();

    await page.locator('a.reply:not(.all):visible').first().click();
    await page.waitForURL(/_action=compose/);
    await page.waitForSelector('#toolbar-menu');
    await pressSecure(page);
    const compose = await waitForCachetFrame(page, bob.extensionOrigin, 'compose.html');
    const text = compose.getByLabel('Message');
    await expect.poll(() => text.inputValue(), settle).toContain('> Bob, the board meets on Thursday.');
    expect(await compose.getByLabel('To', { exact: true }).inputValue()).toContain('alice@example.test');
    await text.press('Control+Home');
    await text.pressSequentially('Thanks, I will be there.\n');
    await expect.poll(() => compose.locator('[data-recipient]').first().getAttribute('data-state'), settle).toBe('ok');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await compose.getByRole('button', { name: 'Send securely' }).press('Enter');
    await page.waitForURL(/_mbox=INBOX/, { timeout: 120_000 });
    expect(dialogs).toEqual([]);
    await expect.poll(() => newMessages(maildirPath('alice'), new Set()).length, settle).toBe(1);
    const [reply] = newMessages(maildirPath('alice'), new Set());
    const opened = opensslDecryptAndVerify(pki.users.alice, pki.ca.pemFile, reply ?? '');
    // No policy asks for it: a Secure reply quoting an encrypted message starts protected.
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(opened.entity).toContain('Thanks, I will be there.');
    expect(opened.entity).toContain('> Bob, the board meets on Thursday.');
  }, 300_000);
});
