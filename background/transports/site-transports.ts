/**
 * The transport the composer and the reader see: for each webmail it hands sending to the
 * transport the policy's `siteTransports` names for `send`, and fetching to the one it
 * names for `fetch`; a site not listed goes through the native host's SMTP and IMAP.
 */
import { CachetError } from '../../src/errors';
import type { TransportName } from '../../src/policy';
import type { PolicyStore } from '../policy-store';
import type { MailTransport } from './transport';

export function createSiteTransports(policy: PolicyStore, transports: Readonly<Record<TransportName, MailTransport>>): MailTransport {
  async function chosen(site: string, role: 'send' | 'fetch'): Promise<{ name: TransportName; transport: MailTransport }> {
    const entry = (await policy.current()).siteTransports.find((s) => s.origin === site);
    const name = entry?.[role] ?? 'host-mail';
    return { name, transport: transports[name] };
  }

  return {
    async submit(site, message, envelope) {
      return (await chosen(site, 'send')).transport.submit(site, message, envelope);
    },
    async fetchByMessageId(site, messageId) {
      return (await chosen(site, 'fetch')).transport.fetchByMessageId(site, messageId);
    },
    async fetchByProviderId(site, id) {
      const { name, transport } = await chosen(site, 'fetch');
      if (transport.fetchByProviderId === undefined) {
        throw new CachetError('mail/no-account', `${site} fetches through ${name}, which finds messages by Message-ID only: choose the webmail's API under "Sending and fetching" in Cachet's options`);
      }
      return transport.fetchByProviderId(site, id);
    },
  };
}
