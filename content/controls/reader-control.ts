/**
 * Cachet's reader in the place of one S/MIME message of the page. The content script
 * only passes on where the raw message is; the background fetches it (with the page's
 * session, or through the webmail's API) and gives back a one-time frame URL, and the
 * plaintext exists only inside that frame (DESIGN.md invariant 1).
 */
import type { MessageView } from '../adapters/adapter';
import type { ContentPlatform } from '../content-platform';
import { createControlHost } from './control-host';
import { lockIcon } from './control-styles';
import { actionButton, hideElement } from './control-parts';
import { createSecureFrame, type SecureFrame } from './secure-frame';

export function mountReader(view: MessageView, platform: ContentPlatform): () => void {
  const doc = view.anchor.ownerDocument;
  const { host, root } = createControlHost(doc, 'reader');
  const bar = doc.createElement('div');
  bar.className = 'bar';
  bar.innerHTML = `<span class="brand">${lockIcon}<span></span></span><span class="status" role="status"></span>`;
  const brandText = bar.querySelector('.brand span') as HTMLElement;
  brandText.textContent = platform.t('contentBrand');
  const status = bar.querySelector('.status') as HTMLElement;
  root.append(bar);

  let frame: SecureFrame | undefined;
  let removed = false;
  const hidden = view.placement === 'replace' ? hideElement(view.anchor) : undefined;
  if (view.placement === 'replace') view.anchor.before(host);
  else view.anchor.after(host);

  function setStatus(text: string, error = false): void {
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  async function open(): Promise<void> {
    setStatus(platform.t('contentOpening'));
    try {
      const { source } = view;
      const where = {
        ...(source.url !== undefined && { sourceUrl: source.url }),
        ...(source.provider !== undefined && { provider: { provider: source.provider.provider, id: source.provider.id } }),
      };
      const { url } = await platform.send('frame/open-reader', { messageId: view.key, ...where });
      if (removed) return;
      frame?.remove();
      frame = createSecureFrame(doc, url, platform.t('contentReaderTitle'), platform.extensionOrigin);
      root.append(frame.element);
      setStatus(platform.t('contentShown'));
    } catch (error) {
      if (removed) return;
      setStatus(platform.errorText(error), true);
      bar.append(actionButton(doc, platform.t('contentRetry'), () => void open(), 'quiet'));
    }
  }

  if (view.placement === 'replace') {
    void open();
  } else {
    bar.append(actionButton(doc, platform.t('contentOpenInCachet'), () => void open()));
  }

  return () => {
    removed = true;
    frame?.remove();
    host.remove();
    hidden?.();
  };
}
