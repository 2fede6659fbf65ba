import { CachetError, isCachetError } from '../../src/errors';
import type { ComposeFrameView } from '../../src/protocol/runtime';
import type { ComposeSlot } from '../compose-frames';
import { quoteOriginal } from '../compose/original-quote';
import type { Handler } from '../handler';
import { fetchRawMessage } from '../raw-message';
import type { BackgroundServices } from '../services';

/** The original's raw source, wherever the slot says it is; undefined for a slot without one. */
function originalOf(services: BackgroundServices, slot: ComposeSlot): Promise<Uint8Array> | undefined {
  const { originalUrl, originalMessageId, originalProvider } = slot;
  if (originalUrl === undefined && originalMessageId === undefined && originalProvider === undefined) return undefined;
  return fetchRawMessage(services, slot.site, {
    ...(originalUrl !== undefined && { pageUrl: originalUrl }),
    ...(originalMessageId !== undefined && { messageId: originalMessageId }),
    ...(originalProvider !== undefined && { provider: originalProvider }),
  });
}

/**
 * The compose frame redeems its token. For a reply or forward the original is fetched
 * and read here, so the quote comes from Cachet's own decrypted copy and never from the
 * webmail page (which only ever held the ciphertext).
 */
export const composeOpenFrame = (services: BackgroundServices): Handler<'compose/open-frame'> =>
  async ({ token }, sender) => {
    if (sender.kind !== 'secure-frame') throw new CachetError('runtime/forbidden', 'only a compose frame redeems a compose token');
    const slot = await services.composeFrames.redeem(token, sender.tabId);
    const view: ComposeFrameView = { slot: slot.slot, site: slot.site, mode: slot.mode, fields: slot.fields };
    const original = originalOf(services, slot);
    if (original === undefined) return view;
    try {
      return { ...view, quote: await quoteOriginal(await original, services.reader) };
    } catch (error) {
      return { ...view, quoteProblem: isCachetError(error) ? error.message : 'the original message could not be read' };
    }
  };
