/** The content platform over the browser's extension APIs (extension-api.ts). */
import type { PageRequest } from './adapters/adapter';
import { isCachetError } from '../src/errors';
import { parseContentEvent } from '../src/protocol/content-events';
import type { ContentPlatform } from './content-platform';
import { messageSentEvent } from './page-world-events';
import { extensionOrigin, onBackgroundMessage, send, translate } from './extension-api';

export function browserContentPlatform(): ContentPlatform {
  return {
    send,
    t: translate,
    errorText: (error) => (isCachetError(error) ? error.message : translate('contentFailed')),
    extensionOrigin: extensionOrigin(),
    onEvent: (listener) => onBackgroundMessage((raw) => {
      const event = parseContentEvent(raw);
      if (event) listener(event);
    }),
    navigate: (url) => {
      // Only the webmail's own pages: an adapter reports a relative or same-origin URL.
      const target = new URL(url, location.href);
      if (target.origin !== location.origin) return;
      // The page's own "leave without saving?" prompt guards a draft Cachet has sent; only
      // the page's world can drop it (page-world.ts).
      document.dispatchEvent(new CustomEvent(messageSentEvent));
      location.assign(target.href);
    },
    sendPageRequest,
  };
}

/**
 * Firefox makes a content script's own fetch as the extension, without the page's Origin;
 * `content.fetch` makes it as the page (MDN, Content scripts: "XHR and Fetch"). Chromium
 * has no `content` and makes a content script's fetch as the page.
 */
function pageFetch(): typeof fetch {
  const page = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  return typeof page?.fetch === 'function' ? page.fetch.bind(page) : fetch;
}

async function sendPageRequest(request: PageRequest): Promise<void> {
  // Only the webmail's own origin: an adapter reports a relative or same-origin URL.
  const target = new URL(request.url, location.href);
  if (target.origin !== location.origin) throw new Error('not the page\'s origin');
  const response = await pageFetch()(target.href, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...request.headers },
    body: new URLSearchParams(request.form),
  });
  if (!response.ok) throw new Error(`the webmail answered ${response.status}`);
}
