import { CachetError } from '../../src/errors';
import type { Handler } from '../handler';
import { sessionOwner } from '../reader/session-owner';
import type { BackgroundServices } from '../services';

/** The frame redeems the token its content script got; the tab comes from the sender. */
export const readerOpenFrame = ({ reader, readerFrames }: BackgroundServices): Handler<'reader/open-frame'> =>
  ({ token }, sender) => {
    if (sender.kind !== 'secure-frame') return Promise.reject(new CachetError('runtime/forbidden', 'only a reader frame redeems a frame token'));
    const { source } = readerFrames.redeem(token, sender.tabId);
    return reader.open(source, sessionOwner(sender));
  };
