import { CachetError } from '../../src/errors';
import type { ProviderMessage } from '../../src/protocol/runtime';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/**
 * A message only the webmail's API serves (Outlook's, through Microsoft Graph) is fetched
 * by the site's transport with the user's authorisation. No transport fetches by a
 * provider's id yet (issue 15: the Gmail API, Graph and JMAP transports), so the reader
 * says so plainly instead of failing somewhere further on.
 */
const providerNames: Readonly<Record<ProviderMessage['provider'], string>> = { graph: 'Microsoft Graph' };

function providerNotConfigured(site: string | null, message: ProviderMessage): never {
  throw new CachetError(
    'mail/no-account',
    `Reading this message needs Cachet connected to ${providerNames[message.provider]} for ${site ?? 'this site'}, which is not set up yet`,
  );
}

/**
 * The frame is bound to the asking tab, which comes from the sender, never from the
 * request. A source URL is fetched with the webmail's session, of the sender's origin only.
 */
export const frameOpenReader = ({ readerFrames, pageSource }: BackgroundServices): Handler<'frame/open-reader'> =>
  async (req, sender) => {
    if (sender.kind !== 'content-script') throw new CachetError('runtime/forbidden', 'only a webmail tab opens a reader frame');
    if (req.provider !== undefined) providerNotConfigured(sender.origin, req.provider);
    const source = req.sourceUrl !== undefined ? await pageSource(sender.origin, req.sourceUrl) : base64ToBytes(req.source ?? '');
    return { url: readerFrames.open(sender.tabId, req.messageId, source) };
  };
