/**
 * A message only the webmail's API serves (src/protocol/runtime.ts `ProviderMessage`),
 * fetched by the transport the site fetches through, with the user's authorisation and
 * never with the page's session: for the reader frame and for a reply's quote alike.
 */
import { CachetError } from '../src/errors';
import type { ProviderMessage } from '../src/protocol/runtime';
import type { MailTransport } from './transports/transport';

export function fetchProviderMessage(transport: MailTransport, site: string, message: ProviderMessage): Promise<Uint8Array> {
  if (!transport.fetchByProviderId) return Promise.reject(new CachetError('mail/no-account', `no transport of ${site} fetches messages by the webmail's own ids`));
  return transport.fetchByProviderId(site, message.id);
}
