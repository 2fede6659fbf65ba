/** The content platform over the browser's extension APIs (extension-api.ts). */
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
  };
}
