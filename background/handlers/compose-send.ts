import { CachetError } from '../../src/errors';
import { envelopeOf } from '../compose/envelope';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * Builds the message as `compose/build` does and hands it to the site's mail account. The
 * compose frame keeps the draft until this answers; only when every recipient was
 * accepted is the webmail tab told to leave its compose form.
 */
export const composeSend = ({ composeFrames, composer, transport, notifyTab }: BackgroundServices): Handler<'compose/send'> =>
  async ({ slot, message }, sender) => {
    if (sender.kind !== 'secure-frame') throw new CachetError('runtime/forbidden', 'only a compose frame sends');
    const entry = await composeFrames.slot(slot, sender.tabId);
    const built = await composer.build(message);
    const result = await transport.submit(entry.site, built.message, envelopeOf(message));
    if (result.rejected.length === 0) {
      await composeFrames.close(slot);
      await notifyTab(entry.tabId, entry.contentFrameId, { cachetEvent: 'compose/sent', slot });
    }
    return result;
  };
