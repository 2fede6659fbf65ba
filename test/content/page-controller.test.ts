/**
 * The shared controls and the one observer, driven by the Roundcube adapter on saved
 * captures with a fake background: where Cachet's reader and compose go, what the
 * content script asks the background (never plaintext), and that a page whose selectors
 * stop matching gets its own elements back.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebmailAdapter } from '../../content/adapters/adapter';
import { roundcubeAdapter } from '../../content/adapters/roundcube/adapter';
import { startPageController, type PageController } from '../../content/page-controller';
import { loadCapture } from './capture-dom';
import { extensionOrigin, fakePlatform, recordShadowRoots, settle, shadowButton, shadowRoots } from './fake-platform';

let controller: PageController | undefined;
afterEach(() => controller?.stop());

describe('reader in Roundcube\'s preview pane', () => {
  it('stands in for the body, hands over only where the raw source is, and frames the reader', async () => {
    const dom = recordShadowRoots(loadCapture('roundcube-1.6.5/preview-encrypted.html'));
    const doc = dom.window.document;
    const fake = fakePlatform();
    controller = startPageController(roundcubeAdapter, doc, fake.platform);
    await settle();
    const body = doc.getElementById('messagebody') as HTMLElement;
    const host = body.previousElementSibling as HTMLElement;
    expect(host.tagName).toBe('CACHET-CONTROL');
    expect(host.getAttribute('data-cachet')).toBe('reader');
    expect(body.style.display).toBe('none');
    // The page cannot look into the control: its shadow root is closed.
    expect(host.shadowRoot).toBeNull();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.type).toBe('frame/open-reader');
    expect(Object.keys(fake.requests[0]?.req as object).sort()).toEqual(['messageId', 'sourceUrl']);
    expect(String((fake.requests[0]?.req as { sourceUrl: string }).sourceUrl)).toContain('_action=viewsource');
    expect(shadowRoots.get(host)?.querySelector('iframe')?.getAttribute('src')).toBe(`${extensionOrigin}/reader.html#tok1`);
  });

  it('gives the page its body back when the message view goes away', async () => {
    const dom = loadCapture('roundcube-1.6.5/preview-encrypted.html');
    const doc = dom.window.document;
    controller = startPageController(roundcubeAdapter, doc, fakePlatform().platform);
    await settle();
    doc.getElementById('attachment-list')?.remove();
    await settle();
    expect(doc.querySelector('cachet-control')).toBeNull();
    expect((doc.getElementById('messagebody') as HTMLElement).style.display).toBe('');
  });

  it('leaves a page whose selectors no longer match exactly as it was', async () => {
    const dom = loadCapture('roundcube-1.6.5/preview-encrypted.html', (html) => html.replaceAll('id="messagebody"', 'id="renamed-body"'));
    const doc = dom.window.document;
    const before = doc.documentElement.outerHTML;
    const fake = fakePlatform();
    controller = startPageController(roundcubeAdapter, doc, fake.platform);
    await settle();
    expect(doc.documentElement.outerHTML).toBe(before);
    expect(fake.requests).toEqual([]);
  });
});

describe('selection in Roundcube\'s mailbox list', () => {
  it('has the selected S/MIME message\'s source fetched ahead on the user\'s click, once per selection', async () => {
    const doc = loadCapture('roundcube-1.6.5/mailbox.html').window.document;
    const fake = fakePlatform();
    controller = startPageController(roundcubeAdapter, doc, fake.platform);
    await settle();
    const select = (id: string) => {
      for (const row of doc.querySelectorAll('#messagelist tr.selected')) row.classList.remove('selected');
      const row = doc.getElementById(id) as HTMLElement;
      row.classList.add('selected');
      row.dispatchEvent(new doc.defaultView!.MouseEvent('click', { bubbles: true }));
    };
    select('rcmrowMQ');
    await settle();
    select('rcmrowMQ');
    await settle();
    select('rcmrowMg');
    await settle();
    select('rcmrowMw');
    await settle();
    const asked = fake.requests.filter((r) => r.type === 'frame/prefetch-source').map((r) => new URL((r.req as { sourceUrl: string }).sourceUrl).searchParams.get('_uid'));
    expect(asked).toEqual(['1', '2', '3']);
    expect(fake.requests.filter((r) => r.type !== 'frame/prefetch-source')).toEqual([]);
  });
});

/** A compose capture under the controller with a fake background, once the first scan placed Cachet's controls. */
async function composePage(name: string): Promise<{ doc: Document; fake: ReturnType<typeof fakePlatform>; secure: () => HTMLButtonElement }> {
  const doc = recordShadowRoots(loadCapture(`roundcube-1.6.5/${name}.html`)).window.document;
  const fake = fakePlatform();
  controller = startPageController(roundcubeAdapter, doc, fake.platform);
  await settle();
  return { doc, fake, secure: () => shadowButton(doc.querySelector('li[data-cachet="compose-item"] cachet-control') as HTMLElement) };
}

describe('secure compose in Roundcube\'s compose form', () => {
  it('puts a Secure button in the toolbar that replaces the editor and Send with Cachet\'s frame', async () => {
    const { doc, fake } = await composePage('compose-reply');
    const item = doc.querySelector('#toolbar-menu > li[data-cachet="compose-item"]');
    expect(item).not.toBeNull();
    expect(fake.requests).toEqual([]);
    // The button is inside the closed shadow root; the test clicks it as a user would, through the host.
    const button = shadowButton(item?.querySelector('cachet-control') as HTMLElement);
    button.click();
    await settle();
    expect(fake.requests).toEqual([{
      type: 'frame/open-compose',
      req: { fields: { from: 'carol@example.test', to: ['Alice@example.com'], cc: [], bcc: [], subject: 'Re: enveloped' }, mode: 'reply' },
    }]);
    const editor = doc.getElementById('composebodycontainer') as HTMLElement;
    expect(editor.style.display).toBe('none');
    expect((doc.querySelector('.formbuttons') as HTMLElement).style.display).toBe('none');
    expect(editor.previousElementSibling?.getAttribute('data-cachet')).toBe('compose');

    fake.emit({ cachetEvent: 'compose/closed', slot: 'slot1' });
    expect(editor.style.display).toBe('');
    expect(doc.querySelector('cachet-control[data-cachet="compose"]')).toBeNull();

    button.click();
    await settle();
    fake.emit({ cachetEvent: 'compose/sent', slot: 'other' });
    await settle();
    expect(fake.navigations).toEqual([]);
    fake.emit({ cachetEvent: 'compose/sent', slot: 'slot1' });
    await vi.waitFor(() => expect(fake.navigations).toEqual(['http://127.0.0.1:8025/?_task=mail&_mbox=INBOX']));
    // No draft was saved from this form: nothing is deleted.
    expect(fake.pageActions).toEqual(fake.navigations);
  });

  it('hides Roundcube\'s Save, Attach and the rest of its toolbar while the frame is open, and gives them back', async () => {
    const { doc, fake, secure } = await composePage('compose-new');
    const items = [...doc.querySelectorAll<HTMLElement>('#toolbar-menu > li')];
    const roundcubeItems = items.filter((item) => !item.hasAttribute('data-cachet'));
    const save = doc.querySelector('#toolbar-menu a.save')?.closest('li') as HTMLElement;
    const attach = doc.querySelector('#toolbar-menu a.attach')?.closest('li') as HTMLElement;
    expect(roundcubeItems).toContain(save);
    expect(roundcubeItems).toContain(attach);
    const shown = () => roundcubeItems.map((item) => item.style.display);
    const before = shown();

    secure().click();
    await settle();
    expect(shown()).toEqual(roundcubeItems.map(() => 'none'));
    expect(items.find((item) => item.hasAttribute('data-cachet'))?.style.display).toBe('');
    expect((doc.getElementById('layout-sidebar') as HTMLElement).style.display).toBe('none');

    fake.emit({ cachetEvent: 'compose/closed', slot: 'slot1' });
    expect(shown()).toEqual(before);

    // The compose view's selectors stop matching while the frame is open: the page gets
    // every item back.
    secure().click();
    await settle();
    expect(save.style.display).toBe('none');
    doc.getElementById('composebodycontainer')?.setAttribute('id', 'editor-2');
    controller?.scan();
    expect(doc.querySelector('cachet-control')).toBeNull();
    expect(shown()).toEqual(before);
  });

  it('deletes the draft Roundcube saved of the form once the message is sent, then goes to the mailbox', async () => {
    const { doc, fake, secure } = await composePage('compose-new');
    const draftId = doc.querySelector('input[name="_draft_saveid"]') as HTMLInputElement;
    // As Roundcube's Save does (app.js set_draft_id): the draft is UID 7 of Drafts.
    draftId.value = '7';
    secure().click();
    await settle();
    const deletion = (uid: string) => ({
      url: 'http://127.0.0.1:8025/?_task=mail&_action=delete',
      form: { _uid: uid, _mbox: 'Drafts', _remote: '1' },
      headers: { 'X-Roundcube-Request': 'ybIZ9oL4jWJcRUZg2JzYmbQPYApgAMnv' },
    });
    fake.emit({ cachetEvent: 'compose/sent', slot: 'slot1' });
    // The first deletion is under way; Roundcube's timer saves the form once more meanwhile.
    expect(fake.pageActions).toEqual([deletion('7')]);
    draftId.value = '8';
    await vi.waitFor(() => expect(fake.navigations).toHaveLength(1));
    expect(fake.pageActions).toEqual([deletion('7'), deletion('8'), 'http://127.0.0.1:8025/?_task=mail&_mbox=INBOX']);
    expect(fake.requests.map((r) => r.type)).toEqual(['frame/open-compose']);
  });
});

describe('the one observer', () => {
  it('scans again only for changes of the page, never for Cachet\'s own', async () => {
    const dom = loadCapture('roundcube-1.6.5/preview-signed.html');
    const doc = dom.window.document;
    const scan = vi.fn((doc: Document) => roundcubeAdapter.scan(doc));
    const counted: WebmailAdapter = { ...roundcubeAdapter, scan };
    controller = startPageController(counted, doc, fakePlatform().platform);
    await settle();
    const afterStart = scan.mock.calls.length;
    // Cachet's control changing inside (its status line, its frame) is not the page changing.
    const host = doc.querySelector('cachet-control') as HTMLElement;
    host.setAttribute('style', 'height: 10px');
    host.append(doc.createElement('span'));
    await settle();
    expect(scan.mock.calls.length).toBe(afterStart);
    // Several quick changes of the page make one scan.
    for (let i = 0; i < 5; i++) doc.body.append(doc.createElement('div'));
    await settle();
    expect(scan.mock.calls.length).toBe(afterStart + 1);
  });
});
