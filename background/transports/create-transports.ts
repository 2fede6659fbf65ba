/**
 * Builds every transport and the per-site choice between them, so the composition root
 * needs one line: the host's SMTP and IMAP, the Gmail API and Microsoft Graph with the
 * OAuth tokens they share, and JMAP with its session-only logins.
 */
import type { PasswordPrompts } from '../password-prompts';
import type { PolicyStore } from '../policy-store';
import type { StorageArea } from '../storage-area';
import { createOAuthTokens, type LaunchAuthFlow } from '../oauth/oauth-tokens';
import { createGmailTransport } from './gmail-transport';
import { createGraphTransport } from './graph-transport';
import { createHostMailTransport } from './host-mail-transport';
import { createJmapCredentials } from './jmap-credentials';
import { createJmapTransport } from './jmap-transport';
import { createSiteTransports } from './site-transports';
import type { MailTransport } from './transport';

export interface TransportPlatform {
  readonly request: Parameters<typeof createHostMailTransport>[0];
  readonly policy: PolicyStore;
  readonly passwords: PasswordPrompts;
  /** storage.local: OAuth tokens. */
  readonly local: StorageArea;
  /** storage.session: JMAP logins, for the browser session only. */
  readonly session: StorageArea;
  readonly launchAuthFlow: LaunchAuthFlow;
  readonly redirectUrl: () => string;
}

export function createTransports(platform: TransportPlatform): MailTransport {
  const tokens = createOAuthTokens({
    clients: async () => (await platform.policy.current()).oauthClients,
    storage: platform.local,
    launch: platform.launchAuthFlow,
    get redirectUrl() {
      return platform.redirectUrl();
    },
    fetch: (input, init) => fetch(input, init),
    subtle: crypto.subtle,
    random: (count) => crypto.getRandomValues(new Uint8Array(count)),
  });
  const web = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) };
  return createSiteTransports(platform.policy, {
    'host-mail': createHostMailTransport(platform.request, platform.policy, platform.passwords),
    gmail: createGmailTransport({ ...web, tokens }),
    graph: createGraphTransport({ ...web, tokens }),
    jmap: createJmapTransport({ ...web, policy: platform.policy, credentials: createJmapCredentials(platform.passwords, platform.session) }),
  });
}
