import { describe, expect, it } from 'vitest';
import { classifySender, type MessageSenderLike } from '../../background/sender';

const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const own = (path: string) => `${self.origin}${path}`;

describe('classifySender', () => {
  it('classifies the popup (no tab) as an extension page', () => {
    expect(classifySender({ id: self.id, url: own('/popup.html'), origin: self.origin }, self)).toEqual({ kind: 'extension-page', page: '/popup.html' });
  });

  it('classifies our page at top level of a tab as an extension page', () => {
    expect(classifySender({ id: self.id, url: own('/options.html'), frameId: 0, tab: { id: 4 } }, self))
      .toEqual({ kind: 'extension-page', page: '/options.html' });
  });

  it('classifies our page framed in a webmail tab as a secure frame, never a full page', () => {
    expect(classifySender({ id: self.id, url: own('/reader.html#t'), origin: self.origin, frameId: 7, tab: { id: 4 } }, self))
      .toEqual({ kind: 'secure-frame', page: '/reader.html', tabId: 4, frameId: 7 });
  });

  it('classifies a web-origin sender with a tab as the content script, ignoring its URL', () => {
    const sender: MessageSenderLike = { id: self.id, url: 'https://mail.example.org/?x=/options.html', origin: 'https://mail.example.org', frameId: 0, tab: { id: 9 } };
    expect(classifySender(sender, self)).toEqual({ kind: 'content-script', tabId: 9, frameId: 0, origin: 'https://mail.example.org' });
  });

  it('takes a content script\'s origin from its URL where the browser gives no origin, and none when opaque', () => {
    const base = { id: self.id, frameId: 1, tab: { id: 2 } };
    expect(classifySender({ ...base, url: 'http://127.0.0.1:8025/?_task=mail' }, self)).toMatchObject({ origin: 'http://127.0.0.1:8025' });
    expect(classifySender({ ...base, url: 'about:blank' }, self)).toMatchObject({ kind: 'content-script', origin: null });
    expect(classifySender({ ...base, url: 'https://a.example/', origin: 'null' }, self)).toMatchObject({ origin: null });
  });

  it('keeps a content script a content script whatever path its page claims', () => {
    const sender = { id: self.id, url: `https://evil.example/${self.origin}/pin.html`, frameId: 2, tab: { id: 3 } };
    expect(classifySender(sender, self)?.kind).toBe('content-script');
  });

  it.each<[string, MessageSenderLike]>([
    ['another extension', { id: 'otherextensionidaaaaaaaaaaaaaaaa', url: own('/popup.html') }],
    ['no id', { url: own('/popup.html') }],
    ['an extension URL with a foreign origin', { id: self.id, url: own('/popup.html'), origin: 'https://mail.example.org' }],
    ['a web page without a tab', { id: self.id, url: 'https://mail.example.org/' }],
    ['a tab without an id', { id: self.id, url: 'https://mail.example.org/', frameId: 0, tab: {} }],
    ['a tab id of TAB_ID_NONE', { id: self.id, url: 'https://mail.example.org/', frameId: 0, tab: { id: -1 } }],
    ['a content script without a frame id', { id: self.id, url: 'https://mail.example.org/', tab: { id: 1 } }],
    ['our page in a tab without a frame id', { id: self.id, url: own('/options.html'), tab: { id: 1 } }],
    ['an unparseable URL and no tab', { id: self.id, url: 'not a url' }],
  ])('refuses %s', (_name, sender) => {
    expect(classifySender(sender, self)).toBeUndefined();
  });
});
