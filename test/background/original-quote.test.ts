/**
 * The quote of a reply or forward: what Cachet's reader showed of the original (its HTML
 * body when it has one, else its text), with the threading fields from the outer header.
 * The reader is a stand-in here; test/security/decryption-oracle*.test.ts run the real one.
 */
import { describe, expect, it } from 'vitest';
import { quoteOriginal } from '../../background/compose/original-quote';
import type { Reader } from '../../background/reader/reader';
import type { ReaderView } from '../../src/protocol/runtime';

const original = new TextEncoder().encode('From: alice@example.org\r\nMessage-ID: <m2@example.org>\r\nReferences: <m1@example.org>\r\nSubject: x\r\n\r\nbody\r\n');

function readerShowing(shown: Pick<ReaderView, 'text' | 'html'>): { reader: Reader; owners: string[] } {
  const owners: string[] = [];
  const view: ReaderView = {
    sessionId: 's', from: 'Alice <alice@example.org>', author: null, to: '', cc: '', subject: 'Plans', date: 'Tue, 1 Dec 2026 10:00:00 +0000',
    encrypted: true, bareFile: false, signers: [], notices: [], attachments: [], ...shown,
  };
  const reader: Reader = {
    open: (_message, owner) => {
      owners.push(owner);
      return Promise.resolve(view);
    },
    prepare: () => {
      throw new Error('not used');
    },
    validation: () => Promise.reject(new Error('not used')),
    attachment: () => Promise.reject(new Error('not used')),
  };
  return { reader, owners };
}

describe('quoteOriginal', () => {
  it('quotes the HTML the reader shows, as its text, and never the plain-text part beside it', async () => {
    const { reader, owners } = readerShowing({ text: 'The text part says something else.', html: '<p>Lunch <b>Friday</b>?</p><div hidden>hidden</div><script>x()</script>' });
    const quote = await quoteOriginal(original, reader);
    expect(quote).toEqual({
      from: 'Alice <alice@example.org>', date: 'Tue, 1 Dec 2026 10:00:00 +0000', subject: 'Plans',
      text: 'Lunch Friday?\n\nhidden', messageId: '<m2@example.org>', references: '<m1@example.org>',
    });
    // The quote's reader session is its own; no page is its owner.
    expect(owners).toEqual(['compose-quote']);
  });

  it('quotes the text as it is when there is no HTML, and nothing when there is no body', async () => {
    expect((await quoteOriginal(original, readerShowing({ text: 'Just <text>.', html: null }).reader)).text).toBe('Just <text>.');
    expect((await quoteOriginal(original, readerShowing({ text: null, html: null }).reader)).text).toBe('');
  });

  it('cuts a long quote and says so', async () => {
    const long = await quoteOriginal(original, readerShowing({ text: null, html: `<p>${'word '.repeat(100_000)}</p>` }).reader);
    expect(long.text.length).toBe(256 * 1024 + '\n[…]'.length);
    expect(long.text.endsWith('\n[…]')).toBe(true);
  });
});
