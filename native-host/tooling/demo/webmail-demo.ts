/**
 * The headless demo of S/MIME inside Roundcube: Alice, in her own Chromium with Cachet and
 * her key on a token, writes to Bob in Cachet's compose frame over Roundcube's compose
 * form and sends the message signed and encrypted (triple wrapped, Cachet's default) with
 * an attachment; Bob, in his own Chromium, opens it in Roundcube's preview, where Cachet's
 * reader frame decrypts and verifies it. What Bob's frame shows is returned, with
 * screenshots of both frames in Roundcube and of Cachet's popup for the Roundcube tab.
 *
 * Elements are found by structure and data attributes, never by label text, so that the
 * demo runs whatever language Chromium's interface speaks.
 */
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import type { ReaderView } from '../../../src/protocol/runtime';
import { DEMO_WEBMAIL, launchDemoBrowser, type CachetBrowser } from './cachet-browser';
import type { DemoUserName } from './demo-pki';
import type { DemoState } from './demo-state';
import { openCompose, openInPreviewBySubject, pressSecure, signInToRoundcube, typeRecipients, waitForCachetFrame } from './roundcube';

const BODY = [
  'Hi Bob,',
  '',
  'here is the agenda for Thursday\'s board meeting. Please keep it to yourself until then.',
  '',
  'Alice',
].join('\n');
const ATTACHMENT = { name: 'agenda.txt', mimeType: 'text/plain', text: '1. Budget 2027\n2. The new office\n3. Any other business\n' };
/** Every wait is bounded so that a broken setup ends with a message, not a hang. */
const STEP_MS = 60_000;

export interface SignerLine {
  /** good, warning, bad (the reader's banner verdict). */
  readonly verdict: string;
  readonly text: string;
}

/** What Bob's reader frame showed, as read from its page: the view's fields, and its wording. */
export type ReaderReport = Pick<ReaderView, 'from' | 'subject' | 'encrypted' | 'notices'> & {
  /** The reader's sentence about encryption. */
  readonly encryption: string;
  readonly signers: readonly SignerLine[];
  /** The plaintext body; undefined when the message has an HTML body only. */
  readonly text: string | undefined;
  readonly attachments: readonly string[];
};

export interface WebmailDemoResult {
  readonly subject: string;
  readonly attachment: string;
  readonly reader: ReaderReport;
  readonly screenshots: { readonly compose: string; readonly reader: string; readonly popup: string };
  /** Seconds each half took, browser start included. */
  readonly seconds: { readonly send: number; readonly read: number };
}

const login = (state: DemoState, user: DemoUserName) => ({ address: state.pki.users[user].address, password: `${user}-secret` });

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The error Cachet's frame announces, if any (its role=alert region, empty otherwise). */
async function announcedError(frame: Frame): Promise<string> {
  return text(frame.locator('.status-error').first()).catch(() => '');
}

/** Polls `check` until it returns a value; fails with `what` after STEP_MS. */
async function until<T>(page: Page, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${STEP_MS / 1000} s`);
    await page.waitForTimeout(200);
  }
}

async function launch(state: DemoState, user: DemoUserName): Promise<CachetBrowser> {
  return launchDemoBrowser({ pki: state.pki, user, userDataDir: state.profiles[user], autoFill: true });
}

async function aliceSends(state: DemoState, subject: string, composeShot: string): Promise<void> {
  const bob = state.pki.users.bob.address;
  const alice = await launch(state, 'alice');
  try {
    const page = await signInToRoundcube(alice.context, login(state, 'alice'));
    await openCompose(page);
    await typeRecipients(page, 'to', [bob]);
    await page.fill('#compose-subject', subject);
    await pressSecure(page);

    const compose = await waitForCachetFrame(page, alice.extensionOrigin, 'compose.html');
    const form = compose.locator('form.compose');
    await form.waitFor({ timeout: STEP_MS });
    const recipient = form.locator(`[data-recipient="${bob}"]`);
    const found = await until(page, `Cachet's compose frame did not take ${bob} from Roundcube's form`, async () => {
      const value = await recipient.getAttribute('data-state', { timeout: 1_000 }).catch(() => null);
      return value === null || value === 'checking' ? undefined : value;
    });
    if (found !== 'ok') throw new Error(`Cachet has no usable certificate for ${bob} (${found})`);
    await form.locator('textarea').first().fill(BODY);
    await form.locator('input[type="file"]').setInputFiles({ name: ATTACHMENT.name, mimeType: ATTACHMENT.mimeType, buffer: Buffer.from(ATTACHMENT.text) });
    // Sign, then Encrypt; whatever the defaults, this message is both.
    const switches = form.locator('fieldset.security input[role="switch"]');
    for (const index of [0, 1]) {
      const toggle = switches.nth(index);
      if (!(await toggle.isChecked())) await toggle.check();
    }
    // The frame's top, with the recipient's certificate check, rather than where the last click scrolled.
    await (await compose.frameElement()).evaluate((frame) => {
      (frame as Element).scrollIntoView({ block: 'start' });
    });
    // Tall enough for the whole frame, from the sender down to the Send button.
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.screenshot({ path: composeShot });

    await form.locator('button[type="submit"]').click();
    // Once sent, Cachet takes the tab back to the mailbox.
    await until(page, 'the message was not sent', async () => {
      if (/[?&]_mbox=INBOX/.test(page.url())) return true;
      const problem = await announcedError(compose);
      if (problem) throw new Error(`Cachet did not send the message: ${problem}`);
      return undefined;
    });
  } finally {
    await alice.close();
  }
}

async function readerReport(page: Page, reader: Frame): Promise<ReaderReport> {
  const banners = reader.locator('.banner');
  await until(page, 'Cachet\'s reader frame did not show the message', async () => {
    const problem = await announcedError(reader);
    if (problem) throw new Error(`Cachet's reader frame says: ${problem}`);
    if (!(await reader.locator('article.message').isVisible())) return undefined;
    const verdicts = await banners.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-verdict')));
    return verdicts.includes('pending') ? undefined : true;
  });
  const signers: SignerLine[] = [];
  for (const banner of await banners.all()) {
    signers.push({ verdict: (await banner.getAttribute('data-verdict')) ?? '?', text: await text(banner.locator('.banner-headline')) });
  }
  const plain = reader.locator('.message-text');
  return {
    from: await text(reader.locator('[data-field="from"]')),
    subject: await text(reader.locator('[data-field="subject"]')),
    encrypted: (await reader.locator('.security-summary').getAttribute('data-encrypted')) === 'true',
    encryption: await text(reader.locator('.security-summary')),
    signers,
    notices: (await reader.locator('.notice').allTextContents()).map((notice) => notice.replace(/\s+/g, ' ').trim()),
    text: (await plain.count()) > 0 ? ((await plain.textContent()) ?? '') : undefined,
    attachments: await reader.locator('.attachments li > span:first-child').allTextContents(),
  };
}

/**
 * Cachet's toolbar popup describes the active tab of its window. Opened in a background
 * tab beside the webmail's, the page shows what the popup shows for the webmail; a
 * headless browser has no toolbar to click.
 */
async function screenshotPopup(browser: CachetBrowser, file: string): Promise<void> {
  type Tab = { readonly index: number; readonly windowId: number; readonly url?: string };
  type Chrome = { chrome: { tabs: { query(q: object): Promise<Tab[]>; create(p: object): Promise<unknown> }; runtime: { getURL(p: string): string } } };
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/popup.html'), timeout: STEP_MS });
  await browser.worker.evaluate(async (origin) => {
    const { chrome } = globalThis as unknown as Chrome;
    const webmail = (await chrome.tabs.query({ active: true })).find((tab) => tab.url?.startsWith(`${origin}/`));
    if (!webmail) throw new Error(`no active tab shows ${origin}`);
    await chrome.tabs.create({ url: chrome.runtime.getURL('popup.html'), windowId: webmail.windowId, index: webmail.index + 1, active: false });
  }, DEMO_WEBMAIL.origin);
  const popup = await opened;
  await popup.setViewportSize({ width: 400, height: 640 });
  // Each section has answered once its content is there: the site, the host, the defaults.
  for (const part of ['.site', '[data-native-state]', 'main.popup ul']) await popup.locator(part).first().waitFor({ timeout: STEP_MS });
  await popup.locator('main').screenshot({ path: file });
  await popup.close();
}

async function bobReads(state: DemoState, subject: string, shots: { reader: string; popup: string }): Promise<ReaderReport> {
  const bob = await launch(state, 'bob');
  try {
    const page = await signInToRoundcube(bob.context, login(state, 'bob'));
    await openInPreviewBySubject(page, subject);
    const reader = await waitForCachetFrame(page, bob.extensionOrigin, 'reader.html');
    const report = await readerReport(page, reader);
    await page.screenshot({ path: shots.reader });
    await screenshotPopup(bob, shots.popup);
    return report;
  } finally {
    await bob.close();
  }
}

function timestamp(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** Runs both halves; the caller holds the browser lock and the mail system. */
export async function runWebmailDemo(state: DemoState, outDir: string, progress: (line: string) => void): Promise<WebmailDemoResult> {
  // Unique, so that Bob's message is found among earlier runs' without emptying the mailbox.
  const subject = `Board meeting agenda (demo ${timestamp()})`;
  const screenshots = {
    compose: path.join(outDir, 'roundcube-compose.png'),
    reader: path.join(outDir, 'roundcube-reader.png'),
    popup: path.join(outDir, 'popup.png'),
  };
  progress(`Alice signs in to Roundcube, presses Secure and sends "${subject}" to Bob from Cachet's compose frame…`);
  let started = Date.now();
  await aliceSends(state, subject, screenshots.compose);
  const send = (Date.now() - started) / 1000;
  progress('Bob signs in to Roundcube and opens it in the preview…');
  started = Date.now();
  const reader = await bobReads(state, subject, screenshots);
  const read = (Date.now() - started) / 1000;
  return { subject, attachment: ATTACHMENT.name, reader, screenshots, seconds: { send, read } };
}
