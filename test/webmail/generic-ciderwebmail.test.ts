/**
 * The generic adapter in a second real webmail (issue: S/MIME inside a real webmail,
 * section 5): CiderWebmail 1.05 from Debian 12 on the loopback Dovecot, which has no
 * adapter of its own. Bob signs in, opens a signed and encrypted message from the list,
 * and the smime.p7m that CiderWebmail lists as an attachment gets "Open in Cachet": Cachet's
 * frame decrypts it on his token with CiderWebmail's session and shows the plaintext and
 * Alice's good signature, while CiderWebmail's documents never hold the plaintext or the
 * attachment's content.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCachetBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { CIDERWEBMAIL_URL, deliver, MAIL_ACCOUNTS, resetMailboxes } from '../support/mail-system';
import { signedAndEncrypted } from './openssl-mail';
import { settle, waitForCachetFrame, webmailContent } from './roundcube-session';

const origin = new URL(CIDERWEBMAIL_URL).origin;
const secretText = 'Treffpunkt: Gleis 9¾ um 06:15 — Codewort CIDER-5521.';
const attachmentText = 'Lagerbestand: 1.024 Fässer (nur intern)';

let pki: DemoPki;
let bob: CachetBrowser;
let release: () => void;

/** Signs in to CiderWebmail as a user does, from its login form, and lands in the INBOX. */
async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(CIDERWEBMAIL_URL);
  await page.locator('#username').fill(MAIL_ACCOUNTS.bob.address);
  await page.locator('input[name="password"]').fill(MAIL_ACCOUNTS.bob.password);
  await page.locator('#login button[type="submit"]').click();
  await page.locator('#messages_pane').waitFor({ timeout: 30_000 });
  // The message list answers clicks once the page's load handler ran.
  await page.waitForLoadState('load');
  return page;
}

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  // As every webmail test file: the mailboxes are reset only under the browser lock.
  release = await acquireBrowserLock();
  await resetMailboxes();
  bob = await launchCachetBrowser({
    userDataDir: mkdtempSync(path.join(tmpdir(), 'cachet-cider-bob-')), hostEnv: pki.users.bob.hostEnv,
    grantOrigins: [origin], seed: { trustedRoots: [pki.ca.derFile], enableSites: [origin] }, answers: { pin: pki.users.bob.pin },
  });
}, 300_000);

afterAll(async () => {
  await bob?.close();
  release?.();
});

describe('generic adapter in CiderWebmail', () => {
  it('opens the smime.p7m of a signed and encrypted message in Cachet\'s frame, never in the page', async () => {
    const message = signedAndEncrypted(pki.users.alice, pki.users.bob, {
      subject: 'Lieferung', text: secretText, attachment: { fileName: 'Bestand März.txt', content: attachmentText },
    });
    const uid = await deliver('bob', message);
    const page = await signIn(bob.context);
    // CiderWebmail loads the message below the list, as a click on its subject does.
    await page.locator(`#link_${uid}`).click();
    const attachment = page.locator('#message_view .attachments a', { hasText: 'smime.p7m' });
    await attachment.waitFor({ timeout: 30_000 });
    const control = page.locator('#message_view cachet-control[data-cachet="reader"]');
    await control.waitFor({ timeout: 30_000 });
    expect(await page.locator('cachet-control[data-cachet="reader"]').count()).toBe(1);

    // The button is at the end of Cachet's bar, inside its closed shadow root.
    const box = await control.boundingBox();
    await control.click({ position: { x: (box?.width ?? 80) - 60, y: (box?.height ?? 20) / 2 } });
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain('CIDER-5521');
    await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
    expect(await reader.locator('.banner').first().textContent()).toContain('Alice');
    expect(await reader.locator('.security-summary').getAttribute('data-encrypted')).toBe('true');
    // CiderWebmail hands over the attachment alone, which names no sender or date.
    expect(await reader.locator('[data-notice="bare-file"]').count()).toBe(1);
    expect(await reader.locator('.attachments').textContent()).toContain('Bestand März.txt');
    await page.screenshot({ path: artifactPath('generic-ciderwebmail-reader.png') });

    for (const moment of ['while open', 'after']) {
      const content = await webmailContent(page, bob.extensionOrigin);
      expect(content, moment).toContain('Lieferung');
      expect(content, moment).not.toContain('CIDER-5521');
      expect(content, moment).not.toContain('Fässer');
      expect(content, moment).not.toContain(Buffer.from(attachmentText).toString('base64').slice(0, 40));
      // Back to the INBOX, where the message is listed but no longer open.
      if (moment === 'while open') {
        await page.goto(`${CIDERWEBMAIL_URL}mailbox/INBOX/`);
        await page.locator(`#link_${uid}`).waitFor({ timeout: 30_000 });
      }
    }
    await page.close();
  }, 180_000);
});
