/**
 * What the content-layer tests share: a fake background for the controls, and a way into
 * the closed shadow roots Cachet's controls live in, to click as a user would.
 */
import type { JSDOM } from 'jsdom';
import type { PageRequest, WebmailAdapter } from '../../content/adapters/adapter';
import type { ContentPlatform } from '../../content/content-platform';
import { startPageController } from '../../content/page-controller';
import type { ContentEvent } from '../../src/protocol/content-events';
import { captureHtml, loadPage } from './capture-dom';

export const extensionOrigin = 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn';

export function fakePlatform() {
  const requests: { type: string; req: unknown }[] = [];
  const listeners = new Set<(event: ContentEvent) => void>();
  const navigations: string[] = [];
  /** What the page was asked, in order, with the navigations among them. */
  const pageActions: (PageRequest | string)[] = [];
  const platform: ContentPlatform = {
    send: ((type: string, req: unknown) => {
      requests.push({ type, req });
      if (type === 'frame/open-reader') return Promise.resolve({ url: `${extensionOrigin}/reader.html#tok1` });
      if (type === 'frame/open-compose') return Promise.resolve({ url: `${extensionOrigin}/compose.html#tok2`, slot: 'slot1' });
      if (type === 'frame/prefetch-source') return Promise.resolve({});
      return Promise.reject(new Error(`unexpected ${type}`));
    }),
    t: (key) => key,
    errorText: (error) => String(error),
    extensionOrigin,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    navigate: (url) => {
      navigations.push(url);
      pageActions.push(url);
    },
    sendPageRequest: (request) => {
      pageActions.push(request);
      return Promise.resolve();
    },
  };
  return { platform, requests, navigations, pageActions, emit: (event: ContentEvent) => listeners.forEach((l) => l(event)) };
}

/**
 * A capture (edited as the test says) at `origin`, under the page controller with a fake
 * background; `before` is the page as the adapter found it.
 */
export function controlledCapture(adapter: WebmailAdapter, capture: string, origin: string, edit: (html: string) => string = (html) => html) {
  const doc = recordShadowRoots(loadPage(edit(captureHtml(capture)), origin)).window.document;
  const fake = fakePlatform();
  const before = doc.documentElement.outerHTML;
  return { doc, fake, before, controller: startPageController(adapter, doc, fake.platform) };
}

/** Long enough for the observer's debounce and the controls' first requests. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/**
 * Closed shadow roots are closed to the test too; it keeps each one as it is made, to
 * click the button inside as a user would.
 */
export const shadowRoots = new WeakMap<Element, ShadowRoot>();

export function recordShadowRoots(dom: JSDOM): JSDOM {
  const proto = dom.window.Element.prototype;
  const attach = Object.getOwnPropertyDescriptor(proto, 'attachShadow')?.value as (this: Element, init: ShadowRootInit) => ShadowRoot;
  proto.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    shadowRoots.set(this, root);
    return root;
  };
  return dom;
}

export function shadowButton(host: HTMLElement): HTMLButtonElement {
  const button = shadowRoots.get(host)?.querySelector('button');
  if (!button) throw new Error('no button in the control');
  return button;
}
