/**
 * Cachet's shared controls driven by the Gmail adapter on the reconstructed captures, with
 * a fake background: the reader stands in for the encrypted message's body and asks for
 * Gmail's "Download original" only, the Secure button sits beside Send and hands over the
 * reply's fields and original, and a page whose selectors no longer match is left as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gmailAdapter } from '../../content/adapters/gmail/adapter';
import type { PageController } from '../../content/page-controller';
import { controlledCapture, extensionOrigin, settle, shadowButton, shadowRoots } from './fake-platform';

const gmail = 'https://mail.google.com';
const original = `${gmail}/mail/u/0/?ui=2&ik=1a2b3c4d5e&view=att&permmsgid=msg-f:1784456665234091493&attid=0&disp=comp&safe=1&zw`;
let controller: PageController | undefined;
afterEach(() => controller?.stop());

function start(name: string, edit?: (html: string) => string) {
  const started = controlledCapture(gmailAdapter, `gmail-2026-12/${name}.html`, gmail, edit);
  controller = started.controller;
  return started;
}

describe('Cachet in Gmail', () => {
  it('puts the reader in place of the encrypted message\'s body and leaves the plain message alone', async () => {
    const { doc, fake } = start('conversation-encrypted');
    await settle();
    const body = doc.getElementById(':3c') as HTMLElement;
    const host = body.previousElementSibling as HTMLElement;
    expect(host.getAttribute('data-cachet')).toBe('reader');
    expect(body.style.display).toBe('none');
    expect((doc.getElementById(':2c') as HTMLElement).style.display).toBe('');
    expect(fake.requests).toEqual([{ type: 'frame/open-reader', req: { messageId: 'gmail/msg-f:1784456665234091493', sourceUrl: original, provider: { provider: 'gmail', id: '18c3a9e1f05b2de5' } } }]);
    expect(shadowRoots.get(host)?.querySelector('iframe')?.getAttribute('src')).toBe(`${extensionOrigin}/reader.html#tok1`);
  });

  it('gives the body back when Gmail re-renders the message without its chip', async () => {
    const { doc } = start('conversation-encrypted');
    await settle();
    doc.querySelector('#\\:3e .aZo')?.remove();
    await settle();
    expect(doc.querySelector('cachet-control')).toBeNull();
    expect((doc.getElementById(':3c') as HTMLElement).style.display).toBe('');
  });

  it('puts Secure beside Send of an inline reply, hands over its fields and original, and hides Gmail\'s bar meanwhile', async () => {
    const { doc, fake } = start('compose-reply');
    await settle();
    const cell = doc.querySelector('.IZ td.Up') as HTMLElement;
    const host = cell.firstElementChild as HTMLElement;
    expect(host.getAttribute('data-cachet')).toBe('compose-button');
    shadowButton(host).click();
    await settle();
    const compose = fake.requests.filter((r) => r.type === 'frame/open-compose');
    expect(compose).toEqual([{
      type: 'frame/open-compose',
      req: { fields: { from: 'Carol <carol@example.test>', to: ['Alice <alice@example.com>'], cc: [], bcc: [], subject: 'Re: Quarterly figures' }, mode: 'reply', originalUrl: original, originalProvider: { provider: 'gmail', id: '18c3a9e1f05b2de5' } },
    }]);
    const editor = doc.getElementById(':9p') as HTMLElement;
    expect(editor.style.display).toBe('none');
    expect(editor.previousElementSibling?.getAttribute('data-cachet')).toBe('compose');
    const bar = [...(cell.parentElement as HTMLElement).children] as HTMLElement[];
    expect(bar.filter((c) => c !== cell).map((c) => c.style.display)).toEqual(['none', 'none', 'none']);
    expect((cell.querySelector('.btA') as HTMLElement).style.display).toBe('none');

    fake.emit({ cachetEvent: 'compose/closed', slot: 'slot1' });
    expect(editor.style.display).toBe('');
    expect(bar.map((c) => c.style.display)).toEqual(['', '', '', '']);
  });

  it('goes to the inbox once the message is sent', async () => {
    const { doc, fake } = start('compose-new');
    await settle();
    shadowButton(doc.querySelector('.IZ td.Up > cachet-control') as HTMLElement).click();
    await settle();
    fake.emit({ cachetEvent: 'compose/sent', slot: 'slot1' });
    await settle();
    expect(fake.navigations).toEqual([`${gmail}/mail/u/0/#inbox`]);
  });

  it.each([
    ['conversation-encrypted', 'class="ii gt"', 'class="ii-2 gt"'],
    ['conversation-encrypted', 'class="aZo N5jrZb"', 'class="card N5jrZb"'],
    ['compose-new', 'class="M9"', 'class="M9-2"'],
    ['compose-new', 'class="gU Up"', 'class="gU send"'],
  ])('leaves %s exactly as it was when %s is no longer found', async (name, from, to) => {
    const { doc, fake, before } = start(name, (html) => html.replaceAll(from, to));
    await settle();
    expect(doc.documentElement.outerHTML).toBe(before);
    expect(fake.requests).toEqual([]);
  });
});
