/**
 * The secure reader in Debian's Chromium with the built extension and the real native
 * host over a SoftHSM2 token holding Bob's key (DESIGN.md invariants 1 and 2, B13, B15,
 * B17, B19): Thunderbird corpus messages decrypt and verify, each signer gets the right
 * banner, the PIN is typed only in the PIN page, and remote content in decrypted HTML is
 * never fetched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, buildExtension, extensionOrigin, launchWithExtension, type LaunchedBrowser } from './browser';
import { makeTokenHost, USER_PIN, type TokenHost } from './token-host';

const corpus = path.resolve(import.meta.dirname, '../../../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
const settle = { timeout: 30_000, interval: 100 };

let token: TokenHost;
let browser: LaunchedBrowser;
/** Every page the PIN prompt opened in, and the pages where a PIN was typed. */
const pinPages: Page[] = [];
const pagesWithPinTyped = new Set<string>();
let remoteHits = 0;
let remote: Server;

function pemToBase64(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

beforeAll(async () => {
  buildExtension();
  remote = createServer((_req, res) => {
    remoteHits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  token = makeTokenHost(['Bob']);
  browser = await launchWithExtension({
    nativeHost: { env: token.env },
    managedPolicy: { trustedRoots: [pemToBase64(readFileSync(path.join(corpus, 'TestCA.pem'), 'utf8'))] },
  });
  // The host asks for the PIN through the background, which opens the PIN page in its own
  // window; the test types the PIN there, as a person would.
  browser.context.on('page', (page) => {
    if (!page.url().includes('/pin.html') && page.url() !== 'about:blank') return;
    void (async () => {
      await page.waitForURL(/\/pin\.html#/, { timeout: 20_000 }).catch(() => undefined);
      if (!page.url().includes('/pin.html')) return;
      pinPages.push(page);
      await page.getByLabel('PIN').fill(USER_PIN);
      pagesWithPinTyped.add(new URL(page.url()).pathname);
      await page.getByRole('button', { name: /unlock|ok|submit|use pin/i }).first().click();
    })();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  token?.cleanup();
  await new Promise<void>((resolve) => remote?.close(() => resolve()));
});

async function openInReader(file: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${extensionOrigin}/reader.html`);
  await page.getByLabel('Open a message (.eml)').setInputFiles(file);
  return page;
}

async function bannerVerdicts(page: Page): Promise<string[]> {
  return page.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict') ?? ''));
}

describe('secure reader in Chromium with the real host and a SoftHSM2 token', () => {
  it('decrypts a message for Bob on the token and shows Alice\'s good signature', async () => {
    const page = await openInReader(path.join(corpus, 'alice.dsig.SHA256.multipart.env.eml'));
    await expect.poll(() => bannerVerdicts(page), settle).toEqual(['good']);
    expect(await page.locator('.security-summary').getAttribute('data-encrypted')).toBe('true');
    expect(await page.locator('.message-text').textContent()).toMatch(/\S/);
    expect(await page.locator('.banner').textContent()).toContain('Alice');
    await page.screenshot({ path: artifactPath('reader-good.png'), fullPage: true });
    // The PIN was asked for in the PIN page and typed nowhere else.
    expect(pinPages.length).toBeGreaterThan(0);
    expect([...pagesWithPinTyped]).toEqual(['/pin.html']);
    await page.close();
  });

  it('the options page lists Bob\'s certificate on the token as hardware and signs with it by default', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${extensionOrigin}/options.html`);
    const row = page.locator('[data-list="identities"] tbody tr');
    await expect.poll(() => row.count(), settle).toBe(1);
    expect(await row.getAttribute('data-hardware')).toBe('true');
    expect(await row.textContent()).toContain('Bob@example.com');
    expect(await row.getByRole('radio').isChecked()).toBe(true);
    await page.screenshot({ path: artifactPath('options-identities.png'), fullPage: true });
    await page.close();
  });

  it('shows a tampered signature as bad', async () => {
    const page = await openInReader(path.join(corpus, 'alice.dsig.SHA256.multipart.bad.eml'));
    await expect.poll(() => bannerVerdicts(page), settle).toEqual(['bad']);
    expect(await page.locator('.banner').getAttribute('data-status')).toBe('digest-mismatch');
    await page.screenshot({ path: artifactPath('reader-bad.png'), fullPage: true });
    await page.close();
  });

  it('warns when a good signature is by someone other than the sender', async () => {
    // From is Dave; the outer (opaque) signature is Dave's, the inner (multipart/signed) one Alice's.
    const page = await openInReader(path.join(corpus, 'alice.plain.dsig.SHA256.multipart.dave.sig.SHA256.opaque.eml'));
    await expect.poll(() => bannerVerdicts(page), settle).toEqual(['good', 'warning']);
    expect(await page.locator('.banner').nth(1).textContent()).toMatch(/not the sender/);
    await page.screenshot({ path: artifactPath('reader-mismatch.png'), fullPage: true });
    await page.close();
  });

  it('opens a bare smime.p7m, as a webmail offers it to save: decrypted, its signer shown, no sender claimed', async () => {
    // The attachment of a corpus message on its own, as DER.
    const eml = readFileSync(path.join(corpus, 'alice.sig.SHA256.opaque.env.eml'), 'latin1');
    const der = Buffer.from(eml.slice(eml.search(/\r?\n\r?\n/)), 'base64');
    const page = await browser.context.newPage();
    await page.goto(`${extensionOrigin}/reader.html`);
    await page.getByLabel('Open a message (.eml)').setInputFiles({ name: 'smime.p7m', mimeType: 'application/pkcs7-mime', buffer: der });
    await expect.poll(() => bannerVerdicts(page), settle).toEqual(['good']);
    expect(await page.locator('[data-notice="bare-file"]').textContent()).toContain('its sender and date are unknown');
    expect(await page.locator('.banner-headline').textContent()).toContain('names no sender to compare the signer with');
    expect(await page.locator('.message-text').textContent()).toContain('This is a test message from Alice to Bob.');
    await page.screenshot({ path: artifactPath('reader-bare-p7m.png'), fullPage: true });
    await page.close();
  });

  it('never fetches remote content of a decrypted HTML message', async () => {
    const url = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
    const html = [
      '<html><head><link rel="stylesheet" href="URL/css"><style>body{background:url(URL/bg)}</style></head>',
      '<body style="background-image:url(URL/style)"><p>Secret HTML body</p><img src="URL/img">',
      '<picture><source srcset="URL/srcset"></picture><video poster="URL/poster"></video>',
      '<iframe src="URL/frame"></iframe><script src="URL/script"></script><script>fetch("URL/fetch")</script></body></html>',
    ].join('').replaceAll('URL', url);
    const dir = token.dir;
    const plain = path.join(dir, 'html.eml');
    writeFileSync(plain, `From: Alice@example.com\r\nTo: Bob@example.com\r\nSubject: HTML\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
    const bobCert = path.join(dir, 'bob.pem');
    writeFileSync(bobCert, execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path.join(dir, 'Bob.crt.der')]));
    const encrypted = path.join(dir, 'html.enc.eml');
    execFileSync('openssl', ['cms', '-encrypt', '-aes-256-cbc', '-from', 'Alice@example.com', '-to', 'Bob@example.com', '-subject', 'HTML', '-in', plain, '-out', encrypted, bobCert]);

    const page = await openInReader(encrypted);
    const frame = page.frameLocator('iframe.message-html');
    await expect.poll(() => frame.locator('p').textContent(), settle).toBe('Secret HTML body');
    // Give any load a chance to happen before counting.
    await page.waitForTimeout(1500);
    expect(remoteHits).toBe(0);
    expect(await page.locator('iframe.message-html').getAttribute('sandbox')).toBe('');
    await page.screenshot({ path: artifactPath('reader-html.png'), fullPage: true });
    await page.close();
  });
});
