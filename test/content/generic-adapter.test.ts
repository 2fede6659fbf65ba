/**
 * The generic adapter on a plain page: it offers "Open in Cachet" beside links to S/MIME
 * parts of the page's own origin, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../content/adapters/generic/adapter';
import { pickAdapter } from '../../content/pick-adapter';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { captureHtml, loadCapture, loadPage } from './capture-dom';

/** CiderWebmail 1.05 from Debian 12 (captures/ciderwebmail-1.05, taken 2026-12-07). */
const ciderwebmailOrigin = 'http://127.0.0.1:8026';
const ciderwebmailPage = (name: string): Document => loadPage(captureHtml(`ciderwebmail-1.05/${name}.html`), ciderwebmailOrigin).window.document;

describe('generic adapter', () => {
  it('is picked where no site adapter recognises the page', () => {
    const doc = loadCapture('plain/attachments.html').window.document;
    expect(pickAdapter([roundcubeAdapter, genericAdapter], doc)?.name).toBe('generic');
    expect(pickAdapter([roundcubeAdapter, genericAdapter], loadCapture('roundcube-1.6.5/preview-encrypted.html').window.document)?.name).toBe('roundcube');
  });

  it('offers the S/MIME parts of the page\'s own origin, by file name and by media type', () => {
    const doc = loadCapture('plain/attachments.html').window.document;
    const { messages, composes } = genericAdapter.scan(doc);
    expect(composes).toEqual([]);
    expect(messages.map((m) => [m.kind, m.placement, m.source.url])).toEqual([
      ['encrypted', 'after', 'http://127.0.0.1:8025/mail/42/part/2'],
      ['signed', 'after', 'http://127.0.0.1:8025/mail/43/part/2'],
    ]);
  });

  describe('in CiderWebmail, a webmail without an adapter of its own', () => {
    it('is the adapter picked there', () => {
      expect(pickAdapter([roundcubeAdapter, genericAdapter], ciderwebmailPage('message-encrypted'))?.name).toBe('generic');
    });

    // CiderWebmail lists an S/MIME part as an attachment chip: a download link without
    // the file name in its address, the name only in the chip's visible text.
    it('offers the smime.p7m of an encrypted message, by the attachment chip\'s text', () => {
      const { messages, composes } = genericAdapter.scan(ciderwebmailPage('message-encrypted'));
      expect(composes).toEqual([]);
      expect(messages.map((m) => [m.kind, m.placement, m.source.url, m.anchor.textContent?.trim()])).toEqual([
        ['encrypted', 'after', `${ciderwebmailOrigin}/mailbox/INBOX/1/part/download/1`, 'smime.p7m'],
      ]);
    });

    it('offers the smime.p7s of a clear-signed message as signed', () => {
      const { messages } = genericAdapter.scan(ciderwebmailPage('message-signed'));
      expect(messages.map((m) => [m.kind, m.source.url])).toEqual([['signed', `${ciderwebmailOrigin}/mailbox/INBOX/2/part/download/2`]]);
    });

    it('offers the smime.p7m of an opaque-signed message', () => {
      const { messages } = genericAdapter.scan(ciderwebmailPage('message-opaque'));
      expect(messages.map((m) => m.source.url)).toEqual([`${ciderwebmailOrigin}/mailbox/INBOX/3/part/download/1`]);
    });

    it('offers nothing once the chip no longer names an S/MIME part', () => {
      const doc = ciderwebmailPage('message-encrypted');
      for (const span of doc.querySelectorAll('.attachment a span')) span.textContent = 'report.pdf';
      expect(genericAdapter.scan(doc).messages).toEqual([]);
    });
  });
});
