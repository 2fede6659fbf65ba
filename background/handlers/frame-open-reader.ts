import { CachetError } from '../../src/errors';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** The frame is bound to the asking tab, which comes from the sender, never from the request. */
export const frameOpenReader = ({ readerFrames }: BackgroundServices): Handler<'frame/open-reader'> =>
  ({ messageId, source }, sender) => {
    if (sender.kind !== 'content-script') {
      return Promise.reject(new CachetError('runtime/forbidden', 'only a webmail tab opens a reader frame'));
    }
    return Promise.resolve({ url: readerFrames.open(sender.tabId, messageId, base64ToBytes(source)) });
  };
