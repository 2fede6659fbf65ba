/**
 * Secure compose in Chromium with the built extension and the real native host, whose
 * smart card is a SoftHSM2 token holding Alice's corpus key. Bob's certificate goes into
 * the address book, the message is signed on the card (the PIN typed in Cachet's PIN
 * window, never in compose) and encrypted, and `openssl cms` opens the downloaded .eml
 * with Bob's key and checks both signatures against the corpus Test CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslUnwrap } from '../cms/support/smime-layers';
import { artifactPath, buildExtension, extensionOrigin, launchWithExtension, type LaunchedBrowser, type LaunchOptions } from './browser';
import { makeTokenHost, USER_PIN, type TokenHost } from './token-host';

const corpus = path.resolve('../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
const testCa = path.join(corpus, 'TestCA.pem');

let scratch: string;
let bob: { certPath: string; keyPath: string };
let token: TokenHost;

beforeAll(() => {
  buildExtension();
  scratch = mkdtempSync(path.join(tmpdir(), 'cachet-e2e-compose-'));
  const p12 = ['pkcs12', '-in', path.join(corpus, 'Bob.p12'), '-passin', 'pass:nss'];
  bob = { certPath: path.join(scratch, 'bob.pem'), keyPath: path.join(scratch, 'bob.key') };
  writeFileSync(bob.certPath, execFileSync('openssl', [...p12, '-clcerts', '-nokeys']));
  writeFileSync(bob.keyPath, execFileSync('openssl', [...p12, '-nocerts', '-nodes']));
  token = makeTokenHost(['Alice']);
});
afterAll(() => {
  token.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** The browser of one describe block, started with the token host and closed after it. */
function browserFor(options: Omit<LaunchOptions, 'nativeHost'> = {}): () => LaunchedBrowser {
  let launched: LaunchedBrowser | undefined;
  beforeAll(async () => {
    launched = await launchWithExtension({ ...options, nativeHost: { env: token.env } });
  });
  afterAll(() => launched?.close());
  return () => {
    if (!launched) throw new Error('the browser did not start');
    return launched;
  };
}

const openPage = async (browser: LaunchedBrowser, name: string): Promise<Page> => {
  const page = await browser.context.newPage();
  await page.goto(`${extensionOrigin}/${name}`);
  return page;
};

/** What the background answers a compose/build sent by this page's own script, bypassing its checks. */
function rawBuild(page: Page, request: Record<string, unknown>): Promise<unknown> {
  return page.evaluate((req) => {
    const { runtime } = (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } }).chrome;
    return runtime.sendMessage({ cachet: 1, type: 'compose/build', req });
  }, request);
}

/** Bob's certificate in the address book and the corpus CA as a trusted root, as a user would set them up. */
async function setUpTrust(browser: LaunchedBrowser): Promise<void> {
  const options = await openPage(browser, 'options.html');
  await options.getByLabel('Import certificates (.cer, .pem, .p7c)').setInputFiles({
    name: 'bob.pem', mimeType: 'application/x-pem-file', buffer: readFileSync(bob.certPath),
  });
  await options.getByRole('status').filter({ hasText: '1 certificates added' }).waitFor();
  await options.getByLabel('Add a trusted root certificate').setInputFiles({
    name: 'TestCA.pem', mimeType: 'application/x-pem-file', buffer: readFileSync(testCa),
  });
  await options.locator('ul[data-list="trusted-roots"]').getByText(/NSS Test CA/).waitFor();
  await options.close();
}

/** The description a screen reader reads for a control (its aria-describedby targets). */
async function description(page: Page, label: string): Promise<string> {
  const control = page.getByLabel(label, { exact: true });
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const parts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return parts.join(' ').trim();
}

describe('secure compose with a smart card', () => {
  const current = browserFor();
  let browser: LaunchedBrowser;
  beforeAll(async () => {
    browser = current();
    await setUpTrust(browser);
  });

  it('signs on the card, encrypts to Bob, and OpenSSL opens and verifies the .eml', async () => {
    const compose = await openPage(browser, 'compose.html');
    const from = compose.getByLabel('From', { exact: true });
    await from.waitFor();
    const alice = compose.locator('option', { hasText: 'Alice@example.com' });
    expect(await alice.getAttribute('data-hardware')).toBe('true');
    expect(await alice.textContent()).toContain('smart card');
    await from.selectOption({ label: (await alice.textContent()) ?? '' });

    // B1 compares the local part exactly: the corpus certificate is for "Bob@example.com".
    await compose.getByLabel('To', { exact: true }).fill('Bob@example.com');
    const status = compose.locator('li[data-recipient="Bob@example.com"]');
    await status.and(compose.locator('[data-state="ok"]')).waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toMatch(/certificate found in your address book .*CN=Bob/);
    await compose.getByLabel('Subject', { exact: true }).fill('Quarterly figures – confidential');
    await compose.getByLabel('Message', { exact: true }).fill('Hello Bob,\n\nthe figures are attached. Grüße, Alice\n');
    await compose.getByLabel('Attach files').setInputFiles({ name: 'Zahlen-Ü.csv', mimeType: 'text/csv', buffer: Buffer.from('q,value\n3,42\n') });
    await compose.getByRole('button', { name: 'Remove Zahlen-Ü.csv' }).waitFor();
    for (const name of ['Sign', 'Encrypt']) await compose.getByLabel(name, { exact: true }).check();
    await compose.screenshot({ path: artifactPath('compose.png'), fullPage: true });

    const pinPage = browser.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(`${extensionOrigin}/pin.html#`), timeout: 60_000 });
    const download = compose.waitForEvent('download', { timeout: 120_000 });
    await compose.getByRole('button', { name: 'Create message' }).click();
    const pin = await pinPage;
    expect(pin).not.toBe(compose);
    const pinField = pin.getByLabel('PIN', { exact: true });
    await pinField.waitFor();
    await pin.screenshot({ path: artifactPath('compose-pin.png') });
    await pinField.fill(USER_PIN);
    await pin.getByRole('button', { name: 'Unlock' }).click();

    const file = await download;
    expect(file.suggestedFilename()).toBe('Quarterly figures – confidential.eml');
    const saved = path.join(scratch, 'created.eml');
    await file.saveAs(saved);
    await compose.getByRole('status').filter({ hasText: 'Message created and downloaded as Quarterly figures – confidential.eml' }).waitFor();
    await compose.screenshot({ path: artifactPath('compose-created.png'), fullPage: true });

    // The PIN went to the PIN page only: compose has no PIN field and holds it nowhere.
    expect(await compose.locator('input[type="password"]').count()).toBe(0);
    const values = await compose.locator('input, textarea, select').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
    expect(values.join('\n')).not.toContain(USER_PIN);

    const message = readFileSync(saved);
    const head = message.toString('latin1').slice(0, message.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^From: Alice <Alice@example\.com>$/m);
    expect(head).toMatch(/^To: Bob@example\.com$/m);
    const opened = opensslUnwrap(message, { dir: scratch, caFile: testCa, certPath: bob.certPath, keyPath: bob.keyPath });
    // B16 default: signed, encrypted, signed again; both signatures verify against the Test CA.
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    const inner = opened.entity.toString('latin1');
    expect(inner).toContain('multipart/mixed');
    expect(inner).toMatch(/Hello Bob,/);
    expect(inner).toMatch(/filename\*=utf-8''Zahlen-%C3%9C\.csv/i);
    await compose.close();
  });

  it('warns about a recipient without a certificate and offers the choices B7 allows', async () => {
    const compose = await openPage(browser, 'compose.html');
    await compose.getByLabel('From', { exact: true }).waitFor();
    await compose.getByLabel('To', { exact: true }).fill('Bob@example.com, nobody@example.com');
    await compose.locator('li[data-recipient="nobody@example.com"][data-state="none"]').waitFor({ timeout: 30_000 });
    expect(await compose.locator('li[data-recipient="nobody@example.com"]').textContent()).toBe('nobody@example.com: no certificate (not in your address book).');
    await compose.getByLabel('Encrypt', { exact: true }).check();
    const warning = compose.locator('#missing-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('No usable certificate for: nobody@example.com');
    await compose.screenshot({ path: artifactPath('compose-missing.png'), fullPage: true });

    // Create without a choice: the error is announced and focus goes to the warning.
    await compose.getByRole('button', { name: 'Create message' }).click();
    await compose.getByRole('alert').filter({ hasText: 'No usable certificate for: nobody@example.com' }).waitFor();
    expect(await compose.evaluate(() => document.activeElement?.id)).toBe('missing-warning');
    expect(await warning.getByLabel('Encrypt anyway (they cannot read it)').isEnabled()).toBe(true);

    // "Turn encryption off", by keyboard.
    await warning.getByRole('button', { name: 'Turn encryption off' }).focus();
    await compose.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached' });
    expect(await compose.getByLabel('Encrypt', { exact: true }).isChecked()).toBe(false);
    await compose.close();
  });
});

describe('secure compose when the organisation requires encryption', () => {
  const browser = browserFor({ managedPolicy: { alwaysEncrypt: true } });

  it('the message cannot be created for a recipient without a certificate', async () => {
    const compose = await openPage(browser(), 'compose.html');
    const encrypt = compose.getByLabel('Encrypt', { exact: true });
    await encrypt.waitFor();
    expect(await encrypt.isChecked()).toBe(true);
    expect(await encrypt.isDisabled()).toBe(true);
    expect(await description(compose, 'Encrypt')).toBe('Set by your organisation.');

    await compose.getByLabel('To', { exact: true }).fill('nobody@example.com');
    const warning = compose.locator('#missing-warning');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toContain('Your organisation requires encryption, so the message cannot be sent to them.');
    expect(await warning.getByRole('checkbox').count()).toBe(0);
    expect(await warning.getByRole('button').count()).toBe(0);
    await compose.getByRole('button', { name: 'Create message' }).click();
    await compose.getByRole('alert').filter({ hasText: 'No usable certificate for: nobody@example.com' }).waitFor();
    await compose.screenshot({ path: artifactPath('compose-always-encrypt.png'), fullPage: true });

    // The background refuses too, whatever a page sends.
    const request = {
      from: 'Alice@example.com', to: ['nobody@example.com'], cc: [], bcc: [], subject: 's', text: 't', attachments: [],
      sign: false, encrypt: true, encryptDespiteMissing: true,
    };
    expect(await rawBuild(compose, request)).toMatchObject({
      ok: false, error: { code: 'cms/no-recipient', message: expect.stringContaining('nobody@example.com') as unknown },
    });
    expect(await rawBuild(compose, { ...request, encrypt: false, encryptDespiteMissing: false })).toMatchObject({
      ok: false, error: { code: 'policy/locked' },
    });
    await compose.close();
  });
});
