/**
 * Where a message's raw source comes from, decided once for the reader frame and for a
 * reply's quote alike. A content script names the message in the ways its page allows:
 * a URL of the page's own raw source, the message as the webmail's API names it, or its
 * Message-ID. Each is had without the page ever holding plaintext:
 * - the API's way, when the site fetches through that very API (siteTransports), with the
 *   user's authorisation and never the page's session;
 * - else the page's own raw source, with the page's session, of the page's origin only;
 * - else the Message-ID, from the site's fetch transport (its mail account by default);
 * - a message only the API names, on a site that fetches otherwise, is refused with what
 *   to choose in the options.
 */
import { CachetError } from '../src/errors';
import type { ProviderMessage } from '../src/protocol/runtime';
import type { PageSourceFetch } from './page-source';
import type { PolicyStore } from './policy-store';
import type { MailTransport } from './transports/transport';

export interface RawMessagePlace {
  readonly pageUrl?: string;
  readonly provider?: ProviderMessage;
  readonly messageId?: string;
}

export interface RawMessageServices {
  readonly policy: PolicyStore;
  readonly pageSource: PageSourceFetch;
  readonly transport: MailTransport;
}

const apiNames: Readonly<Record<ProviderMessage['provider'], string>> = { gmail: 'the Gmail API', graph: 'Microsoft Graph' };

export async function fetchRawMessage(services: RawMessageServices, site: string, place: RawMessagePlace): Promise<Uint8Array> {
  const { provider, pageUrl, messageId } = place;
  const fetchesThrough = (await services.policy.current()).siteTransports.find((s) => s.origin === site)?.fetch ?? 'host-mail';
  if (provider !== undefined && fetchesThrough === provider.provider) {
    if (services.transport.fetchByProviderId === undefined) throw new CachetError('mail/no-account', `no transport of ${site} fetches messages by the webmail's own ids`);
    return services.transport.fetchByProviderId(site, provider.id);
  }
  if (pageUrl !== undefined) return services.pageSource(site, pageUrl);
  if (messageId !== undefined) return services.transport.fetchByMessageId(site, messageId);
  if (provider !== undefined) {
    throw new CachetError('mail/no-account', `this webmail gives its messages only through ${apiNames[provider.provider]}, and ${site} fetches through ${fetchesThrough}: choose ${apiNames[provider.provider]} under "Sending and fetching" in Cachet's options`);
  }
  throw new CachetError('input/invalid', 'no way to the message was given');
}
