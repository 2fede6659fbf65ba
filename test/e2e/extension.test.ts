import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { makeTestCertificates, type TestCertificates } from '../background/test-certificates';
import { artifactPath, buildExtension, extensionOrigin, launchWithExtension, type LaunchedBrowser } from './browser';

let certs: TestCertificates;
beforeAll(() => {
  buildExtension();
  certs = makeTestCertificates();
});
afterAll(() => certs.cleanup());

async function openPage(browser: LaunchedBrowser, name: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${extensionOrigin}/${name}`);
  return page;
}

/** Sends a raw runtime message from inside an extension page, as the page's own code would. */
function sendFrom(page: Page, type: string, req: unknown): Promise<unknown> {
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  return page.evaluate(([t, r]) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: t, req: r }), [type, req] as const);
}

/** Waits for the UI to reach a state; the bound only stops a broken run, it measures nothing. */
const settle = { timeout: 20_000, interval: 50 };
const poll = <T>(read: () => Promise<T>) => expect.poll(read, settle);

/** The text of the elements named by aria-describedby, as assistive technology reads it. */
async function description(locator: Locator): Promise<string> {
  const ids = (await locator.getAttribute('aria-describedby')) ?? '';
  const page = locator.page();
  const parts = await Promise.all(ids.split(/\s+/).filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
  return parts.join(' ').trim();
}

/** Accessible names of the elements Tab reaches, in order, starting from the top. */
async function tabOrder(page: Page, steps: number): Promise<string[]> {
  await page.locator('body').focus();
  const names: string[] = [];
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('Tab');
    names.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
      return (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '').trim();
    }));
  }
  return names;
}

const nativeStates = ['connected', 'not-installed', 'forbidden', 'failed-to-start', 'exited', 'error'];

describe('Cachet in Chromium, user settings', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchWithExtension();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('starts the service worker of the built extension', () => {
    expect(browser.worker.url()).toBe(`${extensionOrigin}/background/main.js`);
  });

  it('popup shows the native host status and the defaults, and is keyboard-usable', async () => {
    const page = await openPage(browser, 'popup.html');
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Cachet');
    await page.locator('[data-native-state]').waitFor();
    const state = await page.locator('[data-native-state]').getAttribute('data-native-state');
    expect(nativeStates).toContain(state);
    if (state !== 'connected') await page.getByText(/^Fix: /).waitFor();
    await page.getByText('Encrypt new messages: off').waitFor();
    await page.locator('main').screenshot({ path: artifactPath('popup.png') });
    expect(await tabOrder(page, 3)).toEqual(['Open reader', 'Write secure message', 'Settings']);
    const opened = browser.context.waitForEvent('page');
    const closed = page.waitForEvent('close');
    // The popup closes itself in answer to the key, so the press may see its page go away.
    await page.keyboard.press('Enter').catch((error: unknown) => {
      if (!page.isClosed()) throw error;
    });
    const options = await opened;
    expect(options.url()).toBe(`${extensionOrigin}/options.html`);
    // As a real popup does, it closes once it has opened the page.
    await closed;
    await options.close();
  });

  it('options page changes a user option by keyboard, and it persists', async () => {
    const page = await openPage(browser, 'options.html');
    const sign = page.getByLabel('Sign new messages', { exact: true });
    await sign.waitFor();
    expect(await sign.isChecked()).toBe(false);
    await sign.focus();
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.reload();
    await poll(() => page.getByLabel('Sign new messages', { exact: true }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Use the default for: Sign new messages' }).waitFor();
    const popup = await openPage(browser, 'popup.html');
    await popup.getByText('Sign new messages: on').waitFor();
    await popup.close();
    await page.close();
  });

  it('options page refuses an invalid value with a visible error', async () => {
    const page = await openPage(browser, 'options.html');
    const timeout = page.getByLabel('Time limit per revocation URL (ms)');
    await timeout.fill('5');
    await timeout.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'must be between 100 and 600000 ms' }).waitFor();
    await page.close();
  });

  it('imports certificates into the address book and deletes one by keyboard', async () => {
    const page = await openPage(browser, 'options.html');
    await page.getByLabel('Import certificates (.cer, .pem, .p7c)').setInputFiles({
      name: 'people.p7c', mimeType: 'application/pkcs7-mime', buffer: Buffer.from(certs.bundleP7c),
    });
    await page.getByRole('status').filter({ hasText: '2 certificates added, 0 were already there.' }).waitFor();
    const table = page.locator('table[data-list="address-book"]');
    await poll(() => table.getByRole('row').count()).toBe(3);
    expect(await table.textContent()).toContain('alice@example.org');
    expect(await table.textContent()).toContain('bob@example.org');
    await page.screenshot({ path: artifactPath('options.png'), fullPage: true });
    const remove = page.getByRole('button', { name: 'Delete alice@example.org' });
    await remove.focus();
    await page.keyboard.press('Enter');
    await poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.textContent()).not.toContain('alice@example.org');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('address-book-heading');
    await page.close();
  });

  it('adds and removes a trusted root', async () => {
    const page = await openPage(browser, 'options.html');
    await page.getByLabel('Add a trusted root certificate').setInputFiles({ name: 'alice.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(certs.alice.pem) });
    const roots = page.locator('ul[data-list="trusted-roots"]');
    await roots.getByText('CN=Alice Example').waitFor();
    await page.getByRole('button', { name: 'Remove CN=Alice Example' }).click();
    await page.getByText('No root certificates added.').waitFor();
    await page.close();
  });

  it('the background refuses what a page may not ask, by sender', async () => {
    const page = await openPage(browser, 'options.html');
    expect(await sendFrom(page, 'frame/open-reader', { messageId: 'm1' })).toMatchObject({ ok: false, error: { code: 'runtime/forbidden' } });
    expect(await sendFrom(page, 'pin/provide', { promptId: 'p1', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'runtime/forbidden' } });
    expect(await sendFrom(page, 'policy/set-user', { key: 'alwaysSign', value: 'yes' })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await sendFrom(page, 'no/such', {})).toMatchObject({ ok: false, error: { code: 'runtime/unknown-command' } });
    await page.close();
  });

  it('options page shows each mail provider\'s sign-in app and sign-in, with Sign in only where an app is set', async () => {
    const page = await openPage(browser, 'options.html');
    const section = page.getByRole('region', { name: 'Mail provider accounts' });
    const google = section.getByRole('group', { name: 'Google' });
    const microsoft = section.getByRole('group', { name: 'Microsoft' });
    await google.getByText('Not signed in.').waitFor();
    expect(await google.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    expect(await description(google.getByRole('button', { name: 'Sign in' }))).toMatch(/^Not set: add one under/);
    // An app set in the options shows at once, and its Sign in can be reached by keyboard.
    expect(await sendFrom(page, 'policy/set-user', { key: 'oauthClients', value: { microsoft: { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', tenant: 'organizations' } } }))
      .toMatchObject({ ok: true });
    await page.reload();
    await microsoft.getByText('Set in these settings.').waitFor();
    const signIn = microsoft.getByRole('button', { name: 'Sign in' });
    expect(await signIn.isEnabled()).toBe(true);
    await signIn.focus();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    await section.screenshot({ path: artifactPath('options-mail-providers.png') });
    expect(await sendFrom(page, 'policy/reset-user', { key: 'oauthClients' })).toMatchObject({ ok: true });
    await page.close();
  });

  it('the PIN page says so when its request is not open, and never sends a PIN', async () => {
    const page = await openPage(browser, 'pin.html#no-such-prompt');
    await page.getByRole('alert').filter({ hasText: 'This PIN request is no longer open.' }).waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    await page.close();
  });

  it('options page sets the security phrase; the reader and compose pages show it, also framed in a web page', async () => {
    const page = await openPage(browser, 'options.html');
    // A phrase drawn at random is there before the user picks one, and the page says it can be changed.
    const phrase = page.getByLabel('Your phrase');
    await poll(() => phrase.inputValue()).toMatch(/^[a-z]+ [a-z]+$/);
    await page.getByText(/Cachet picked a random phrase/).waitFor();
    await phrase.fill('Blue kettle on the stove');
    await page.getByRole('radio', { name: 'Purple', exact: true }).check();
    await page.getByLabel('Sign', { exact: true }).selectOption('\u2605');
    await page.getByRole('button', { name: 'Save security phrase' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.locator('section[aria-labelledby="indicator-heading"]').screenshot({ path: artifactPath('options-security-phrase.png') });
    await page.close();

    const expectBadge = async (badge: Locator) => {
      await poll(() => badge.textContent()).toContain('Your Cachet phrase: Blue kettle on the stove');
      expect([await badge.getAttribute('data-colour'), await badge.getAttribute('data-glyph')]).toEqual(['purple', '\u2605']);
    };
    for (const name of ['reader.html', 'compose.html']) {
      const shown = await openPage(browser, name);
      await expectBadge(shown.getByRole('complementary', { name: 'Your Cachet security phrase' }));
      await shown.close();
    }

    // Framed by a web page, as a webmail frames them (with a frame token in the fragment;
    // this one is the page's own guess, which the frames refuse): the frames show the
    // phrase, the page cannot read it.
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
        .end(`<iframe id="reader" src="${extensionOrigin}/reader.html#guessed"></iframe><iframe id="compose" src="${extensionOrigin}/compose.html#guessed"></iframe>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      const webmail = await browser.context.newPage();
      await webmail.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      for (const id of ['reader', 'compose']) {
        await expectBadge(webmail.frameLocator(`#${id}`).getByRole('complementary', { name: 'Your Cachet security phrase' }));
      }
      await webmail.screenshot({ path: artifactPath('framed-security-phrase.png') });
      expect(await webmail.evaluate(() => document.body.innerText)).not.toContain('Blue kettle');
      expect(await webmail.evaluate(() => (document.getElementById('reader') as HTMLIFrameElement).contentDocument)).toBeNull();
      await webmail.close();
    } finally {
      // The browser keeps its connection alive; close() alone would wait for it.
      site.closeAllConnections();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  });
});

describe('Cachet in Chromium, managed policy', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchWithExtension({
      managedPolicy: {
        alwaysEncrypt: true,
        encryptionAlgorithms: ['aes256-cbc'],
        trustedRoots: [bytesToBase64(certs.bob.der)],
      },
    });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows managed keys as locked in the options page', async () => {
    const page = await openPage(browser, 'options.html');
    const encrypt = page.getByLabel(/^Encrypt new messages/);
    await encrypt.waitFor();
    expect(await encrypt.isChecked()).toBe(true);
    expect(await encrypt.isDisabled()).toBe(true);
    expect(await description(encrypt)).toBe('Set by your organisation.');
    await page.getByText('3 of these settings are set by your organisation').waitFor();
    const algorithms = page.locator('fieldset[data-policy-key="encryptionAlgorithms"]');
    expect(await algorithms.getByLabel('aes256-cbc').isChecked()).toBe(true);
    expect(await algorithms.getByLabel('aes256-gcm').isChecked()).toBe(false);
    expect(await algorithms.getByLabel('aes256-gcm').isDisabled()).toBe(true);
    const roots = page.locator('ul[data-list="trusted-roots"]');
    await roots.getByText(/CN=Bob Example/).waitFor();
    expect(await roots.getByRole('button').count()).toBe(0);
    expect(await page.getByLabel('Sign new messages', { exact: true }).isEnabled()).toBe(true);
    await page.screenshot({ path: artifactPath('options-managed.png'), fullPage: true });
    await page.close();
  });

  it('the background refuses to change a locked key', async () => {
    const page = await openPage(browser, 'options.html');
    expect(await sendFrom(page, 'policy/set-user', { key: 'alwaysEncrypt', value: false })).toMatchObject({ ok: false, error: { code: 'policy/locked' } });
    const view = (await sendFrom(page, 'policy/get', {})) as { res: { policy: { alwaysEncrypt: boolean }; locked: string[] } };
    expect(view.res.policy.alwaysEncrypt).toBe(true);
    expect(view.res.locked.sort()).toEqual(['alwaysEncrypt', 'encryptionAlgorithms', 'trustedRoots']);
    await page.close();
  });

  it('popup shows the managed default', async () => {
    const page = await openPage(browser, 'popup.html');
    await page.getByText('Encrypt new messages: on').waitFor();
    await page.getByText('3 settings are set by your organisation.').waitFor();
    await page.locator('main').screenshot({ path: artifactPath('popup-managed.png') });
    await page.close();
  });
});

describe('Cachet in Chromium, with the real native host', () => {
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = await launchWithExtension({ nativeHost: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('the background completes the hello handshake with the host and the popup says so', async () => {
    const page = await openPage(browser, 'popup.html');
    await page.locator('[data-native-state]').waitFor();
    expect(await page.locator('[data-native-state]').getAttribute('data-native-state')).toBe('connected');
    expect(await sendFrom(page, 'native/status', {})).toMatchObject({ ok: true, res: { state: 'connected', detail: expect.stringMatching(/^Cachet host \S+ \(linux-/) as unknown } });
    await page.close();
  });
});
