/**
 * Saves the Roundcube pages the adapter tests run against, as Chromium shows them after
 * Roundcube's own scripts ran (what the content script sees at document_idle). Run it
 * against the loopback mail system when Roundcube's version changes, and date the
 * selectors (content/adapters/roundcube/selectors.ts) to the new captures:
 *
 *   npm run mail -- start && npx tsx test/content/captures/capture-roundcube.ts
 *
 * It delivers three Thunderbird corpus messages (encrypted, clear-signed, opaque-signed)
 * to carol's INBOX and saves the message list, the preview pane's page for each, the
 * full view of the encrypted one, a new compose form and a reply.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { deliver, MAIL_ACCOUNTS, ROUNDCUBE_URL } from '../../support/mail-system';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'roundcube-1.6.5');
const corpus = path.resolve(here, '../../../../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
const messages = {
  encrypted: 'alice.env.eml',
  signed: 'alice.dsig.SHA256.multipart.eml',
  opaque: 'alice.sig.SHA256.opaque.eml',
} as const;

async function save(page: Page, name: string): Promise<void> {
  // Inline scripts are kept: the adapter reads Roundcube's settings from them as text.
  writeFileSync(path.join(out, `${name}.html`), `<!-- ${page.url().replace(ROUNDCUBE_URL, '/')} -->\n${await page.content()}`);
}

mkdirSync(out, { recursive: true });
const uids: Record<string, string> = {};
for (const [name, file] of Object.entries(messages)) uids[name] = String(await deliver('carol', readFileSync(path.join(corpus, file))));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(ROUNDCUBE_URL);
  await page.fill('#rcmloginuser', MAIL_ACCOUNTS.carol.address);
  await page.fill('#rcmloginpwd', MAIL_ACCOUNTS.carol.password);
  await page.click('#rcmloginsubmit');
  await page.waitForSelector('#messagelist tbody tr');
  await save(page, 'mailbox');
  for (const name of Object.keys(messages)) {
    await page.goto(`${ROUNDCUBE_URL}?_task=mail&_action=preview&_uid=${uids[name]}&_mbox=INBOX&_framed=1`);
    await page.waitForSelector('#messagebody');
    await save(page, `preview-${name}`);
  }
  await page.goto(`${ROUNDCUBE_URL}?_task=mail&_action=show&_uid=${uids['encrypted']}&_mbox=INBOX`);
  await page.waitForSelector('#messagebody');
  await save(page, 'show-encrypted');
  await page.goto(`${ROUNDCUBE_URL}?_task=mail&_action=compose`);
  await page.waitForSelector('#composebody');
  await save(page, 'compose-new');
  await page.goto(`${ROUNDCUBE_URL}?_task=mail&_action=compose&_reply_uid=${uids['encrypted']}&_mbox=INBOX`);
  await page.waitForSelector('#composebody');
  await save(page, 'compose-reply');
  console.log(`Saved Roundcube captures in ${out}`);
} finally {
  await browser.close();
}
