import { CachetError } from '../../src/errors';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import { fetchRawMessage } from '../raw-message';
import type { BackgroundServices } from '../services';

/**
 * The frame is bound to the asking tab, which comes from the sender, never from the
 * request. A message the page names (its raw source's URL, or its id in the webmail's API)
 * is fetched as background/raw-message.ts decides: through the webmail's API with the
 * user's authorisation where the site fetches through it, else with the webmail's session,
 * of the sender's origin only.
 */
export const frameOpenReader = (services: BackgroundServices): Handler<'frame/open-reader'> =>
  async (req, sender) => {
    if (sender.kind !== 'content-script') throw new CachetError('runtime/forbidden', 'only a webmail tab opens a reader frame');
    let source: Uint8Array;
    if (req.source !== undefined) {
      source = base64ToBytes(req.source);
    } else {
      if (sender.origin === null) throw new CachetError('runtime/forbidden', 'a message is fetched for a webmail page only');
      source = await fetchRawMessage(services, sender.origin, {
        ...(req.sourceUrl !== undefined && { pageUrl: req.sourceUrl }),
        ...(req.provider !== undefined && { provider: req.provider }),
      });
    }
    // Read at once, as far as needs no key, while the frame loads (Reader.prepare).
    return { url: services.readerFrames.open(sender.tabId, req.messageId, services.reader.prepare(source)) };
  };
