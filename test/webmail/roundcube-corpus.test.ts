/**
 * Thunderbird's S/MIME corpus inside Roundcube (issue: S/MIME inside a real webmail):
 * every message, delivered into Bob's mailbox, shows in Cachet's reader frame in Roundcube
 * what `cachet open` says of the same file: whether it could be read, whether it was
 * encrypted, which signers are good, and the text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBMAIL, launchCachetBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { buildExtension } from '../e2e/browser';
import { makeTokenHost, USER_PIN, type TokenHost } from '../e2e/token-host';
import { runCachet } from '../support/run-cachet';
import { deliver, resetMailboxes } from '../support/mail-system';
import { signIn } from './roundcube-session';

const corpus = path.resolve(import.meta.dirname, '../../../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
const files = readdirSync(corpus).filter((name) => name.endsWith('.eml')).sort();

interface Outcome {
  readonly opened: boolean;
  /** Cachet placed no reader for the message in Roundcube at all. */
  readonly noFrame?: boolean;
  readonly encrypted?: boolean;
  readonly good?: readonly boolean[];
  readonly text?: string;
}

let token: TokenHost;
let bob: CachetBrowser;
let page: Page;
let release: () => void;
const uids = new Map<string, number>();

beforeAll(async () => {
  buildExtension();
  token = makeTokenHost(['Bob'], 'Corpus Bob');
  release = await acquireBrowserLock();
  await resetMailboxes();
  for (const file of files) uids.set(file, await deliver('bob', readFileSync(path.join(corpus, file))));
  bob = await launchCachetBrowser({
    userDataDir: mkdtempSync(path.join(tmpdir(), 'cachet-corpus-bob-')),
    hostEnv: token.env,
    grantOrigins: [DEMO_WEBMAIL.origin],
    seed: { trustedRoots: [path.join(corpus, 'TestCA.pem')], enableSites: [DEMO_WEBMAIL.origin] },
    answers: { pin: USER_PIN },
  });
  page = await signIn(bob.context, 'bob');
}, 300_000);

afterAll(async () => {
  await bob?.close();
  token?.cleanup();
  release?.();
});

async function cachetOpen(file: string): Promise<Outcome> {
  const run = await runCachet(['open', '--json', '--p12', path.join(corpus, 'Bob.p12'), '--pass', 'nss', '--trust', path.join(corpus, 'TestCA.pem'), path.join(corpus, file)]);
  if (run.code !== 0) return { opened: false };
  const json = JSON.parse(run.out) as { encrypted: boolean; signers: { status: string }[]; text: string | null; contentType?: string };
  // An HTML body is compared by its text, which is what the reader's frame shows of it.
  const text = json.contentType === 'text/html' ? (json.text ?? '').replace(/<[^>]*>/g, '') : json.text ?? '';
  return { opened: true, encrypted: json.encrypted, good: json.signers.map((s) => s.status === 'good'), text: text.trim().slice(0, 60) };
}

/** The reader frame of the message just opened: not one of the earlier messages' frames. */
async function newReaderFrame(before: ReadonlySet<Frame>): Promise<Frame | undefined> {
  for (let waited = 0; waited < 30_000; waited += 200) {
    const frame = page.frames().find((f) => !before.has(f) && !f.isDetached() && f.url().startsWith(`${bob.extensionOrigin}/reader.html`));
    if (frame) return frame;
    await page.waitForTimeout(200);
  }
  return undefined;
}

async function inRoundcube(file: string): Promise<Outcome> {
  const uid = uids.get(file) ?? 0;
  const before = new Set(page.frames());
  // Roundcube's full message view: the list pages 50 messages at a time.
  await page.goto(`${DEMO_WEBMAIL.origin}/?_task=mail&_action=show&_uid=${uid}&_mbox=INBOX`);
  const reader = await newReaderFrame(before);
  if (!reader) return { opened: false, noFrame: true };
  // The frame is new for each message; wait until it has an answer, then until every banner has its verdict.
  const summary = reader.locator('.security-summary');
  const failure = reader.locator('.status-error:not(:empty)');
  await summary.or(failure).first().waitFor({ timeout: 30_000 });
  if (!(await summary.isVisible())) return { opened: false };
  const banners = reader.locator('.banner');
  await reader.waitForFunction(() => [...document.querySelectorAll('.banner')].every((b) => b.getAttribute('data-verdict') !== 'pending'), undefined, { timeout: 30_000 });
  const verdicts = await banners.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-verdict')));
  // Plain text is shown as text; HTML in a sandboxed frame of its own.
  const text = (await reader.locator('.message-text').count()) > 0
    ? (await reader.locator('.message-text').textContent()) ?? ''
    : (await reader.locator('iframe.message-html').count()) > 0
      ? (await reader.frameLocator('iframe.message-html').locator('body').textContent()) ?? ''
      : '';
  return {
    opened: true,
    encrypted: (await summary.getAttribute('data-encrypted')) === 'true',
    good: verdicts.map((v) => v === 'good'),
    text: text.trim().slice(0, 60),
  };
}

describe('Thunderbird corpus in Roundcube matches cachet open', () => {
  it.each(files)('%s', async (file) => {
    const expected = await cachetOpen(file);
    const shown = await inRoundcube(file);
    expect({ ...shown, text: expected.text === '' ? '' : shown.text }).toEqual(expected);
  }, 90_000);
});
