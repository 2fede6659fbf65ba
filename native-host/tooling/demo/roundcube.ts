/**
 * Roundcube 1.6 in a Cachet browser, as a user drives it, for the webmail tests and the
 * `npm start` demo: sign in, open the compose form and type recipients into Roundcube's
 * own widget, press Cachet's Secure button, open a message in the preview pane, and find
 * Cachet's frames among the page's frames.
 */
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { DEMO_WEBMAIL } from './cachet-browser';

/** The loopback mail system's Roundcube (mail-system.sh). */
export const DEMO_ROUNDCUBE_URL = `${DEMO_WEBMAIL.origin}/`;

export interface RoundcubeLogin {
  readonly address: string;
  readonly password: string;
}

/** Opens Roundcube's mailbox, signing in first unless the browser's session still holds. */
export async function signInToRoundcube(context: BrowserContext, login: RoundcubeLogin, url = DEMO_ROUNDCUBE_URL): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  const form = page.locator('#rcmloginuser');
  // The folder list: the message list is hidden while the mailbox is empty.
  const list = page.locator('#mailboxlist');
  await form.or(list).first().waitFor();
  if (await form.isVisible()) {
    await form.fill(login.address);
    await page.fill('#rcmloginpwd', login.password);
    await page.click('#rcmloginsubmit');
    await list.waitFor();
  }
  // Roundcube saves its whole session at the end of each request: a compose started while
  // the mailbox's own requests still run can have its compose session overwritten by them.
  await page.waitForLoadState('networkidle');
  return page;
}

/** Opens Roundcube's compose form for a new message. */
export async function openCompose(page: Page, url = DEMO_ROUNDCUBE_URL): Promise<void> {
  await page.goto(`${url}?_task=mail&_action=compose`);
  await page.waitForSelector('#toolbar-menu');
  // Compose forms left unsent earlier (an interrupted run) are kept by Roundcube in the
  // browser's storage, which offers each back in a dialog that blocks the form: drop them.
  const drop = page.locator('.ui-dialog button.delete').first();
  for (let shown = 0; shown < 10; shown++) {
    if (!(await drop.waitFor({ state: 'visible', timeout: 1_500 }).then(() => true, () => false))) break;
    await drop.click();
  }
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

/**
 * Clicks the newest message with this subject in the mailbox shown, reloading the list
 * until it is there: mail submitted a moment ago may still be on its way to the mailbox,
 * and Roundcube's list learns of new mail only when it reloads or checks.
 */
export async function openInPreviewBySubject(page: Page, subject: string, timeoutMs = 30_000): Promise<void> {
  const row = page.locator('#messagelist tbody tr').filter({ hasText: subject }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await row.waitFor({ timeout: 3_000 }).then(() => true, () => false);
    if (found) break;
    if (Date.now() > deadline) throw new Error(`no message "${subject}" appeared in Roundcube's list within ${timeoutMs / 1000} s`);
    await page.reload();
    await page.waitForLoadState('networkidle');
  }
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
