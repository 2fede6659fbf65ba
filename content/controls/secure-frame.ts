/**
 * The iframe that holds one of Cachet's own pages (reader or compose) inside the webmail
 * page. The page can remove it but never read into it: the frame is of the extension's
 * origin. Its height follows what the framed page reports (content-events.ts).
 */
import { parseFrameHeight } from '../../src/protocol/content-events';

export interface SecureFrame {
  readonly element: HTMLIFrameElement;
  remove(): void;
}

export function createSecureFrame(doc: Document, url: string, title: string, extensionOrigin: string): SecureFrame {
  const frame = doc.createElement('iframe');
  frame.title = title;
  frame.src = url;
  // The framed page needs scripts and its own origin; nothing else of the page's powers.
  frame.setAttribute('allow', 'clipboard-write');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  const view = doc.defaultView;
  const onMessage = (event: MessageEvent) => {
    if (event.source !== frame.contentWindow || event.origin !== extensionOrigin) return;
    const height = parseFrameHeight(event.data);
    if (height !== undefined) frame.style.height = `${height}px`;
  };
  view?.addEventListener('message', onMessage);
  return {
    element: frame,
    remove: () => {
      view?.removeEventListener('message', onMessage);
      frame.remove();
    },
  };
}
