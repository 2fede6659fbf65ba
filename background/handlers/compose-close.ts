import { CachetError } from '../../src/errors';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** The user left secure compose without sending: the webmail tab gets its editor back. */
export const composeClose = ({ composeFrames, notifyTab }: BackgroundServices): Handler<'compose/close'> =>
  async ({ slot }, sender) => {
    if (sender.kind !== 'secure-frame') throw new CachetError('runtime/forbidden', 'only a compose frame closes itself');
    const entry = await composeFrames.slot(slot, sender.tabId);
    await composeFrames.close(slot);
    await notifyTab(entry.tabId, entry.contentFrameId, { cachetEvent: 'compose/closed', slot });
    return {};
  };
