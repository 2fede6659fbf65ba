/**
 * Builds every transport and the per-site choice between them, so the composition root
 * needs one line: the host's SMTP and IMAP, the Gmail API and Microsoft Graph with the
 * OAuth tokens they share (with the options page's sign-in and sign-out), and JMAP with
 * its session-only logins.
 */
import browser from 'webextension-polyfill';
import { originPattern } from '../../src/policy/host-permissions';
import type { PasswordPrompts } from '../password-prompts';
import type { PolicyStore } from '../policy-store';
import type { StorageArea } from '../storage-area';
import type { OAuthTokens } from '../oauth/oauth-tokens';
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
  /** storage.session: JMAP logins, for the browser session only. */
  readonly session: StorageArea;
  readonly tokens: OAuthTokens;
}

export function createTransports(platform: TransportPlatform): MailTransport {
  const { tokens } = platform;
  const web = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) };
  return createSiteTransports(platform.policy, {
    'host-mail': createHostMailTransport(platform.request, platform.policy, platform.passwords),
    gmail: createGmailTransport({ ...web, tokens }),
    graph: createGraphTransport({ ...web, tokens }),
    jmap: createJmapTransport({
      ...web, policy: platform.policy, credentials: createJmapCredentials(platform.passwords, platform.session),
      mayReach: (origin) => browser.permissions.contains({ origins: [originPattern(origin)] }),
    }),
  });
}
