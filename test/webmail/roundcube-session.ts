/**
 * Roundcube in a Cachet browser, as a user drives it: sign in, open a message from the
 * list in the preview pane, find Cachet's frames, and read what the webmail's own
 * documents hold (to prove the plaintext never reaches them).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { MAIL_ACCOUNTS, ROUNDCUBE_URL, type MailUser } from '../support/mail-system';

export const settle = { timeout: 60_000, interval: 200 };

/** Opens Roundcube's mailbox, signing in first unless the browser's session still holds. */
export async function signIn(context: BrowserContext, user: MailUser): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(ROUNDCUBE_URL);
  const form = page.locator('#rcmloginuser');
  // The folder list: the message list is hidden while the mailbox is empty.
  const list = page.locator('#mailboxlist');
  await form.or(list).first().waitFor();
  if (await form.isVisible()) {
    await form.fill(MAIL_ACCOUNTS[user].address);
    await page.fill('#rcmloginpwd', MAIL_ACCOUNTS[user].password);
    await page.click('#rcmloginsubmit');
    await list.waitFor();
  }
  // Roundcube saves its whole session at the end of each request: a compose started while
  // the mailbox's own requests still run can have its compose session overwritten by them.
  await page.waitForLoadState('networkidle');
  return page;
}

/** Roundcube's row id for a UID: "rcmrow" and the UID in unpadded URL-safe base64 (app.js html_identifier). */
function rowId(uid: number): string {
  return `rcmrow${Buffer.from(String(uid)).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
}

/** Clicks the message in the list; Roundcube shows it in its preview frame. */
export async function openInPreview(page: Page, uid: number): Promise<void> {
  const row = page.locator(`#${rowId(uid)}`);
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** The Cachet frame whose page is `name` (reader.html, compose.html), wherever it is placed. */
export function cachetFrame(page: Page, extensionOrigin: string, name: string): Frame | undefined {
  return page.frames().find((frame) => frame.url().startsWith(`${extensionOrigin}/${name}`));
}

export async function waitForCachetFrame(page: Page, extensionOrigin: string, name: string): Promise<Frame> {
  for (let waited = 0; waited < 60_000; waited += 200) {
    const frame = cachetFrame(page, extensionOrigin, name);
    if (frame) return frame;
    await page.waitForTimeout(200);
  }
  throw new Error(`no ${name} frame appeared`);
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
  await page.goto(`${ROUNDCUBE_URL}?_task=mail&_action=compose`);
  await page.waitForSelector('#toolbar-menu').catch(async (error: unknown) => {
    await page.screenshot({ path: '/tmp/compose-fail.png' });
    throw error;
  });
}

/** Types recipients into Roundcube's own recipient widget, as a user does, one by one. */
export async function typeRecipients(page: Page, field: 'to' | 'cc' | 'bcc', addresses: readonly string[]): Promise<void> {
  const input = page.locator(`#compose_${field} .recipient-input input`);
  for (const address of addresses) {
    await input.click();
    await input.pressSequentially(`${address},`);
  }
}

/**
 * Presses Cachet's Secure button. It sits in a closed shadow root, which no selector can
 * enter; a click on its host lands on the button, as a user's click does.
 */
export async function pressSecure(page: Page): Promise<void> {
  await page.locator('cachet-control[data-cachet="compose-button"]').click();
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
