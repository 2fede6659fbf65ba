import { CachetError } from '../../src/errors';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * The user selected a message in the webmail's list: its source is fetched now, with the
 * page's session and of the sender's own origin only, for the reader frame that follows.
 * Nothing is answered about it; the reader's own request reports any failure.
 */
export const framePrefetchSource = ({ prefetchSource }: BackgroundServices): Handler<'frame/prefetch-source'> =>
  (req, sender) => {
    if (sender.kind !== 'content-script' || sender.origin === null) {
      return Promise.reject(new CachetError('runtime/forbidden', 'only a webmail tab has a message fetched ahead'));
    }
    if (new URL(req.sourceUrl).origin !== sender.origin) {
      return Promise.reject(new CachetError('runtime/forbidden', 'a page may only have its own messages fetched'));
    }
    prefetchSource(sender.origin, req.sourceUrl);
    return Promise.resolve({});
  };
