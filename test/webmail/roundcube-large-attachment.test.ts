/**
 * The largest attachment compose takes (25 MiB) goes out signed, encrypted and signed
 * again (B16) from Roundcube, through the background and the native host's SMTP, and
 * reaches Bob's mailbox as a message of about 46.5 MiB that OpenSSL decrypts and
 * verifies, the attachment octet for octet. This is the size the large webmails accept,
 * and what MAX_MAIL_MESSAGE_BYTES is set to let through.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDemoBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { MAX_MAIL_MESSAGE_BYTES } from '../../src/protocol/native';
import { acquireBrowserLock } from '../e2e/browser-lock';
import { buildExtension } from '../e2e/browser';
import { maildirPath, resetMailboxes } from '../support/mail-system';
import { opensslDecryptAndVerify } from './openssl-mail';
import { newMessages, openCompose, pressSecure, settle, signIn, typeRecipients, waitForCachetFrame } from './roundcube-session';

const MiB = 1024 * 1024;
const work = mkdtempSync(path.join(tmpdir(), 'cachet-webmail-large-'));
const attachmentPath = path.join(work, 'survey.bin');
const attachment = randomBytes(25 * MiB);
let pki: DemoPki;
let alice: CachetBrowser | undefined;
let release: () => void;

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  writeFileSync(attachmentPath, attachment);
  release = await acquireBrowserLock();
  await resetMailboxes();
}, 300_000);

afterAll(async () => {
  await alice?.close();
  release?.();
  rmSync(work, { recursive: true, force: true });
});

/** The base64 body of the part named `name` in a MIME entity, decoded. */
function attachmentOf(entity: string, name: string): Buffer {
  const start = entity.search(new RegExp(`filename="?${name.replace(/\./g, '\\.')}"?\r\n`));
  expect(start, 'the attachment part').toBeGreaterThan(0);
  const bodyStart = entity.indexOf('\r\n\r\n', start) + 4;
  const bodyEnd = entity.indexOf('\r\n--', bodyStart);
  return Buffer.from(entity.slice(bodyStart, bodyEnd).replace(/\r\n/g, ''), 'base64');
}

describe('a 25 MiB attachment from Roundcube', () => {
  it('is sent signed, encrypted and signed again, and OpenSSL reads it back whole', async () => {
    alice = await launchDemoBrowser({ pki, user: 'alice', userDataDir: path.join(work, 'alice'), autoFill: true });
    const page = await signIn(alice.context, 'alice');
    await openCompose(page);
    await typeRecipients(page, 'to', ['bob@example.test']);
    await page.fill('#compose-subject', 'Survey data');
    await pressSecure(page);

    const compose = await waitForCachetFrame(page, alice.extensionOrigin, 'compose.html');
    await compose.getByLabel('Message').fill('Bob, the survey data is attached.');
    await compose.getByLabel('Attach files').setInputFiles(attachmentPath);
    await compose.getByRole('switch', { name: 'Sign', exact: true }).check();
    await compose.getByRole('switch', { name: 'Encrypt', exact: true }).check();
    await expect.poll(() => compose.locator('[data-recipient="bob@example.test"]').getAttribute('data-state'), settle).toBe('ok');
    await compose.getByRole('button', { name: 'Send securely' }).press('Enter');
    await page.waitForURL(/_mbox=INBOX/, { timeout: 240_000 });

    await expect.poll(() => newMessages(maildirPath('bob'), new Set()).length, { timeout: 60_000 }).toBe(1);
    const [delivered] = newMessages(maildirPath('bob'), new Set());
    const size = statSync(delivered ?? '').size;
    // Base64 inside the envelope, then the envelope's own base64: far over the old 25 MiB.
    expect(size).toBeGreaterThan(45 * MiB);
    expect(size).toBeLessThan(MAX_MAIL_MESSAGE_BYTES + MiB);
    console.info(`a 25 MiB attachment, triple-wrapped: a message of ${(size / MiB).toFixed(1)} MiB`);
    const opened = opensslDecryptAndVerify(pki.users.bob, pki.ca.pemFile, delivered ?? '');
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    const received = attachmentOf(opened.entity, 'survey.bin');
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(attachment).digest('hex'));
  }, 420_000);
});
