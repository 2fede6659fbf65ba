import { CachetError } from '../../src/errors';
import type { Handler } from '../handler';
import { sessionOwner } from '../reader/session-owner';
import type { BackgroundServices } from '../services';

/** The frame redeems the token its content script got; the tab comes from the sender. */
export const readerOpenFrame = ({ readerFrames }: BackgroundServices): Handler<'reader/open-frame'> =>
  ({ token }, sender) => {
    if (sender.kind !== 'secure-frame') return Promise.reject(new CachetError('runtime/forbidden', 'only a reader frame redeems a frame token'));
    const { message } = readerFrames.redeem(token, sender.tabId);
    return message.open(sessionOwner(sender));
  };
