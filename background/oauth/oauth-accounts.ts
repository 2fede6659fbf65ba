/**
 * The providers' accounts as the options page shows them: whether a client is set and by
 * whom, whether Cachet keeps a sign-in and what it allows. Signing in from there asks for
 * what the sites sending or fetching through the provider need (the policy's
 * siteTransports), so the first send or fetch opens no window.
 */
import type { SiteTransportPolicy, TransportName } from '../../src/policy';
import type { MailPermission, OAuthAccountView, OAuthProvider, RevocationOutcome } from '../../src/protocol/runtime';
import type { PolicyStore } from '../policy-store';
import { mailScopes, scopeKey } from './oauth-providers';
import type { OAuthTokens } from './oauth-tokens';

export interface OAuthAccounts {
  view(): Promise<readonly OAuthAccountView[]>;
  /** Opens the provider's sign-in unless a kept one already allows what the sites need. */
  signIn(provider: OAuthProvider): Promise<readonly OAuthAccountView[]>;
  signOut(provider: OAuthProvider): Promise<{ accounts: readonly OAuthAccountView[]; revocation: RevocationOutcome; detail?: string }>;
}

const providers: readonly OAuthProvider[] = ['google', 'microsoft'];
const permissions: readonly MailPermission[] = ['send', 'read'];
const transportOf: Readonly<Record<OAuthProvider, TransportName>> = { google: 'gmail', microsoft: 'graph' };

/**
 * Sending needs the send scope; fetching the read scope. Gmail also reads when it sends a
 * reply, to find the conversation the reply belongs in (gmail-transport.ts `threadOf`).
 * Where no site uses the provider yet, signing in asks for both.
 */
function neededBy(provider: OAuthProvider, sites: readonly SiteTransportPolicy[]): { sites: string[]; needed: MailPermission[] } {
  const transport = transportOf[provider];
  const sending = sites.some((s) => s.send === transport);
  const fetching = sites.some((s) => s.fetch === transport);
  const used = sites.filter((s) => s.send === transport || s.fetch === transport).map((s) => s.origin);
  if (!sending && !fetching) return { sites: used, needed: [...permissions] };
  const needed = permissions.filter((p) => (p === 'send' ? sending : fetching || (provider === 'google' && sending)));
  return { sites: used, needed };
}

export function createOAuthAccounts(policy: PolicyStore, tokens: OAuthTokens): OAuthAccounts {
  async function view(): Promise<readonly OAuthAccountView[]> {
    const merged = await policy.view();
    return Promise.all(providers.map(async (provider): Promise<OAuthAccountView> => {
      const { sites, needed } = neededBy(provider, merged.policy.siteTransports);
      const set = merged.policy.oauthClients[provider] !== null;
      const grant = set ? await tokens.grant(provider) : undefined;
      const scopes = grant?.scopes.map(scopeKey) ?? [];
      return {
        provider,
        client: !set ? 'none' : merged.locked.includes('oauthClients') ? 'policy' : 'options',
        signedIn: grant !== undefined,
        granted: permissions.filter((p) => scopes.includes(scopeKey(mailScopes[provider][p]))),
        needed,
        sites,
      };
    }));
  }

  return {
    view,
    async signIn(provider) {
      const { needed } = neededBy(provider, (await policy.current()).siteTransports);
      await tokens.accessToken(provider, needed.map((p) => mailScopes[provider][p]));
      return view();
    },
    async signOut(provider) {
      const revocation = await tokens.signOut(provider);
      return { accounts: await view(), revocation: revocation.outcome, ...(revocation.detail !== undefined ? { detail: revocation.detail } : {}) };
    },
  };
}
