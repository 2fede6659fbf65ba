/**
 * The generic adapter on a plain page: it offers "Open in Cachet" beside links to S/MIME
 * parts of the page's own origin, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../content/adapters/generic/adapter';
import { pickAdapter } from '../../content/pick-adapter';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { loadCapture } from './capture-dom';

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
});
