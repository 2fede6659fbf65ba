/**
 * Switching Cachet on and off for a webmail from the toolbar popup (issue: S/MIME inside
 * a real webmail, the content layer): Cachet runs on no site until the user switches it
 * on for that site, and switching it off removes it again. The browser's permission for
 * the site was given before (the test profile records the user's "Allow"; no automation
 * can reach the browser's own prompt); the popup asks for it all the same.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBMAIL, demoSeed, launchCachetBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { deliver, resetMailboxes } from '../support/mail-system';
import { clearSigned } from './openssl-mail';
import { cachetFrame, openInPreview, settle, signIn, waitForCachetFrame } from './roundcube-session';
import { openPopupFor } from './popup-page';

let pki: DemoPki;
let bob: CachetBrowser;
let release: () => void;

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  release = await acquireBrowserLock();
  await resetMailboxes();
  const { enableSites: _off, ...seed } = demoSeed(pki, 'bob');
  bob = await launchCachetBrowser({
    userDataDir: mkdtempSync(path.join(tmpdir(), 'cachet-popup-bob-')), hostEnv: pki.users.bob.hostEnv,
    grantOrigins: [DEMO_WEBMAIL.origin], seed, answers: { pin: pki.users.bob.pin },
  });
}, 300_000);

afterAll(async () => {
  await bob?.close();
  release?.();
});

const scripts = () => bob.worker.evaluate(async () => {
  const { chrome } = globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string }[]> } } };
  return (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.id);
});

describe('the popup switches Cachet on and off for the current site', () => {
  it('runs Cachet on Roundcube only once switched on, and no more once switched off', async () => {
    const uid = await deliver('bob', clearSigned(pki.users.alice, pki.users.bob, { subject: 'Signed', text: 'Signed hello' }));
    const page = await signIn(bob.context, 'bob');
    await openInPreview(page, uid);
    await page.waitForTimeout(2000);
    expect(cachetFrame(page, bob.extensionOrigin, 'reader.html')).toBeUndefined();
    expect(await scripts()).toEqual([]);

    const popup = await openPopupFor(bob, DEMO_WEBMAIL.origin);
    expect(page.url()).toContain(DEMO_WEBMAIL.origin);
    const site = popup.locator('.site');
    await expect.poll(() => site.getAttribute('data-site-enabled'), settle).toBe('false');
    expect(await site.textContent()).toContain(DEMO_WEBMAIL.origin);
    await popup.getByRole('button', { name: 'Use Cachet on this site' }).click();
    await expect.poll(() => site.getAttribute('data-site-enabled'), settle).toBe('true');
    await popup.screenshot({ path: artifactPath('popup.png'), fullPage: true });
    expect((await scripts()).sort()).toEqual([`cachet-site-page:${DEMO_WEBMAIL.origin}`, `cachet-site:${DEMO_WEBMAIL.origin}`]);

    // The popup reloaded the webmail's tab: its pages now have Cachet.
    await page.waitForSelector('#mailboxlist');
    await page.waitForLoadState('networkidle');
    await openInPreview(page, uid);
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.banner').getAttribute('data-verdict'), settle).toBe('good');

    await popup.getByRole('button', { name: 'Turn Cachet off for this site' }).click();
    await expect.poll(() => site.getAttribute('data-site-enabled'), settle).toBe('false');
    expect(await scripts()).toEqual([]);
    expect(await bob.worker.evaluate((origin) => {
      const { chrome } = globalThis as unknown as { chrome: { permissions: { contains(p: object): Promise<boolean> } } };
      return chrome.permissions.contains({ origins: [`${origin}/*`] });
    }, DEMO_WEBMAIL.origin)).toBe(false);
    await page.waitForSelector('#mailboxlist');
    await page.waitForLoadState('networkidle');
    await openInPreview(page, uid);
    await page.waitForTimeout(2000);
    expect(cachetFrame(page, bob.extensionOrigin, 'reader.html')).toBeUndefined();
  }, 240_000);
});
