/**
 * Roundcube in a Cachet browser, as a user drives it: sign in, open a message from the
 * list in the preview pane, find Cachet's frames, and read what the webmail's own
 * documents hold (to prove the plaintext never reaches them).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openCompose as openRoundcubeCompose, signInToRoundcube } from '../../native-host/tooling/demo/roundcube';
import { MAIL_ACCOUNTS, ROUNDCUBE_URL, type MailUser } from '../support/mail-system';

// The steps the `npm start` demo takes as well live with it.
export { cachetFrame, openInPreview, pressSecure, typeRecipients, waitForCachetFrame } from '../../native-host/tooling/demo/roundcube';

export const settle = { timeout: 60_000, interval: 200 };

/** Opens Roundcube's mailbox, signing in first unless the browser's session still holds. */
export function signIn(context: BrowserContext, user: MailUser): Promise<Page> {
  return signInToRoundcube(context, MAIL_ACCOUNTS[user], ROUNDCUBE_URL);
}

/**
 * Everything the webmail's own documents hold: the text and markup of every frame of the
 * page that is not one of Cachet's, attribute values and form values included.
 */
export async function webmailContent(page: Page, extensionOrigin: string): Promise<string> {
  const parts: string[] = [];
  for (const frame of page.frames()) {
    if (frame.url().startsWith(extensionOrigin)) continue;
    parts.push(await frame.evaluate(() => {
      const values = [...document.querySelectorAll('input, textarea, select')].map((field) => (field as HTMLInputElement).value);
      return `${document.documentElement.outerHTML}\n${values.join('\n')}\n${document.title}`;
    }).catch(() => ''));
  }
  return parts.join('\n');
}

/** Opens Roundcube's compose form for a new message. */
export async function openCompose(page: Page): Promise<void> {
  await openRoundcubeCompose(page, ROUNDCUBE_URL).catch(async (error: unknown) => {
    await page.screenshot({ path: '/tmp/compose-fail.png' });
    throw error;
  });
}

/** The one message in a maildir folder that is newer than the ones listed in `before`. */
export function newMessages(dir: string, before: ReadonlySet<string>): string[] {
  return ['new', 'cur'].flatMap((sub) => {
    try {
      return readdirSync(path.join(dir, sub)).map((name) => path.join(dir, sub, name));
    } catch {
      return [];
    }
  }).filter((file) => !before.has(file));
}
