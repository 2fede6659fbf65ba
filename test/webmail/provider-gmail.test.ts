/**
 * Gmail in Chromium with Cachet (issue 15): the Gmail captures served as mail.google.com,
 * the Gmail API and Google's OAuth endpoints on loopback under their own names. Alice
 * writes in Gmail's compose through Cachet's Secure compose; Cachet signs her in through
 * the browser's web-auth-flow window and sends with users.messages.send, and the message
 * Gmail received is the one Cachet built: `openssl cms` decrypts it with Bob's key and
 * verifies every signature against the demo CA. An encrypted message of the conversation
 * opens in Cachet's reader frame through the Gmail API (users.messages.get, format=raw),
 * as the site fetches, or from Gmail's "Download original" with the page's session where
 * it fetches otherwise; Alice's inline reply to it quotes Cachet's decrypted copy and goes
 * out in its conversation.
 * The organisation's Roundcube in front of the same Google mailbox fetches through the API
 * (users.messages.get, format=raw): a reply there quotes Cachet's decrypted copy of the
 * original, and goes out in the original's conversation (threadId).
 */
import { describe, expect, it } from 'vitest';
import { artifactPath } from '../e2e/browser';
import { signedAndEncrypted } from './openssl-mail';
import { gmailDownloadOrigin, gmailOrigin, replyingTo, roundcubeOrigin } from './provider-support/capture-sites';
import { setUserSetting } from './provider-support/provider-browser';
import { chromiumRedirectUri, expectReaderShows, expectSignedAndEncryptedToBob, useProviderSession } from './provider-support/provider-session';
import { openSecureCompose, pressSend, writeToBob } from './provider-support/secure-compose';
import { settle, webmailContent } from './roundcube-session';

const body = 'Bob, the Gmail figures: 4711 units. Keep them to yourself.';
/** Bob's encrypted message in the conversation of the captures (msg-f:1784456665234091493, hex 18c3a9e1f05b2de5). */
const bobsMessage = { decimalId: '1784456665234091493', hexId: '18c3a9e1f05b2de5', messageId: '<quarterly-figures@example.test>', secret: 'Gmail reader secret: 0815' };
const gmailThroughGmail = { origin: gmailOrigin, send: 'gmail', fetch: 'gmail' };
const roundcubeThroughGmail = { origin: roundcubeOrigin, send: 'gmail', fetch: 'gmail' };
const session = useProviderSession((world) => ({
  sites: [gmailOrigin, roundcubeOrigin],
  grant: [gmailOrigin, gmailDownloadOrigin, roundcubeOrigin],
  settings: {
    oauthClients: { google: world.oauthClients.google, microsoft: null },
    siteTransports: [gmailThroughGmail, roundcubeThroughGmail],
  },
}));
/** Every users.messages.get?format=raw the Gmail API was asked, in order. */
const rawFetches = () => session.world.gmail.loopback.received
  .filter((r) => r.method === 'GET' && r.url.searchParams.get('format') === 'raw').map((r) => r.url.href);

describe('Gmail', () => {
  it('sends from Gmail\'s compose through the Gmail API, signed in by the browser\'s window, as Cachet built it', async () => {
    const { world, alice, pki } = session;
    const { page, compose } = await openSecureCompose(alice, world.gmailSite.show('gmail-2026-12/compose-new.html'));
    // Prefilled from Gmail's recipient chips and subject.
    await expect.poll(() => compose.getByLabel('To', { exact: true }).inputValue(), settle).toBe('alice@example.com, bob@example.org');
    expect(await compose.getByLabel('Subject').inputValue()).toBe('Budget 2027');
    await writeToBob(compose, body);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('4711');
    await pressSend(compose);

    await expect.poll(() => world.gmail.messages.length, settle).toBe(1);
    const [sent] = world.gmail.messages;
    // One sign-in, through Chromium's window, ending at the extension's own redirect URI.
    expect(world.google.signIns).toBe(1);
    const authorize = world.google.loopback.received.find((r) => r.url.pathname === '/o/oauth2/v2/auth');
    expect(authorize?.url.host).toBe('accounts.google.com');
    expect(authorize?.url.searchParams.get('redirect_uri')).toBe(chromiumRedirectUri(alice.extensionOrigin));
    expect(world.google.loopback.received.some((r) => r.url.href === 'https://oauth2.googleapis.com/token')).toBe(true);
    const apiCall = world.gmail.loopback.received.find((r) => r.method === 'POST');
    expect(apiCall?.url.href).toBe('https://gmail.googleapis.com/gmail/v1/users/me/messages/send');
    expect(sent?.via).toBe('json');

    expectSignedAndEncryptedToBob(pki, sent?.raw ?? new Uint8Array(), 'Budget 2027', body);
    // Sent: the tab is back in the mailbox (closing it while it navigates there can hang Chromium's page close).
    await page.waitForURL(`${gmailOrigin}/mail/u/0/#inbox`);
    await page.close();
  }, 180_000);

  it('opens an encrypted message of a conversation in the reader frame through messages.get?format=raw, as the site fetches', async () => {
    const { world, alice, pki } = session;
    // As Gmail holds a message it received: CRLF line ends (OpenSSL writes LF), with a Message-ID.
    const made = signedAndEncrypted(pki.users.bob, pki.users.alice, { subject: 'Quarterly figures', text: bobsMessage.secret });
    const raw = Buffer.from(`Message-ID: ${bobsMessage.messageId}\n${made.toString('latin1')}`.replace(/\r?\n/g, '\r\n'), 'latin1');
    // The page's "Download original" and the API serve the same message.
    world.gmailSite.messages.set(bobsMessage.decimalId, raw);
    world.gmail.messages.push({ id: bobsMessage.hexId, threadId: bobsMessage.hexId, raw, labelIds: ['INBOX'], via: 'json' });
    const page = await alice.context.newPage();
    await page.goto(world.gmailSite.show('gmail-2026-12/conversation-encrypted.html'));
    await expectReaderShows(page, alice.extensionOrigin, bobsMessage.secret);
    expect(rawFetches()).toEqual([`https://gmail.googleapis.com/gmail/v1/users/me/messages/${bobsMessage.hexId}?format=raw`]);
    expect(world.gmailSite.downloads).toEqual([]);
    await page.screenshot({ path: artifactPath('provider-gmail-reader.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('opens it from "Download original", with the page\'s session, where the site does not fetch through the API', async () => {
    const { world, alice } = session;
    const apiCalls = rawFetches().length;
    await setUserSetting(alice.context, alice.extensionOrigin, 'siteTransports', [{ origin: gmailOrigin, send: 'gmail', fetch: 'host-mail' }, roundcubeThroughGmail]);
    try {
      const page = await alice.context.newPage();
      await page.goto(world.gmailSite.show('gmail-2026-12/conversation-encrypted.html'));
      await expectReaderShows(page, alice.extensionOrigin, bobsMessage.secret);
      expect(world.gmailSite.downloads.map((d) => d.cookie)).toEqual([world.gmailSite.session]);
      expect(rawFetches()).toHaveLength(apiCalls);
      await page.close();
    } finally {
      await setUserSetting(alice.context, alice.extensionOrigin, 'siteTransports', [gmailThroughGmail, roundcubeThroughGmail]);
    }
  }, 120_000);

  it('fetches a reply\'s original through messages.get?format=raw and keeps the reply in its conversation', async () => {
    const { world, alice, pki } = session;
    const original = world.gmail.messages.find((m) => m.via === 'json' && m.labelIds.includes('SENT'));
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(original?.raw.toString('latin1') ?? '')?.[1] ?? '';
    expect(messageId).not.toBe('');
    const rawBefore = rawFetches().length;
    const { page, compose } = await openSecureCompose(alice, world.roundcubeSite.show('roundcube-1.6.5/compose-reply.html', replyingTo(messageId)));
    const text = compose.getByLabel('Message', { exact: true });
    await expect.poll(() => text.inputValue(), settle).toContain(`> ${body}`);
    expect(rawFetches().slice(rawBefore)).toEqual([`https://gmail.googleapis.com/gmail/v1/users/me/messages/${original?.id ?? ''}?format=raw`]);
    const subject = await compose.getByLabel('Subject').inputValue();
    await writeToBob(compose, `Agreed, 4711 it is.\n${await text.inputValue()}`);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('4711');

    const before = world.gmail.messages.length;
    await pressSend(compose);
    await expect.poll(() => world.gmail.messages.length, settle).toBe(before + 1);
    const reply = world.gmail.messages.at(-1);
    expect(reply?.threadId).toBe(original?.threadId);
    expect(/^In-Reply-To:\s*(<[^>]+>)/im.exec(reply?.raw.toString('latin1') ?? '')?.[1]).toBe(messageId);
    expectSignedAndEncryptedToBob(pki, reply?.raw ?? new Uint8Array(), subject, 'Agreed, 4711 it is.');
    await page.waitForURL(`${roundcubeOrigin}/?_task=mail&_mbox=INBOX`);
    await page.close();
  }, 180_000);

  it('replies inline in Gmail: the quote is Cachet\'s decrypted copy of the original, and the reply stays in its conversation', async () => {
    const { world, alice, pki } = session;
    const { page, compose } = await openSecureCompose(alice, world.gmailSite.show('gmail-2026-12/compose-reply.html'));
    const text = compose.getByLabel('Message', { exact: true });
    await expect.poll(() => text.inputValue(), settle).toContain(`> ${bobsMessage.secret}`);
    expect(await compose.getByLabel('Subject').inputValue()).toBe('Re: Quarterly figures');
    await writeToBob(compose, `Thanks, Bob: 0815 noted.\n${await text.inputValue()}`);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('0815');

    const before = world.gmail.messages.length;
    await pressSend(compose);
    await expect.poll(() => world.gmail.messages.length, settle).toBe(before + 1);
    const reply = world.gmail.messages.at(-1);
    expect(reply?.threadId).toBe(bobsMessage.hexId);
    expect(/^In-Reply-To:\s*(<[^>]+>)/im.exec(reply?.raw.toString('latin1') ?? '')?.[1]).toBe(bobsMessage.messageId);
    expectSignedAndEncryptedToBob(pki, reply?.raw ?? new Uint8Array(), 'Re: Quarterly figures', 'Thanks, Bob: 0815 noted.');
    await page.waitForURL(`${gmailOrigin}/mail/u/0/#inbox`);
    await page.close();
  }, 180_000);
});
