import { CachetError } from '../../src/errors';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * A webmail tab asks for a compose frame. The site whose mail account will send is the
 * sender's origin as the browser gives it; the original of a reply must be of it too, and
 * one named by the webmail's API is fetched by that site's fetch transport.
 */
export const frameOpenCompose = ({ composeFrames }: BackgroundServices): Handler<'frame/open-compose'> =>
  (req, sender) => {
    if (sender.kind !== 'content-script' || sender.origin === null) {
      return Promise.reject(new CachetError('runtime/forbidden', 'only a webmail tab opens a compose frame'));
    }
    if (req.originalUrl !== undefined && new URL(req.originalUrl).origin !== sender.origin) {
      return Promise.reject(new CachetError('runtime/forbidden', 'a page may only have its own messages fetched'));
    }
    return composeFrames.open({
      tabId: sender.tabId,
      contentFrameId: sender.frameId,
      site: sender.origin,
      mode: req.mode,
      fields: req.fields,
      ...(req.originalUrl !== undefined ? { originalUrl: req.originalUrl } : {}),
      ...(req.originalMessageId !== undefined ? { originalMessageId: req.originalMessageId } : {}),
      ...(req.originalProvider !== undefined ? { originalProvider: req.originalProvider } : {}),
    });
  };
