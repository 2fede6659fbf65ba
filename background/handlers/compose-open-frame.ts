import { CachetError, isCachetError } from '../../src/errors';
import type { ComposeFrameView } from '../../src/protocol/runtime';
import { quoteOriginal } from '../compose/original-quote';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * The compose frame redeems its token. For a reply or forward the original is fetched
 * and read here, so the quote comes from Cachet's own decrypted copy and never from the
 * webmail page (which only ever held the ciphertext).
 */
export const composeOpenFrame = ({ composeFrames, pageSource, reader, transport }: BackgroundServices): Handler<'compose/open-frame'> =>
  async ({ token }, sender) => {
    if (sender.kind !== 'secure-frame') throw new CachetError('runtime/forbidden', 'only a compose frame redeems a compose token');
    const slot = await composeFrames.redeem(token, sender.tabId);
    const view: ComposeFrameView = { slot: slot.slot, site: slot.site, mode: slot.mode, fields: slot.fields };
    if (slot.originalUrl === undefined && slot.originalMessageId === undefined) return view;
    try {
      const source = slot.originalUrl !== undefined
        ? await pageSource(slot.site, slot.originalUrl)
        : await transport.fetchByMessageId(slot.site, slot.originalMessageId ?? '');
      return { ...view, quote: await quoteOriginal(source, reader) };
    } catch (error) {
      return { ...view, quoteProblem: isCachetError(error) ? error.message : 'the original message could not be read' };
    }
  };
