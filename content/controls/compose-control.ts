/**
 * The "Secure" button in the webmail's compose toolbar. Pressed, it reads the form's
 * From, To, Cc, Bcc and Subject, hides the webmail's editor and puts Cachet's compose
 * frame in its place. The body is typed only in that frame, never in the webmail's
 * editor, which autosaves drafts to the server. Once the frame has sent the message the
 * webmail's saved draft of the form is deleted and the tab goes back to the mailbox;
 * closing the frame gives the webmail's editor back.
 */
import type { Req } from '../../src/protocol/runtime';
import type { ComposeView, RawSource } from '../adapters/adapter';
import type { ContentPlatform } from '../content-platform';
import { createControlHost } from './control-host';
import { lockIcon } from './control-styles';
import { actionButton, hideElement } from './control-parts';
import { discardSavedDraft } from './discard-draft';
import { createSecureFrame, type SecureFrame } from './secure-frame';

/** The fields of `frame/open-compose` that name a reply's or forward's original. */
function originalRequest(original: RawSource | undefined): Pick<Req<'frame/open-compose'>, 'originalUrl' | 'originalMessageId' | 'originalProvider'> {
  if (original === undefined) return {};
  if ('messageId' in original) return { originalMessageId: original.messageId };
  return {
    ...(original.url !== undefined && { originalUrl: original.url }),
    ...(original.provider !== undefined && { originalProvider: { provider: original.provider.provider, id: original.provider.id } }),
  };
}

export function mountCompose(view: ComposeView, platform: ContentPlatform): () => void {
  const doc = view.toolbar.ownerDocument;
  const button = createControlHost(doc, 'compose-button');
  const secure = doc.createElement('button');
  secure.type = 'button';
  secure.innerHTML = lockIcon;
  secure.append(doc.createTextNode(platform.t('contentSecure')));
  secure.title = platform.t('contentSecureTitle');
  button.root.append(secure);
  // A toolbar that is a list gets an item of its own, so the list stays well formed.
  const list = view.toolbar.tagName === 'UL' || view.toolbar.tagName === 'OL';
  const slotElement = list ? doc.createElement('li') : button.host;
  if (list) {
    slotElement.setAttribute('role', 'menuitem');
    slotElement.setAttribute('data-cachet', 'compose-item');
    slotElement.append(button.host);
  }
  view.toolbar.prepend(slotElement);

  let panel: { remove(): void } | undefined;
  let slot: string | undefined;
  let removed = false;
  let leaving = false;

  const stopEvents = platform.onEvent((event) => {
    if (event.slot !== slot) return;
    if (event.cachetEvent === 'compose/sent') void leave();
    else closePanel();
  });

  async function leave(): Promise<void> {
    if (leaving) return;
    leaving = true;
    await discardSavedDraft(view, platform);
    platform.navigate(view.doneUrl);
  }

  function closePanel(): void {
    panel?.remove();
    panel = undefined;
    slot = undefined;
    secure.disabled = false;
  }

  secure.addEventListener('click', () => {
    if (panel) return;
    secure.disabled = true;
    panel = openPanel();
  });

  function openPanel(): { remove(): void } {
    const { host, root } = createControlHost(doc, 'compose');
    const bar = doc.createElement('div');
    bar.className = 'bar';
    bar.innerHTML = `<span class="brand">${lockIcon}<span></span></span><span class="status" role="status"></span>`;
    (bar.querySelector('.brand span') as HTMLElement).textContent = platform.t('contentBrand');
    const status = bar.querySelector('.status') as HTMLElement;
    root.append(bar);
    const shown = [view.editor, ...view.alsoHidden].map(hideElement);
    view.editor.before(host);
    let frame: SecureFrame | undefined;

    const start = async () => {
      status.textContent = platform.t('contentComposeOpening');
      status.classList.remove('error');
      try {
        const opened = await platform.send('frame/open-compose', {
          fields: view.readFields(),
          mode: view.mode,
          ...originalRequest(view.original),
        });
        if (removed || panel === undefined) return;
        slot = opened.slot;
        frame = createSecureFrame(doc, opened.url, platform.t('contentComposeTitle'), platform.extensionOrigin);
        frame.element.style.height = '560px';
        root.append(frame.element);
        status.textContent = platform.t('contentComposeOpen');
      } catch (error) {
        if (removed) return;
        status.textContent = platform.errorText(error);
        status.classList.add('error');
        bar.append(actionButton(doc, platform.t('contentRetry'), () => void start(), 'quiet'));
        bar.append(actionButton(doc, platform.t('contentBackToEditor'), closePanel, 'quiet'));
      }
    };
    void start();
    return {
      remove: () => {
        frame?.remove();
        host.remove();
        for (const show of shown) show();
      },
    };
  }

  return () => {
    removed = true;
    stopEvents();
    panel?.remove();
    slotElement.remove();
  };
}
