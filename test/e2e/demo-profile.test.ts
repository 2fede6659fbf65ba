/**
 * The demo profile the webmail tests and `npm start` share: Bob's Chromium with his token
 * behind the native host, the demo CA trusted, Alice in his address book, and the loopback
 * webmail's permission granted with Cachet switched on there.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBMAIL, demoSeed, launchCachetBrowser, launchDemoBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from './browser-lock';
import { buildExtension, extensionOrigin, root } from './browser';

/** Waits for the UI to reach a state; the bound only stops a broken run, it measures nothing. */
const settle = { timeout: 20_000, interval: 50 };

/** Sends a raw runtime message from inside an extension page, as the page's own code would. */
function sendFrom(page: Page, type: string, req: unknown): Promise<unknown> {
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  return page.evaluate(([t, r]) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: t, req: r }), [type, req] as const);
}

describe('the demo profile for Bob', () => {
  let pki: DemoPki;
  let browser: CachetBrowser | undefined;
  let release: (() => void) | undefined;
  const profile = mkdtempSync(path.join(tmpdir(), 'cachet-demo-profile-'));

  beforeAll(async () => {
    buildExtension();
    // The shared state the webmail tests use as well: made once, reused afterwards.
    pki = ensureDemoPki();
    release = await acquireBrowserLock();
    browser = await launchDemoBrowser({ pki, user: 'bob', userDataDir: profile, autoFill: true });
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      release?.();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  async function optionsPage(): Promise<Page> {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.context.newPage();
    await page.goto(`${extensionOrigin}/options.html`);
    return page;
  }

  it('lists Bob\'s key on his token as a hardware identity', async () => {
    const page = await optionsPage();
    const rows = page.locator('[data-list="identities"] tbody tr');
    await expect.poll(() => rows.count(), settle).toBe(1);
    expect(await rows.first().getAttribute('data-hardware')).toBe('true');
    const text = await rows.first().textContent();
    expect(text).toContain('bob@example.test');
    expect(text).toContain(pki.users.bob.tokenLabel);
    await page.close();
  });

  it('trusts the demo CA', async () => {
    const page = await optionsPage();
    const roots = page.locator('[data-list="trusted-roots"]');
    await expect.poll(() => roots.textContent(), settle).toContain(pki.ca.name);
    await page.close();
  });

  it('has the host permission for the loopback webmail in the service worker', async () => {
    if (!browser) throw new Error('the browser did not start');
    type Permissions = { chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } };
    const granted = await browser.worker.evaluate(() =>
      (globalThis as unknown as Permissions).chrome.permissions.contains({ origins: ['http://127.0.0.1:8025/*'] }));
    expect(granted).toBe(true);
  });

  it('holds Alice\'s certificate in the address book', async () => {
    const page = await optionsPage();
    const reply = await sendFrom(page, 'address-book/list', {}) as { ok: boolean; res: { entries: { fingerprint: string; addresses: string[] }[] } };
    expect(reply.ok).toBe(true);
    const alice = reply.res.entries.find((e) => e.addresses.includes('alice@example.test'));
    expect(alice?.fingerprint).toBe(createHash('sha256').update(pki.users.alice.certificate.der).digest('hex'));
    await page.close();
  });

  it('has Cachet switched on for the webmail, with Bob\'s mail account', async () => {
    const page = await optionsPage();
    expect(await sendFrom(page, 'site/status', { origin: DEMO_WEBMAIL.origin })).toMatchObject({ ok: true, res: { enabled: true } });
    expect(await sendFrom(page, 'policy/get', {})).toMatchObject({
      ok: true,
      res: { user: { mailAccounts: [{ origin: DEMO_WEBMAIL.origin, user: 'bob@example.test', imap: { host: '127.0.0.1', port: 143 } }] } },
    });
    await page.close();
  });
});

describe('a profile kept from one build to the next', () => {
  /** A copy of the built extension at `extensionDir` whose background notes `mark` when it starts. */
  function markedCopy(extensionDir: string, mark: string): void {
    cpSync(path.join(root, 'dist/chrome'), extensionDir, { recursive: true });
    const background = path.join(extensionDir, 'background', 'main.js');
    writeFileSync(background, `globalThis.cachetBuildMark = ${JSON.stringify(mark)};\n${readFileSync(background, 'utf8')}`);
  }
  const markOf = (browser: CachetBrowser) => browser.worker.evaluate(() => (globalThis as unknown as { cachetBuildMark?: string }).cachetBuildMark);

  it('runs the background of the build it is launched with, not the one it last ran', async () => {
    buildExtension();
    const pki = ensureDemoPki();
    const work = mkdtempSync(path.join(tmpdir(), 'cachet-kept-profile-'));
    const extensionDir = path.join(work, 'extension');
    const profile = path.join(work, 'profile');
    const release = await acquireBrowserLock();
    try {
      // The same unpacked extension at the same version and path, rebuilt in between.
      for (const mark of ['first build', 'second build']) {
        markedCopy(extensionDir, mark);
        const kept = await launchCachetBrowser({ userDataDir: profile, hostEnv: pki.users.bob.hostEnv, extensionDir });
        try {
          expect(await markOf(kept)).toBe(mark);
        } finally {
          await kept.close();
        }
      }
    } finally {
      release();
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);

  it('takes the settings when the profile last ran the extension from another folder', async () => {
    buildExtension();
    const pki = ensureDemoPki();
    const work = mkdtempSync(path.join(tmpdir(), 'cachet-moved-profile-'));
    const profile = path.join(work, 'profile');
    const release = await acquireBrowserLock();
    try {
      // The same extension (one id, one version) at two paths, as a work tree and a clean clone.
      for (const folder of ['tree', 'clone', 'tree']) {
        const extensionDir = path.join(work, folder);
        markedCopy(extensionDir, folder);
        const kept = await launchCachetBrowser({
          userDataDir: profile, hostEnv: pki.users.bob.hostEnv, extensionDir,
          grantOrigins: [DEMO_WEBMAIL.origin], seed: demoSeed(pki, 'bob'),
        });
        try {
          expect(await markOf(kept)).toBe(folder);
          const page = await kept.context.newPage();
          await page.goto(`${extensionOrigin}/options.html`);
          expect(await sendFrom(page, 'site/status', { origin: DEMO_WEBMAIL.origin })).toMatchObject({ ok: true, res: { enabled: true } });
        } finally {
          await kept.close();
        }
      }
    } finally {
      release();
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
