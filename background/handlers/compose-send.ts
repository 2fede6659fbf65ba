import { CachetError, isCachetError, type ErrorCode } from '../../src/errors';
import { envelopeOf } from '../compose/envelope';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * The signing key is not there: its card was pulled out (B19), or the host no longer lists
 * its certificate. The identity list is cached for a while, and a card put back into a
 * module that finds tokens only when listing (SoftHSM2) sends no event; unless the host is
 * asked again, Send would go on failing after the card is back.
 */
const keyGone: ReadonlySet<ErrorCode> = new Set(['key/unavailable', 'token/removed']);

/**
 * Builds the message as `compose/build` does and hands it to the site's mail account. The
 * compose frame keeps the draft until this answers; only when every recipient was
 * accepted is the webmail tab told to leave its compose form.
 */
export const composeSend = ({ composeFrames, composer, identities, transport, notifyTab }: BackgroundServices): Handler<'compose/send'> =>
  async ({ slot, message }, sender) => {
    if (sender.kind !== 'secure-frame') throw new CachetError('runtime/forbidden', 'only a compose frame sends');
    const entry = await composeFrames.slot(slot, sender.tabId);
    let built: Awaited<ReturnType<typeof composer.build>>;
    try {
      built = await composer.build(message);
    } catch (error) {
      if (isCachetError(error) && keyGone.has(error.code)) identities.invalidate();
      throw error;
    }
    const result = await transport.submit(entry.site, built.message, envelopeOf(message));
    if (result.rejected.length === 0) {
      await composeFrames.close(slot);
      await notifyTab(entry.tabId, entry.contentFrameId, { cachetEvent: 'compose/sent', slot });
    }
    return result;
  };
