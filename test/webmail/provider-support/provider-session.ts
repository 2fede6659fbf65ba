/**
 * One test file's world: the providers' servers, the browser lock, and Alice's Chromium
 * with Cachet set up for the file's webmails, made before its tests and closed after; and
 * the checks every provider test makes of what a server received and what a page shows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { CachetBrowser } from '../../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../../e2e/browser-lock';
import { buildExtension } from '../../e2e/browser';
import { opensslDecryptAndVerify } from '../openssl-mail';
import { settle, waitForCachetFrame, webmailContent } from '../roundcube-session';
import { launchProviderBrowser, type ProviderBrowserOptions } from './provider-browser';
import { startProviderWorld, type ProviderWorld } from './provider-world';

export interface ProviderSession {
  readonly pki: DemoPki;
  readonly world: ProviderWorld;
  readonly alice: CachetBrowser;
}

/** Registers the file's beforeAll and afterAll; the session's fields are there once beforeAll ran. */
export function useProviderSession(options: (world: ProviderWorld) => Omit<ProviderBrowserOptions, 'pki' | 'chromiumArgs' | 'userDataDir'>): ProviderSession {
  const session = {} as { pki: DemoPki; world: ProviderWorld; alice: CachetBrowser };
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'cachet-provider-alice-'));
  let release: (() => void) | undefined;
  beforeAll(async () => {
    buildExtension();
    session.pki = ensureDemoPki();
    session.world = await startProviderWorld();
    release = await acquireBrowserLock();
    session.alice = await launchProviderBrowser({ ...options(session.world), pki: session.pki, chromiumArgs: session.world.chromiumArgs, userDataDir });
  }, 300_000);
  afterAll(async () => {
    await session.alice?.close();
    release?.();
    await session.world?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });
  return session;
}

/** The message's own header fields (unfolded), by lowercase name. */
function topHeaders(message: Uint8Array): Map<string, string> {
  const text = Buffer.from(message).toString('latin1');
  const head = text.slice(0, Math.max(0, text.indexOf('\r\n\r\n'))).replace(/\r\n[ \t]+/g, ' ');
  return new Map(head.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
}

/**
 * A message a server received from Alice for Bob is the one Cachet built: its header fields
 * say what Alice wrote, and `openssl cms` decrypts it with Bob's key and verifies every
 * signature against the demo CA (the outer one covers the whole encrypted message, so no
 * byte of it changed after Cachet signed it) down to the text she typed.
 */
export function expectSignedAndEncryptedToBob(pki: DemoPki, message: Uint8Array, subject: string, text: string): void {
  const headers = topHeaders(message);
  expect([headers.get('from'), headers.get('to'), headers.get('subject')]).toEqual([`${pki.users.alice.name} <${pki.users.alice.address}>`, pki.users.bob.address, subject]);
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-provider-received-'));
  let opened: { entity: string; layers: string[] };
  try {
    writeFileSync(path.join(dir, 'message.eml'), message);
    opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, path.join(dir, 'message.eml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
  expect(opened.entity).toContain(text);
}

/** Cachet's reader frame in the page shows `secret` under a good signature, and the page's own documents never hold it. */
export async function expectReaderShows(page: Page, extensionOrigin: string, secret: string): Promise<void> {
  const reader = await waitForCachetFrame(page, extensionOrigin, 'reader.html');
  await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain(secret);
  await expect.poll(() => reader.locator('.banner').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict'))), settle).toEqual(['good']);
  expect(await webmailContent(page, extensionOrigin)).not.toContain(secret);
}

/** The redirect URI Chromium's web-auth-flow window intercepts: identity.getRedirectURL(). */
export function chromiumRedirectUri(extensionOrigin: string): string {
  return `https://${new URL(extensionOrigin).host}.chromiumapp.org/`;
}
