/**
 * The Outlook adapter against pages rebuilt from the structure public Outlook extensions
 * read (captures/outlook-2026-12, README.md there): it finds the S/MIME message the reading
 * pane shows when the address names it, hands over Microsoft Graph's id for it, reads
 * compose forms, and reports nothing when its selectors stop matching.
 */
import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../content/adapters/generic/adapter';
import { gmailAdapter } from '../../content/adapters/gmail/adapter';
import { outlookAdapter } from '../../content/adapters/outlook/adapter';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { pickAdapter } from '../../content/pick-adapter';
import { captureHtml, loadPage } from './capture-dom';

const work = 'https://outlook.office.com';
const page = (name: string, edit: (html: string) => string = (html) => html, origin = work): Document =>
  loadPage(edit(captureHtml(`outlook-2026-12/${name}.html`)), origin).window.document;
const all = [gmailAdapter, outlookAdapter, roundcubeAdapter, genericAdapter];
/** The encrypted message's id as the address shows it (Exchange's form), and as Graph takes it. */
const exchangeId = 'AAMkADAwZjQ5YTM4LWE1MmItNGQxZC1iOTZhLTIyNmY4ZWZmN2M0MQBGAAAAAAC8+Kw1t6zGQ7W0ySKfX3ZfBwBVsH/q3xGrTJ5y9cJkL2mPAAAAAAEMAABVsH/q3xGrTJ5y9cJkL2mPAAAe1TxRAAA=';
const graphId = 'AAMkADAwZjQ5YTM4LWE1MmItNGQxZC1iOTZhLTIyNmY4ZWZmN2M0MQBGAAAAAAC8_Kw1t6zGQ7W0ySKfX3ZfBwBVsH-q3xGrTJ5y9cJkL2mPAAAAAAEMAABVsH-q3xGrTJ5y9cJkL2mPAAAe1TxRAAA=';

describe('Outlook adapter on reconstructed captures', () => {
  it.each(['https://outlook.office.com', 'https://outlook.office365.com', 'https://outlook.cloud.microsoft', 'https://outlook.live.com'])(
    'is picked on %s, by its origin',
    (origin) => {
      expect(pickAdapter(all, page('message-encrypted', (html) => html, origin))?.name).toBe('outlook');
    },
  );

  it('is not picked for the same page at another origin', () => {
    expect(pickAdapter(all, page('message-encrypted', (html) => html, 'https://outlook.example.org'))?.name).toBe('generic');
  });

  it('finds the encrypted message the address names, with its Graph id', () => {
    const doc = page('message-encrypted');
    expect(decodeURIComponent(doc.location.pathname)).toContain(exchangeId);
    const { messages, composes } = outlookAdapter.scan(doc);
    expect(composes).toEqual([]);
    expect(messages).toHaveLength(1);
    const [view] = messages;
    expect(view?.kind).toBe('encrypted');
    expect(view?.placement).toBe('replace');
    expect(view?.anchor.id).toBe('UniqueMessageBody_1');
    expect(view?.key).toBe(`outlook/${graphId}`);
    expect(view?.source).toEqual({ provider: { provider: 'graph', id: graphId } });
  });

  it('finds a clear-signed message opened on its own in Outlook.com', () => {
    const doc = page('read-signed', (html) => html, 'https://outlook.live.com');
    const [view, ...more] = outlookAdapter.scan(doc).messages;
    expect(more).toEqual([]);
    expect(view?.kind).toBe('signed');
    expect(view?.anchor.id).toBe('UniqueMessageBody_3');
    expect(view?.source).toEqual({
      provider: { provider: 'graph', id: 'AQMkADAwATM0MDAAMS0yNjMzLTMxMjMtMDACLTAwCgBGAAADsHtj-2LqF0OiqXzJ6Yb2_QcAk0UiTrC7NU_uBNn3o8lnTwAAAgEMAAAAk0UiTrC7NU_uBNn3o8lnTwAAAJ4x5TwAAAA=' },
    });
  });

  it('takes the id from an ItemID parameter too', () => {
    const doc = page('read-signed', (html) => html.replace(/^<!-- \S+ -->/, `<!-- /owa/?ItemID=${encodeURIComponent(exchangeId)}&exvsurl=1&viewmodel=ReadMessageItem -->`));
    expect(outlookAdapter.scan(doc).messages[0]?.source).toEqual({ provider: { provider: 'graph', id: graphId } });
  });

  it('reports nothing where the address names a conversation: no message is guessed from its place', () => {
    expect(outlookAdapter.scan(page('conversation'))).toEqual({ messages: [], composes: [] });
    // Even where the conversation's id is given with one message's body only.
    const one = page('conversation', (html) => html.replace(/<div class="aVla3"[\s\S]*?Here are the figures[\s\S]*?<\/div>\s*<\/div>\s*<\/div>/, ''));
    expect(one.querySelectorAll('[id^="UniqueMessageBody"]')).toHaveLength(1);
    expect(outlookAdapter.scan(one).messages).toEqual([]);
  });

  it('reports nothing where the pane shows more than one body, even if the address names a message', () => {
    const doc = page('conversation', (html) => html.replace(/^<!-- \S+ -->/, `<!-- /mail/inbox/id/${encodeURIComponent(exchangeId)} -->`));
    expect(outlookAdapter.scan(doc).messages).toEqual([]);
  });

  it('reads a new message: recipients, subject, the signed-in mailbox', () => {
    const doc = page('compose-new');
    const { messages, composes } = outlookAdapter.scan(doc);
    expect(messages).toEqual([]);
    expect(composes).toHaveLength(1);
    const [view] = composes;
    expect(view?.mode).toBe('new');
    expect(view?.original).toBeUndefined();
    expect(view?.editor.getAttribute('aria-label')).toBe('Message body');
    expect(view?.toolbar.className).toBe('OTADH xukFz');
    expect(view?.alsoHidden.map((e) => e.getAttribute('aria-label'))).toEqual(['Send', 'More send options', 'Discard']);
    expect(view?.readFields()).toEqual({ from: 'carol@example.test', to: ['alice@example.com', 'bob@example.org'], cc: ['dave@example.test'], bcc: [], subject: 'Budget 2027' });
    expect(view?.doneUrl).toBe(`${work}/mail/`);
  });

  it('reads an inline reply below the message it answers', () => {
    const doc = page('compose-reply');
    const { messages, composes } = outlookAdapter.scan(doc);
    expect(messages.map((m) => m.source)).toEqual([{ provider: { provider: 'graph', id: graphId } }]);
    const [view] = composes;
    expect(view?.mode).toBe('reply');
    expect(view?.readFields()).toMatchObject({ to: ['alice@example.com'], cc: [], subject: 'RE: Quarterly figures' });
    // The original is the message above, by its Graph id; Outlook's own quote is not read.
    expect(view?.original).toEqual({ provider: { provider: 'graph', id: graphId } });
    // A forward is told by its subject; a reply whose subject Outlook left out by its quote.
    (doc.querySelector('input[aria-label="Add a subject"]') as HTMLInputElement).value = 'FW: Quarterly figures';
    expect(outlookAdapter.scan(doc).composes[0]).toMatchObject({ mode: 'forward', original: { provider: { provider: 'graph', id: graphId } } });
    doc.querySelector('input[aria-label="Add a subject"]')?.remove();
    expect(outlookAdapter.scan(doc).composes[0]?.mode).toBe('reply');
  });

  it('names no original for a new message, nor where the message above cannot be told', () => {
    // A new message written in the pane (no reply prefix, no quote block) has none.
    const fresh = page('compose-reply', (html) => html.replace('value="RE: Quarterly figures"', 'value="Budget"').replace(/<div id="divRplyFwdMsg"[\s\S]*?<\/div>/, ''));
    expect(outlookAdapter.scan(fresh).composes[0]).toMatchObject({ mode: 'new' });
    expect(outlookAdapter.scan(fresh).composes[0]?.original).toBeUndefined();
    // The address names a conversation, or no message: the reply's original is not guessed.
    for (const address of ['/mail/inbox/id/AAQkADAwZjQ5YTM4LWE1MmItNGQxZC1iOTZhLTIyNmY4ZWZmN2M0MQAQAB7RaLTd5zNGkXmSV3u4bRw%3D', '/mail/inbox']) {
      const doc = page('compose-reply', (html) => html.replace(/^<!-- \S+ -->/, `<!-- ${address} -->`));
      expect(outlookAdapter.scan(doc).composes[0]).toMatchObject({ mode: 'reply' });
      expect(outlookAdapter.scan(doc).composes[0]?.original).toBeUndefined();
    }
    // A second body in the pane leaves the id tied to neither.
    const two = page('compose-reply', (html) => html.replace('<div id="UniqueMessageBody_1"', '<div id="UniqueMessageBody_0" role="document"></div><div id="UniqueMessageBody_1"'));
    expect(outlookAdapter.scan(two).composes[0]?.original).toBeUndefined();
  });

  it('sends the user back to Outlook.com\'s mailbox of the same account', () => {
    const doc = page('compose-new', (html) => html.replace('<!-- /mail/inbox -->', '<!-- /mail/0/inbox -->'), 'https://outlook.live.com');
    expect(outlookAdapter.scan(doc).composes[0]?.doneUrl).toBe('https://outlook.live.com/mail/0/');
  });

  it.each([
    ['the reading pane', 'message-encrypted', 'role="main"', 'role="main-2"'],
    ['the message body', 'message-encrypted', 'id="UniqueMessageBody_1"', 'id="Body_1"'],
    ['the attachment list', 'message-encrypted', 'role="listbox" aria-label="file attachments"', 'role="list" aria-label="file attachments"'],
    ['the message id in the address', 'message-encrypted', '/id/AAMk', '/id/XXMk'],
    ['the editor', 'compose-new', 'aria-label="Message body"', 'aria-label="Body"'],
    ['Send', 'compose-new', 'aria-label="Send"', 'aria-label="Send now"'],
  ])('reports nothing when %s is no longer found', (_what, name, from, to) => {
    expect(outlookAdapter.scan(page(name, (html) => html.replaceAll(from, to)))).toEqual({ messages: [], composes: [] });
  });

  it('survives hostile addresses and values', () => {
    for (const address of ['/mail/inbox/id/%E0%A4%A', `/mail/inbox/id/AAMk${'A'.repeat(20000)}`, '/mail/inbox/id/AAMk..%2F..%2Fsecret']) {
      const doc = page('message-encrypted', (html) => html.replace(/^<!-- \S+ -->/, `<!-- ${address} -->`));
      expect(() => outlookAdapter.scan(doc)).not.toThrow();
      expect(outlookAdapter.scan(doc).messages).toEqual([]);
    }
  });
});
