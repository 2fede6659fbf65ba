/**
 * Reading S/MIME inside Roundcube (issue: S/MIME inside a real webmail): Bob, in his own
 * Chromium with Cachet and his key on a SoftHSM2 token, opens mail in Roundcube on the
 * loopback Dovecot. Cachet's frame shows the plaintext and a valid banner; Roundcube's
 * documents never hold the plaintext or the attachment's content, while the message is
 * open and after.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDemoBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { deliver, MAIL_STATE_DIR, resetMailboxes } from '../support/mail-system';
import { clearSigned, signedAndEncrypted } from './openssl-mail';
import { openInPreview, settle, signIn, waitForCachetFrame, webmailContent } from './roundcube-session';

let pki: DemoPki;
let bob: CachetBrowser;
let release: () => void;

const secretText = 'The launch code is 7401-ALPHA. Bitte vertraulich behandeln — Grüße.';
const attachmentText = 'Quartalszahlen: Umsatz 1.234.567 € (streng geheim)';

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  // Webmail test files hold the browser lock for their whole life, so one file's mailbox
  // reset never wipes another's messages.
  release = await acquireBrowserLock();
  await resetMailboxes();
  bob = await launchDemoBrowser({ pki, user: 'bob', userDataDir: mkdtempSync(path.join(tmpdir(), 'cachet-bob-')), autoFill: true });
}, 300_000);

afterAll(async () => {
  await bob?.close();
  release?.();
});

/** Roundcube's HTTP log (php -S): one line per request served, from `from` bytes on. */
const roundcubeLog = path.join(MAIL_STATE_DIR, 'log', 'roundcube-http.log');
const logSize = () => statSync(roundcubeLog).size;
const sourceRequests = (from: number, uid: number) => readFileSync(roundcubeLog).subarray(from).toString('latin1')
  .split('\n').filter((line) => line.includes('GET /?_task=mail&_action=viewsource') && line.includes(`&_uid=${uid}&`)).length;

describe('Bob reads S/MIME mail in Roundcube', () => {
  it('fetches the source of a message selected in the list while Roundcube loads its preview, and only once', async () => {
    const uid = await deliver('bob', signedAndEncrypted(pki.users.alice, pki.users.bob, { subject: 'Fetched ahead', text: 'Ahead of the preview: 5521.' }));
    const page = await signIn(bob.context, 'bob');
    const from = logSize();
    // Roundcube's preview is held back; Cachet's fetch of the source, from its service worker, is not.
    let letPreviewGo = () => undefined as void;
    const previewHeld = new Promise<void>((resolve) => { letPreviewGo = resolve; });
    await page.route(/_action=preview/, async (route) => {
      await previewHeld;
      await route.continue();
    });
    await openInPreview(page, uid);
    await expect.poll(() => sourceRequests(from, uid), settle).toBe(1);
    letPreviewGo();
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain('5521');
    // The reader took the source fetched ahead.
    expect(sourceRequests(from, uid)).toBe(1);
    await page.close();
  }, 180_000);

  it('shows a signed and encrypted message with a non-ASCII attachment only in Cachet\'s frame', async () => {
    const message = signedAndEncrypted(pki.users.alice, pki.users.bob, {
      subject: 'Quarterly figures', text: secretText, attachment: { fileName: 'Übersicht Q3.txt', content: attachmentText },
    });
    const uid = await deliver('bob', message);
    const page = await signIn(bob.context, 'bob');
    await openInPreview(page, uid);
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain('7401-ALPHA');
    await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
    expect(await reader.locator('.security-summary').getAttribute('data-encrypted')).toBe('true');
    expect(await reader.locator('.attachments').textContent()).toContain('Übersicht Q3.txt');
    await page.screenshot({ path: artifactPath('roundcube-reader.png') });

    for (const moment of ['while open', 'after']) {
      const content = await webmailContent(page, bob.extensionOrigin);
      expect(content, moment).not.toContain('7401-ALPHA');
      expect(content, moment).not.toContain('Quartalszahlen');
      expect(content, moment).not.toContain(Buffer.from(attachmentText).toString('base64').slice(0, 40));
      if (moment === 'while open') await page.locator('#messagelist tbody tr').first().click().catch(() => undefined);
    }
    await page.close();
  }, 180_000);

  it('verifies a clear-signed message whose signed part has CRLF line ends (the byte-exact source)', async () => {
    const message = clearSigned(pki.users.alice, pki.users.bob, { subject: 'Signed, CRLF', text: 'Line one\r\nLine two\r\n\r\nLast line' });
    expect(message.includes(Buffer.from('Line one\r\nLine two'))).toBe(true);
    const uid = await deliver('bob', message);
    const page = await signIn(bob.context, 'bob');
    await openInPreview(page, uid);
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
    expect(await reader.locator('.security-summary').getAttribute('data-encrypted')).toBe('false');
    await page.close();
  }, 180_000);
});
