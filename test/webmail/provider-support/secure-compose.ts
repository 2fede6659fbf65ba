/**
 * Alice's steps in Cachet's compose frame, the same on every webmail: the frame is open,
 * prefilled from the webmail's form; she writes to Bob alone, signed and encrypted, and
 * presses Send from the keyboard (headless Chromium may hand a mouse click on a frame to
 * the page around it).
 */
import type { Frame } from 'playwright-core';
import { expect } from 'vitest';
import { settle } from '../roundcube-session';

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
