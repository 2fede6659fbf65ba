/**
 * Gmail in Chromium with Cachet (issue 15): the Gmail captures served as mail.google.com,
 * the Gmail API and Google's OAuth endpoints on loopback under their own names. Alice
 * writes in Gmail's compose through Cachet's Secure compose; Cachet signs her in through
 * the browser's web-auth-flow window and sends with users.messages.send, and the message
 * Gmail received is the one Cachet built: `openssl cms` decrypts it with Bob's key and
 * verifies every signature against the demo CA. An encrypted message of the conversation
 * opens in Cachet's reader frame from Gmail's "Download original", with the page's session.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { opensslDecryptAndVerify, signedAndEncrypted } from './openssl-mail';
import { gmailDownloadOrigin, gmailOrigin } from './provider-support/capture-sites';
import { launchProviderBrowser } from './provider-support/provider-browser';
import { startProviderWorld, type ProviderWorld } from './provider-support/provider-world';
import { pressSend, writeToBob } from './provider-support/secure-compose';
import { pressSecure, settle, waitForCachetFrame, webmailContent } from './roundcube-session';

const work = mkdtempSync(path.join(tmpdir(), 'cachet-provider-gmail-'));
const body = 'Bob, the Gmail figures: 4711 units. Keep them to yourself.';
let pki: DemoPki;
let world: ProviderWorld;
let alice: CachetBrowser;
let release: () => void;

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  world = await startProviderWorld();
  release = await acquireBrowserLock();
  alice = await launchProviderBrowser({
    pki,
    sites: [gmailOrigin],
    grant: [gmailOrigin, gmailDownloadOrigin],
    chromiumArgs: world.chromiumArgs,
    settings: {
      oauthClients: { google: world.oauthClients.google, microsoft: null },
      siteTransports: [{ origin: gmailOrigin, send: 'gmail', fetch: 'gmail' }],
    },
  });
}, 300_000);

afterAll(async () => {
  await alice?.close();
  release?.();
  await world?.close();
});

describe('Gmail', () => {
  it('sends from Gmail\'s compose through the Gmail API, signed in by the browser\'s window, as Cachet built it', async () => {
    const page = await alice.context.newPage();
    await page.goto(world.gmailSite.show('gmail-2026-12/compose-new.html'));
    await pressSecure(page);
    const compose = await waitForCachetFrame(page, alice.extensionOrigin, 'compose.html');
    const to = compose.getByLabel('To', { exact: true });
    // Prefilled from Gmail's recipient chips and subject.
    await expect.poll(() => to.inputValue(), settle).toBe('alice@example.com, bob@example.org');
    expect(await compose.getByLabel('Subject').inputValue()).toBe('Budget 2027');
    await writeToBob(compose, body);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('4711');
    await pressSend(compose);

    await expect.poll(() => world.gmail.messages.length, settle).toBe(1);
    const [sent] = world.gmail.messages;
    // One sign-in, through Chromium's window, ending at the extension's own redirect URI.
    expect(world.google.signIns).toBe(1);
    const authorize = world.google.loopback.received.find((r) => r.url.pathname === '/o/oauth2/v2/auth');
    expect(authorize?.url.host).toBe('accounts.google.com');
    expect(authorize?.url.searchParams.get('redirect_uri')).toBe(`https://${alice.extensionOrigin.slice('chrome-extension://'.length)}.chromiumapp.org/`);
    const apiCall = world.gmail.loopback.received.find((r) => r.method === 'POST');
    expect(apiCall?.url.href).toBe('https://gmail.googleapis.com/gmail/v1/users/me/messages/send');
    expect(sent?.via).toBe('json');
    expect(sent?.labelIds).toEqual(['SENT']);

    const file = path.join(work, 'gmail-sent.eml');
    writeFileSync(file, sent?.raw ?? Buffer.alloc(0));
    const opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, file);
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(opened.entity).toContain(body);
    await page.waitForURL(`${gmailOrigin}/mail/u/0/#inbox`);
    await page.close();
  }, 180_000);

  it('opens an encrypted message of a conversation in the reader frame from "Download original", with the page\'s session', async () => {
    const secret = 'Gmail reader secret: 0815';
    world.gmailSite.messages.set('1784456665234091493', signedAndEncrypted(pki.users.bob, pki.users.alice, { subject: 'Quarterly figures', text: secret }));
    const page = await alice.context.newPage();
    await page.goto(world.gmailSite.show('gmail-2026-12/conversation-encrypted.html'));
    const reader = await waitForCachetFrame(page, alice.extensionOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain(secret);
    await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
    expect(world.gmailSite.downloads.map((d) => d.cookie)).toEqual([world.gmailSite.session]);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('0815');
    await page.screenshot({ path: artifactPath('provider-gmail-reader.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
