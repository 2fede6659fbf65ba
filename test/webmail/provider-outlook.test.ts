/**
 * Outlook on the web in Chromium with Cachet (issue 15): the Outlook captures served as
 * outlook.office.com, Microsoft Graph and the Microsoft identity platform on loopback under
 * their own names. Alice writes in Outlook's compose through Cachet's Secure compose;
 * Cachet signs her in through the browser's web-auth-flow window and sends with
 * POST /me/sendMail, and the MIME Graph received is the message Cachet built: `openssl cms`
 * decrypts it with Bob's key and verifies every signature against the demo CA. The message
 * the page's address names opens in Cachet's reader frame from Graph's
 * GET /me/messages/{id}/$value, the only raw source Outlook has.
 */
import { describe, expect, it } from 'vitest';
import { graphId } from '../../content/adapters/outlook/selectors';
import { artifactPath } from '../e2e/browser';
import { signedAndEncrypted } from './openssl-mail';
import { outlookOrigin, readCapture } from './provider-support/capture-sites';
import { chromiumRedirectUri, expectReaderShows, expectSignedAndEncryptedToBob, useProviderSession } from './provider-support/provider-session';
import { openSecureCompose, pressSend, writeToBob } from './provider-support/secure-compose';
import { settle, webmailContent } from './roundcube-session';

const body = 'Bob, the Outlook figures: 9137 units. Keep them to yourself.';
const session = useProviderSession((world) => ({
  sites: [outlookOrigin],
  grant: [outlookOrigin],
  settings: {
    oauthClients: { google: null, microsoft: world.oauthClients.microsoft },
    siteTransports: [{ origin: outlookOrigin, send: 'graph', fetch: 'graph' }],
  },
}));

describe('Outlook on the web', () => {
  it('sends from Outlook\'s compose through Microsoft Graph, signed in by the browser\'s window, as Cachet built it', async () => {
    const { world, alice, pki } = session;
    const { page, compose } = await openSecureCompose(alice, world.outlookSite.show('outlook-2026-12/compose-new.html'));
    // Prefilled from Outlook's recipient wells and subject.
    await expect.poll(() => compose.getByLabel('To', { exact: true }).inputValue(), settle).toBe('alice@example.com, bob@example.org');
    expect(await compose.getByLabel('Subject').inputValue()).toBe('Budget 2027');
    await writeToBob(compose, body);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('9137');
    await pressSend(compose);

    await expect.poll(() => world.graph.sent.length, settle).toBe(1);
    const [sent] = world.graph.sent;
    expect(world.microsoft.signIns).toBe(1);
    const authorize = world.microsoft.loopback.received.find((r) => r.url.pathname.endsWith('/oauth2/v2.0/authorize'));
    expect(authorize?.url.href.split('?')[0]).toBe(`https://login.microsoftonline.com/${world.oauthClients.microsoft.tenant}/oauth2/v2.0/authorize`);
    expect(authorize?.url.searchParams.get('redirect_uri')).toBe(chromiumRedirectUri(alice.extensionOrigin));
    const apiCall = world.graph.loopback.received.find((r) => r.method === 'POST');
    expect(apiCall?.url.href).toBe('https://graph.microsoft.com/v1.0/me/sendMail');

    expectSignedAndEncryptedToBob(pki, sent?.mime ?? new Uint8Array(), 'Budget 2027', body);
    // Sent: the tab is back in the mailbox (closing it while it navigates there can hang Chromium's page close).
    await page.waitForURL(`${outlookOrigin}/mail/`);
    await page.close();
  }, 180_000);

  it('opens the message the address names in the reader frame from Graph\'s $value', async () => {
    const { world, alice, pki } = session;
    const secret = 'Outlook reader secret: 2718';
    const capture = 'outlook-2026-12/message-encrypted.html';
    const exchangeId = decodeURIComponent(/\/id\/([^/?#]+)/.exec(readCapture(capture).address)?.[1] ?? '');
    // The message in Alice's mailbox on Graph, under the id Outlook's address names.
    world.graph.sent.push({ id: graphId(exchangeId), mime: signedAndEncrypted(pki.users.bob, pki.users.alice, { subject: 'Quarterly figures', text: secret }) });
    const page = await alice.context.newPage();
    await page.goto(world.outlookSite.show(capture));
    await expectReaderShows(page, alice.extensionOrigin, secret);
    const fetched = world.graph.loopback.received.filter((r) => r.url.pathname.endsWith('/$value'));
    expect(fetched.map((r) => r.url.href)).toEqual([`https://graph.microsoft.com/v1.0/me/messages/${encodeURIComponent(graphId(exchangeId))}/$value`]);
    await page.screenshot({ path: artifactPath('provider-outlook-reader.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
