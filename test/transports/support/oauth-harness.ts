/** OAuth tokens as the background makes them, against the loopback authorization server. */
import { createOAuthTokens, type LaunchAuthFlow, type OAuthTokens } from '../../../background/oauth/oauth-tokens';
import type { OAuthClientsPolicy } from '../../../src/policy';
import { memoryStorage } from '../../background/memory-storage';
import { startOAuthServer, type Flavour, type OAuthServer } from './oauth-server';

export const googleClient = { clientId: '1234-cachet.apps.googleusercontent.com', clientSecret: 'GOCSPX-not-really-secret' };
export const microsoftClient = { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', tenant: 'organizations' };
/** What identity.getRedirectURL() gives in Chromium. */
export const redirectUrl = 'https://kbfnbcaeplbcioakkpcpgfkobkghlhen.chromiumapp.org/';

export interface OAuthWorld {
  readonly server: OAuthServer;
  readonly tokens: OAuthTokens;
  readonly storage: ReturnType<typeof memoryStorage>;
  /** Every URL the sign-in window was opened at. */
  readonly opened: string[];
  /** Replaces what the window does: by default it follows the server's redirect. */
  window: LaunchAuthFlow;
  close(): Promise<void>;
}

export async function oauthWorld(flavour: Flavour): Promise<OAuthWorld> {
  const server = await startOAuthServer(flavour === 'google'
    ? { flavour, clientId: googleClient.clientId, clientSecret: googleClient.clientSecret }
    : { flavour, clientId: microsoftClient.clientId });
  const storage = memoryStorage();
  const opened: string[] = [];
  const clients: OAuthClientsPolicy = {
    google: { clientId: googleClient.clientId, clientSecret: googleClient.clientSecret },
    microsoft: { ...microsoftClient },
  };
  const world: OAuthWorld = {
    server,
    storage,
    opened,
    window: (url) => server.follow(url),
    tokens: createOAuthTokens({
      clients: () => Promise.resolve(clients),
      storage,
      launch: (url) => {
        opened.push(url);
        return world.window(url);
      },
      redirectUrl,
      fetch: (input, init) => fetch(input, init),
      subtle: crypto.subtle,
      random: (count) => crypto.getRandomValues(new Uint8Array(count)),
      hosts: { googleAccounts: server.origin, googleToken: server.origin, microsoftLogin: server.origin },
    }),
    close: () => server.close(),
  };
  return world;
}
