import { CachetError } from '../../src/errors';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import { fetchProviderMessage } from '../provider-message';
import type { BackgroundServices } from '../services';

/**
 * The frame is bound to the asking tab, which comes from the sender, never from the
 * request. A source URL is fetched with the webmail's session, of the sender's origin only;
 * a message only the webmail's API serves (Outlook's, through Microsoft Graph) is fetched by
 * the transport the site fetches through (siteTransports), with the user's authorisation.
 */
export const frameOpenReader = ({ readerFrames, pageSource, transport }: BackgroundServices): Handler<'frame/open-reader'> =>
  async (req, sender) => {
    if (sender.kind !== 'content-script') throw new CachetError('runtime/forbidden', 'only a webmail tab opens a reader frame');
    let source: Uint8Array;
    if (req.provider !== undefined) {
      if (sender.origin === null) throw new CachetError('runtime/forbidden', 'a message is fetched for a webmail page only');
      source = await fetchProviderMessage(transport, sender.origin, req.provider);
    } else {
      source = req.sourceUrl !== undefined ? await pageSource(sender.origin, req.sourceUrl) : base64ToBytes(req.source ?? '');
    }
    return { url: readerFrames.open(sender.tabId, req.messageId, source) };
  };
