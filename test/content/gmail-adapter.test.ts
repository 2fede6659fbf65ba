/**
 * The Gmail adapter against pages rebuilt from the structure maintained Gmail extensions
 * read (captures/gmail-2026-12, README.md there): it finds the S/MIME messages of a
 * conversation by their chips, names their raw source as Gmail's "Download original", reads
 * compose windows and inline replies, and reports nothing when its selectors stop matching.
 */
import { describe, expect, it } from 'vitest';
import { genericAdapter } from '../../content/adapters/generic/adapter';
import { gmailAdapter } from '../../content/adapters/gmail/adapter';
import { outlookAdapter } from '../../content/adapters/outlook/adapter';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { pickAdapter } from '../../content/pick-adapter';
import { captureHtml, loadPage } from './capture-dom';

const gmail = 'https://mail.google.com';
const page = (name: string, edit: (html: string) => string = (html) => html): Document =>
  loadPage(edit(captureHtml(`gmail-2026-12/${name}.html`)), gmail).window.document;
const pages = ['conversation-encrypted', 'conversation-signed', 'compose-new', 'compose-reply', 'compose-forward'];
const download = (account: number, ik: string, id: string) =>
  `${gmail}/mail/u/${account}/?ui=2&ik=${ik}&view=att&permmsgid=msg-f:${id}&attid=0&disp=comp&safe=1&zw`;
/** The Gmail API's ids of the captures' messages, their data-legacy-message-id. */
const apiIds: Readonly<Record<string, string>> = { '1784456665234091493': '18c3a9e1f05b2de5', '1784456827948505911': '18c3aa07d2e41b37' };
/** A message both ways: "Download original" with the page's session, and the Gmail API's id. */
const both = (account: number, ik: string, id: string) => ({ url: download(account, ik, id), provider: { provider: 'gmail', id: apiIds[id] } });

describe('Gmail adapter on reconstructed captures', () => {
  it.each(pages)('is picked for %s, by Gmail\'s origin', (name) => {
    expect(pickAdapter([gmailAdapter, outlookAdapter, roundcubeAdapter, genericAdapter], page(name))?.name).toBe('gmail');
  });

  it('is not picked for the same page at another origin', () => {
    const elsewhere = loadPage(captureHtml('gmail-2026-12/conversation-encrypted.html'), 'https://mail.example.org').window.document;
    expect(gmailAdapter.detect(elsewhere)).toBe(false);
    expect(pickAdapter([gmailAdapter, outlookAdapter, roundcubeAdapter, genericAdapter], elsewhere)?.name).toBe('generic');
  });

  it('finds the encrypted message of a conversation and only it, with its "Download original" URL', () => {
    const { messages, composes } = gmailAdapter.scan(page('conversation-encrypted'));
    expect(composes).toEqual([]);
    expect(messages).toHaveLength(1);
    const [view] = messages;
    expect(view?.kind).toBe('encrypted');
    expect(view?.placement).toBe('replace');
    expect(view?.anchor.id).toBe(':3c');
    expect(view?.key).toBe('gmail/msg-f:1784456665234091493');
    // The page key and account come from the message's own chip: Gmail's own download links.
    expect(view?.source).toEqual(both(0, '1a2b3c4d5e', '1784456665234091493'));
  });

  it('finds a clear-signed message by its smime.p7s chip, whose link names another signed-in account', () => {
    const doc = page('conversation-signed');
    const [view, ...more] = gmailAdapter.scan(doc).messages;
    expect(more).toEqual([]);
    expect(view?.kind).toBe('signed');
    expect(view?.anchor).toBe(doc.getElementById(':4c'));
    expect(view?.source).toEqual(both(1, '9f8e7d6c5b', '1784456827948505911'));
  });

  it('names the download without a page key when no chip shows one, as gmail.js fetches it', () => {
    const doc = page('conversation-encrypted', (html) => html.replaceAll('ik=1a2b3c4d5e', 'ik=not%20a%20key'));
    expect(gmailAdapter.scan(doc).messages[0]?.source).toEqual({
      url: `${gmail}/mail/u/0/?view=att&permmsgid=msg-f:1784456665234091493&attid=0&disp=comp&safe=1&zw`,
      provider: { provider: 'gmail', id: '18c3a9e1f05b2de5' },
    });
  });

  it('takes nothing from a message\'s body: a sender cannot forge a chip there', () => {
    const forged = '<div class="aQH"><span class="aZo" download_url="application/pkcs7-mime:smime.p7m:https://mail.google.com/mail/u/7?ui=2&amp;ik=00forged00&amp;view=att"><span class="aV3">smime.p7m</span></span></div>';
    const signed = page('conversation-signed', (html) => html.replace('The minutes are attached to this signed message.</div>', `The minutes…</div>${forged}`));
    expect(gmailAdapter.scan(signed).messages.map((m) => [m.kind, m.source.url])).toEqual([['signed', download(1, '9f8e7d6c5b', '1784456827948505911')]]);
    const plain = page('conversation-encrypted', (html) => html.replace('Here are the figures, in the clear this time.</div>', `Here…</div>${forged}`));
    expect(gmailAdapter.scan(plain).messages.map((m) => m.key)).toEqual(['gmail/msg-f:1784456665234091493']);
  });

  it('leaves alone a message whose two ids disagree, or that Gmail\'s server does not have yet', () => {
    expect(gmailAdapter.scan(page('conversation-encrypted', (html) => html.replace('data-legacy-message-id="18c3a9e1f05b2de5"', 'data-legacy-message-id="18c3a9e1f05b2de6"'))).messages).toEqual([]);
    // A message just sent has a client-side id and no legacy id until Gmail's server has it.
    const sending = page('conversation-encrypted', (html) => html.replace('data-message-id="#msg-f:1784456665234091493" data-legacy-message-id="18c3a9e1f05b2de5"', 'data-message-id="#msg-a:r-8475612093847561"'));
    expect(gmailAdapter.scan(sending).messages).toEqual([]);
  });

  it('reads a new message\'s compose window: recipient chips, sender, subject', () => {
    const doc = page('compose-new');
    const { messages, composes } = gmailAdapter.scan(doc);
    expect(messages).toEqual([]);
    expect(composes).toHaveLength(1);
    const [view] = composes;
    expect(view?.key).toBe('gmail/compose/0.8ck2x7pt3rtq');
    expect(view?.mode).toBe('new');
    expect(view?.original).toBeUndefined();
    expect(view?.editor.id).toBe(':8p');
    expect(view?.toolbar.className).toBe('gU Up');
    // Send and its menu, and every other cell of the bar: formatting, attach and the rest, discard.
    expect(view?.alsoHidden.map((e) => e.className)).toEqual(['J-J5-Ji btA', 'gU a0z', 'oc gU', 'gU az5', 'gU og']);
    expect(view?.readFields()).toEqual({ from: 'carol@example.test', to: ['alice@example.com', 'bob@example.org'], cc: ['dave@example.test'], bcc: [], subject: 'Budget 2027' });
    expect(view?.doneUrl).toBe(`${gmail}/mail/u/0/#inbox`);
    expect(view?.savedDraft).toBeUndefined();
  });

  it('reads what the user changed since the scan', () => {
    const doc = page('compose-new');
    const [view] = gmailAdapter.scan(doc).composes;
    (doc.querySelector('input[name="subjectbox"]') as HTMLInputElement).value = 'Budget 2027, revised';
    doc.querySelector('[data-hovercard-id="bob@example.org"]')?.remove();
    expect(view?.readFields()).toMatchObject({ to: ['alice@example.com'], subject: 'Budget 2027, revised' });
  });

  it('reads an inline reply with classic chips, and names its original for the quote', () => {
    const doc = page('compose-reply');
    const { messages, composes } = gmailAdapter.scan(doc);
    // The message replied to is still shown above the reply, in Cachet's reader.
    expect(messages.map((m) => m.key)).toEqual(['gmail/msg-f:1784456665234091493']);
    const [view, ...more] = composes;
    expect(more).toEqual([]);
    expect(view?.mode).toBe('reply');
    expect(view?.original).toEqual(both(0, '1a2b3c4d5e', '1784456665234091493'));
    expect(view?.readFields()).toEqual({ from: 'Carol <carol@example.test>', to: ['Alice <alice@example.com>'], cc: [], bcc: [], subject: 'Re: Quarterly figures' });
    expect(view?.alsoHidden.map((e) => e.className)).toEqual(['J-J5-Ji btA', 'gU a0z', 'oc gU', 'gU og']);
  });

  it('reads an inline forward', () => {
    const [view] = gmailAdapter.scan(page('compose-forward')).composes;
    expect(view?.mode).toBe('forward');
    expect(view?.original).toEqual(both(0, '1a2b3c4d5e', '1784456665234091493'));
    expect(view?.readFields()).toMatchObject({ to: [], subject: 'Fwd: Quarterly figures' });
  });

  it('takes a reply\'s original in Gmail\'s newer id form too', () => {
    const doc = page('compose-reply', (html) => html.replace('name="rm" type="hidden" value="18c3a9e1f05b2de5"', 'name="rm" type="hidden" value="#msg-f:1784456665234091493"'));
    expect(gmailAdapter.scan(doc).composes[0]?.original).toEqual(both(0, '1a2b3c4d5e', '1784456665234091493'));
  });

  it.each([
    ['the message element', 'conversation-encrypted', 'class="adn ads"', 'class="adn-2 ads"'],
    ['the body', 'conversation-encrypted', 'class="ii gt"', 'class="ii-2 gt"'],
    ['the attachment chips', 'conversation-encrypted', 'class="aZo N5jrZb"', 'class="aZo-2 N5jrZb"'],
    ['the message ids', 'conversation-signed', 'data-legacy-message-id=', 'data-legacy-id='],
    ['the compose form', 'compose-new', 'class="M9"', 'class="M9-2"'],
    ['the compose id', 'compose-new', 'name="composeid"', 'name="composeid-2"'],
    ['the editor', 'compose-new', 'g_editable="true"', 'g_editable="yes"'],
    ['the Send cell', 'compose-new', 'class="gU Up"', 'class="gU Up-2"'],
  ])('reports nothing when %s is no longer found', (_what, name, from, to) => {
    expect(gmailAdapter.scan(page(name, (html) => html.replaceAll(from, to)))).toEqual({ messages: [], composes: [] });
  });

  it('survives hostile values in the page', () => {
    const doc = loadPage(`<!-- /mail/u/99999/ --><html><body>
      <div class="adn" data-message-id="#msg-f:${'9'.repeat(30)}" data-legacy-message-id="${'f'.repeat(40)}"><div class="ii gt"></div>
        <div class="aQH"><span class="aZo" download_url="${'a:'.repeat(5000)}"><span class="aV3">smime.p7m</span></span></div></div>
      <div class="M9"><input name="composeid" value="${'x'.repeat(300)}"><div class="Ap"><div g_editable="true"></div></div><table class="IZ"><tr><td class="Up"></td></tr></table></div>
      </body></html>`, gmail).window.document;
    expect(gmailAdapter.scan(doc)).toEqual({ messages: [], composes: [] });
  });
});
