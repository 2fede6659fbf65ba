/**
 * A webmail whose mail goes through the organisation's JMAP server, in Chromium with Cachet
 * (issue 15): the Roundcube captures served as https://webmail.example.test, `siteTransports`
 * sending and fetching through JMAP, and the server a real one, Debian's Cyrus IMAP on
 * loopback. Alice writes through Cachet's Secure compose; Cachet asks her JMAP login in its
 * own password page, uploads the message, imports it into Sent and submits it, and what
 * Cyrus hands to SMTP is the message Cachet built byte for byte, as its Sent copy is:
 * `openssl cms` decrypts it with Bob's key and verifies it against the demo CA. Replying to
 * it, Cachet fetches the original from Cyrus by its Message-ID and quotes it from its own
 * decrypted copy. Without host permission for the server, a send says so and keeps the
 * message, and the popup asks for the permission.
 */
import { describe, expect, it } from 'vitest';
import { cyrusJmapUrl, cyrusPassword, cyrusUser, messageInCyrus, startSubmissionSink, useCyrus } from './provider-support/cyrus-jmap';
import { replyingTo, roundcubeOrigin } from './provider-support/capture-sites';
import { expectSignedAndEncryptedToBob, useProviderSession } from './provider-support/provider-session';
import { openSecureCompose, pressSend, writeToBob } from './provider-support/secure-compose';
import { openPopupFor } from './popup-page';
import { settle, webmailContent } from './roundcube-session';

const body = 'Bob, the JMAP figures: 6174 units. Keep them to yourself.';
const cyrusOrigin = new URL(cyrusJmapUrl).origin;
useCyrus();
const session = useProviderSession(() => ({
  sites: [roundcubeOrigin],
  // Cyrus answers no cross-origin callers (its httpallowcors is off), so the service worker
  // reaches it only with host permission for it, which the popup asks for with the site's.
  grant: [roundcubeOrigin, cyrusOrigin],
  settings: { siteTransports: [{ origin: roundcubeOrigin, send: 'jmap', fetch: 'jmap', jmapUrl: cyrusJmapUrl, jmapUser: cyrusUser }] },
  mailPassword: cyrusPassword,
}));
let sentMessageId = '';

describe('a webmail sending and fetching through JMAP', () => {
  it('sends through Cyrus: what it submits is what Cachet built', async () => {
    const { world, alice, pki } = session;
    const sink = await startSubmissionSink();
    try {
      const { page, compose } = await openSecureCompose(alice, world.roundcubeSite.show('roundcube-1.6.5/compose-new.html'));
      await compose.getByLabel('Subject').fill('Through JMAP');
      await writeToBob(compose, body);
      expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('6174');
      await pressSend(compose);

      await expect.poll(() => sink.deliveries.length, settle).toBe(1);
      const [delivery] = sink.deliveries;
      expect(delivery?.from).toBe('alice@example.test');
      expect(delivery?.to).toEqual(['bob@example.test']);
      expectSignedAndEncryptedToBob(pki, delivery?.data ?? new Uint8Array(), 'Through JMAP', body);
      sentMessageId = /^Message-ID:\s*(<[^>]+>)/im.exec(delivery?.data.toString('latin1') ?? '')?.[1] ?? '';
      // Cyrus handed on the bytes it was given, the ones it keeps in Alice's Sent (asked again
      // while its search by Message-ID may not see the new message yet).
      const sentCopy = () => messageInCyrus(sentMessageId).then((copy) => Buffer.from(copy).equals(delivery?.data ?? Buffer.alloc(0)), () => false);
      await expect.poll(sentCopy, settle).toBe(true);
      await page.waitForURL(`${roundcubeOrigin}/?_task=mail&_mbox=INBOX`);
      await page.close();
    } finally {
      await sink.close();
    }
  }, 180_000);

  it('fetches the original of a reply from Cyrus by its Message-ID and quotes Cachet\'s own decrypted copy', async () => {
    const { world, alice } = session;
    expect(sentMessageId).not.toBe('');
    // The reply form names its original as Roundcube does, by the Message-ID of Alice's Sent copy.
    const { page, compose } = await openSecureCompose(alice, world.roundcubeSite.show('roundcube-1.6.5/compose-reply.html', replyingTo(sentMessageId)));
    await expect.poll(() => compose.getByLabel('Message', { exact: true }).inputValue(), settle).toContain(`> ${body}`);
    expect(await webmailContent(page, alice.extensionOrigin)).not.toContain('6174');
    await page.close();
  }, 120_000);

  // Last: the permission taken away cannot be given back without the browser's own prompt.
  it('without permission for the JMAP server, the popup asks for it and a send says so and keeps the message', async () => {
    const { world, alice } = session;
    await alice.worker.evaluate(async (origin) => {
      const { chrome } = globalThis as unknown as { chrome: { permissions: { remove(p: object): Promise<boolean> } } };
      await chrome.permissions.remove({ origins: [`${origin}/*`] });
    }, cyrusOrigin);
    const sink = await startSubmissionSink();
    try {
      const { page, compose } = await openSecureCompose(alice, world.roundcubeSite.show('roundcube-1.6.5/compose-new.html'));
      await compose.getByLabel('Subject').fill('Not through JMAP');
      await writeToBob(compose, body);
      await pressSend(compose);
      const alert = compose.getByRole('alert');
      await alert.waitFor(settle);
      expect(await alert.textContent()).toMatch(
        /^Not sent: Cachet has no permission to reach the JMAP server at 127\.0\.0\.1:18080: open Cachet's toolbar menu on https:\/\/webmail\.example\.test and choose "Allow access" \(runtime\/forbidden\)\. Your message is still here/);
      expect(await compose.getByLabel('Message', { exact: true }).inputValue()).toBe(body);
      expect(await compose.getByLabel('Subject').inputValue()).toBe('Not through JMAP');
      expect(sink.deliveries).toHaveLength(0);

      // The popup, opened over the webmail's tab, says what is missing and offers to allow it.
      await page.bringToFront();
      const popup = await openPopupFor(alice, roundcubeOrigin);
      await expect.poll(() => popup.locator('[data-unreachable-services]').textContent(), settle)
        .toBe(`This site's mail goes through the JMAP server at ${cyrusOrigin}; your browser needs your permission for Cachet to reach it.`);
      expect(await popup.getByRole('button', { name: 'Allow access' }).isEnabled()).toBe(true);
      expect(await popup.locator('[data-site-enabled]').getAttribute('data-site-enabled')).toBe('true');
      await popup.close();
      await page.close();
    } finally {
      await sink.close();
    }
  }, 120_000);
});
