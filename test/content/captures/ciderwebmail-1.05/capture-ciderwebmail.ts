/**
 * Saves the CiderWebmail pages the generic adapter's tests run against, as Chromium shows
 * them after CiderWebmail's own scripts ran: its INBOX with one message opened below the
 * list, as a click on the subject opens it. Run it against the loopback mail system when
 * Debian's ciderwebmail changes, and put the new version in the folder name:
 *
 *   npm run mail -- start && npx tsx test/content/captures/ciderwebmail-1.05/capture-ciderwebmail.ts
 *
 * It delivers three Thunderbird corpus messages (encrypted, clear-signed, opaque-signed)
 * to carol's INBOX and saves the page with each of them open.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { CIDERWEBMAIL_URL, deliver, MAIL_ACCOUNTS } from '../../../support/mail-system';

const out = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(out, '../../../../../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
const messages = {
  encrypted: 'alice.env.eml',
  signed: 'alice.dsig.SHA256.multipart.eml',
  opaque: 'alice.sig.SHA256.opaque.eml',
} as const;
const taken = new Date().toISOString().slice(0, 10);

async function save(page: Page, name: string): Promise<void> {
  // The first line is the address loadPage puts the capture at; the second dates it.
  const where = page.url().replace(CIDERWEBMAIL_URL, '/');
  writeFileSync(path.join(out, `${name}.html`), `<!-- ${where} -->\n<!-- CiderWebmail 1.05+20221106-1 (Debian 12), taken ${taken} -->\n${await page.content()}`);
}

const uids: Record<string, number> = {};
for (const [name, file] of Object.entries(messages)) uids[name] = await deliver('carol', readFileSync(path.join(corpus, file)));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(CIDERWEBMAIL_URL);
  await page.fill('#username', MAIL_ACCOUNTS.carol.address);
  await page.fill('input[name="password"]', MAIL_ACCOUNTS.carol.password);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector('#messages_pane');
  await page.waitForLoadState('load');
  for (const [name, uid] of Object.entries(uids)) {
    await page.click(`#link_${uid}`);
    await page.waitForSelector(`#message_view .message_rfc822 a[href*="/${uid}/view_source"]`);
    await save(page, `message-${name}`);
  }
  console.log(`Saved CiderWebmail captures in ${out}`);
} finally {
  await browser.close();
}
