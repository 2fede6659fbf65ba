/**
 * Roundcube's own draft and a secure send (issue: S/MIME inside a real webmail, section 3:
 * "After sending, Roundcube's draft is discarded and the user is back in the mailbox").
 * Alice types the recipient and subject into Roundcube's form and presses Roundcube's Save,
 * so Roundcube keeps a draft in her Drafts folder. She then writes the message in Cachet's
 * frame, while Roundcube's Save, Attach and the rest of its toolbar are out of reach, and
 * sends. The draft is gone, Bob has the message, and Alice is back in her mailbox without
 * being asked whether to leave.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDemoBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { artifactPath, buildExtension } from '../e2e/browser';
import { maildirPath, resetMailboxes, type MailUser } from '../support/mail-system';
import { opensslDecryptAndVerify } from './openssl-mail';
import { newMessages, openCompose, pressSecure, settle, signIn, typeRecipients, waitForCachetFrame } from './roundcube-session';

let pki: DemoPki;
let release: () => void;
const work = mkdtempSync(path.join(tmpdir(), 'cachet-webmail-draft-'));
/** Marks this run's messages apart from any other test's mail to the same users. */
const run = randomBytes(4).toString('hex');
const draftSubject = `Budget draft ${run}`;
const subject = `Budget ${run}`;
const body = 'Bob, the budget is 40,000. Not a word to anyone yet.';

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  // Held for the file's whole life, so another webmail file's mailbox reset never wipes
  // what this one checks.
  release = await acquireBrowserLock();
  await resetMailboxes();
}, 300_000);

afterAll(() => {
  release?.();
});

/** The messages in a user's folder whose Subject is one of this run's. */
function withSubject(user: MailUser, mailbox: string, ...subjects: string[]): string[] {
  const lines = new Set(subjects.map((s) => `Subject: ${s}`));
  return newMessages(maildirPath(user, mailbox), new Set())
    .filter((file) => readFileSync(file, 'latin1').split(/\r?\n/).some((line) => lines.has(line)));
}

describe('Roundcube\'s draft after a secure send', () => {
  let alice: CachetBrowser | undefined;
  afterAll(async () => {
    await alice?.close();
  });

  it('is deleted, and Alice is back in her mailbox without a leave-page question', async () => {
    alice = await launchDemoBrowser({ pki, user: 'alice', userDataDir: path.join(work, 'alice'), autoFill: true });
    const page = await signIn(alice.context, 'alice');
    await openCompose(page);
    await typeRecipients(page, 'to', ['bob@example.test']);
    await page.fill('#compose-subject', draftSubject);

    // Roundcube's Save: a draft with the recipient and subject lands in Drafts, and the
    // form learns its UID.
    const save = page.locator('#toolbar-menu a.save');
    await save.click();
    await expect.poll(() => page.inputValue('input[name="_draft_saveid"]'), settle).toMatch(/^\d+$/);
    await expect.poll(() => withSubject('alice', 'Drafts', draftSubject).length, settle).toBe(1);
    const [draft] = withSubject('alice', 'Drafts', draftSubject);
    expect(readFileSync(draft ?? '', 'latin1')).toMatch(/^To: bob@example\.test\r?$/m);
    // A change Roundcube has not saved: leaving the form now would ask first.
    await page.fill('#compose-subject', subject);

    await pressSecure(page);
    const compose = await waitForCachetFrame(page, alice.extensionOrigin, 'compose.html');
    await expect.poll(() => compose.getByLabel('Subject').inputValue(), settle).toBe(subject);
    expect(await compose.getByLabel('To', { exact: true }).inputValue()).toBe('bob@example.test');
    // Roundcube's own toolbar would act on its hidden form: only Cachet's Secure is left.
    await expect.poll(() => save.isVisible(), settle).toBe(false);
    expect(await page.locator('#toolbar-menu a.attach').isVisible()).toBe(false);
    expect(await page.locator('#toolbar-menu > li:visible').count()).toBe(1);
    expect(await page.locator('#toolbar-menu > li[data-cachet="compose-item"]').isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('roundcube-compose-toolbar.png') });

    await compose.getByLabel('Message').fill(body);
    await compose.getByRole('switch', { name: 'Sign', exact: true }).check();
    await compose.getByRole('switch', { name: 'Encrypt', exact: true }).check();
    await expect.poll(() => compose.locator('[data-recipient="bob@example.test"]').getAttribute('data-state'), settle).toBe('ok');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.accept();
    });
    // From the keyboard: headless Chromium may hand a mouse click on a frame to the page around it.
    await compose.getByRole('button', { name: 'Send securely' }).press('Enter');

    await page.waitForURL(/_mbox=INBOX/, { timeout: 120_000 });
    await page.locator('#mailboxlist').waitFor();
    expect(new URL(page.url()).searchParams.get('_action')).toBeNull();
    expect(dialogs).toEqual([]);
    await expect.poll(() => withSubject('bob', 'INBOX', subject).length, settle).toBe(1);
    const opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, withSubject('bob', 'INBOX', subject)[0] ?? '');
    expect(opened.entity).toContain('budget is 40,000');
    // No draft of this message is left: not the one saved, not a newer one.
    expect(withSubject('alice', 'Drafts', draftSubject, subject)).toEqual([]);
  }, 300_000);
});
