/**
 * Alice's steps in Cachet's compose frame, the same on every webmail: the frame is open,
 * prefilled from the webmail's form; she writes to Bob alone, signed and encrypted, and
 * presses Send from the keyboard (headless Chromium may hand a mouse click on a frame to
 * the page around it).
 */
import type { Frame, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CachetBrowser } from '../../../native-host/tooling/demo/cachet-browser';
import { pressSecure, settle, waitForCachetFrame } from '../roundcube-session';

/** Opens the webmail's compose form at `url` in a new tab and presses Cachet's Secure button there. */
export async function openSecureCompose(browser: CachetBrowser, url: string): Promise<{ page: Page; compose: Frame }> {
  const page = await browser.context.newPage();
  await page.goto(url);
  await pressSecure(page);
  return { page, compose: await waitForCachetFrame(page, browser.extensionOrigin, 'compose.html') };
}

export async function writeToBob(compose: Frame, text: string): Promise<void> {
  await compose.getByLabel('To', { exact: true }).fill('bob@example.test');
  await compose.getByLabel('Cc', { exact: true }).fill('');
  await compose.getByRole('switch', { name: 'Sign', exact: true }).check();
  await compose.getByRole('switch', { name: 'Encrypt', exact: true }).check();
  await compose.getByLabel('Message', { exact: true }).fill(text);
  await expect.poll(() => compose.locator('[data-recipient="bob@example.test"]').getAttribute('data-state'), settle).toBe('ok');
}

export async function pressSend(compose: Frame): Promise<void> {
  await compose.getByRole('button', { name: 'Send securely' }).press('Enter');
}
