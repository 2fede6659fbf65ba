/**
 * The generic adapter on a site without an adapter of its own (issue: S/MIME inside a
 * real webmail, section 5): a plain page that lists a message's parts offers "Open in
 * Cachet" beside its smime.p7m, fetched with the page's own session, and a bare DER
 * EnvelopedData decrypts on its own in Cachet's frame, never in the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCachetBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { settle, waitForCachetFrame, webmailContent } from './roundcube-session';

const session = 'session=s3cr3t';
const secret = 'Generic page secret: 0451';
let pki: DemoPki;
let server: Server;
let origin: string;
let p7m: Buffer;
let bob: CachetBrowser;
let release: () => void;
const partRequests: (string | undefined)[] = [];

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-generic-'));
  writeFileSync(path.join(dir, 'plain.txt'), `Content-Type: text/plain; charset=utf-8\r\n\r\n${secret}\r\n`);
  execFileSync('openssl', ['cms', '-encrypt', '-aes256', '-binary', '-outform', 'DER', '-in', path.join(dir, 'plain.txt'), '-out', path.join(dir, 'smime.p7m'), pki.users.bob.certificate.pemFile]);
  p7m = readFileSync(path.join(dir, 'smime.p7m'));
  server = createServer((req, res) => {
    if (req.url === '/part/2') {
      partRequests.push(req.headers.cookie);
      // Only the signed-in session gets the part, as in a webmail.
      if (req.headers.cookie !== session) return res.writeHead(403).end('signed out');
      return res.writeHead(200, { 'content-type': 'application/pkcs7-mime', 'content-disposition': 'attachment; filename=smime.p7m' }).end(p7m);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `${session}; Path=/; HttpOnly; SameSite=Lax` });
    res.end('<!doctype html><html lang="en"><head><title>Message 7</title></head><body><h1>Message 7</h1>'
      + '<p>From: Alice Demo &lt;alice@example.test&gt;</p><ul><li><a href="/part/2" download="smime.p7m">smime.p7m</a> (3 KB)</li></ul></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  release = await acquireBrowserLock();
  bob = await launchCachetBrowser({
    userDataDir: mkdtempSync(path.join(tmpdir(), 'cachet-generic-bob-')), hostEnv: pki.users.bob.hostEnv,
    grantOrigins: [origin], seed: { trustedRoots: [pki.ca.derFile], enableSites: [origin] }, answers: { pin: pki.users.bob.pin },
  });
}, 300_000);

afterAll(async () => {
  await bob?.close();
  release?.();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('generic adapter on a plain page', () => {
  it('opens a bare smime.p7m in Cachet\'s frame with the page\'s session', async () => {
    const page = await bob.context.newPage();
    await page.goto(`${origin}/message/7`);
    const control = page.locator('cachet-control[data-cachet="reader"]');
    await control.waitFor({ timeout: 30_000 });
    // Nothing is fetched until the user asks.
    expect(partRequests).toEqual([]);
    // The button is at the end of Cachet's bar, inside its closed shadow root.
    const box = await control.boundingBox();
    await control.click({ position: { x: (box?.width ?? 80) - 60, y: (box?.height ?? 20) / 2 } });
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain(secret);
    expect(partRequests).toEqual([session]);
    expect(await webmailContent(page, bob.extensionOrigin)).not.toContain('0451');
    await page.screenshot({ path: artifactPath('generic-page-reader.png'), fullPage: true });
  }, 120_000);
});
