import { CachetError } from '../../src/errors';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * The frame is bound to the asking tab, which comes from the sender, never from the
 * request. A source URL is fetched with the webmail's session, of the sender's origin only.
 */
export const frameOpenReader = ({ readerFrames, pageSource }: BackgroundServices): Handler<'frame/open-reader'> =>
  async (req, sender) => {
    if (sender.kind !== 'content-script') throw new CachetError('runtime/forbidden', 'only a webmail tab opens a reader frame');
    const source = req.sourceUrl !== undefined ? await pageSource(sender.origin, req.sourceUrl) : base64ToBytes(req.source ?? '');
    return { url: readerFrames.open(sender.tabId, req.messageId, source) };
  };
