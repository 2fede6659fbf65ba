/**
 * The two OAuth providers Cachet signs in with, their documented endpoints and the scopes
 * each transport needs: the least that lets it do its work (Gmail: send, and read for
 * fetching a message or finding a reply's conversation; Graph: Mail.Send and Mail.Read).
 */
import { CachetError } from '../../src/errors';
import type { OAuthClientsPolicy } from '../../src/policy';
import type { MailPermission, OAuthProvider } from '../../src/protocol/runtime';

export type { OAuthProvider };

export interface ProviderEndpoints {
  readonly authorize: string;
  readonly token: string;
}

/** Where a provider's endpoints live; tests point them at loopback servers. */
export interface ProviderHosts {
  /** Google's authorization server origin and its token endpoint origin. */
  readonly googleAccounts: string;
  readonly googleToken: string;
  /** The Microsoft identity platform's origin (login.microsoftonline.com). */
  readonly microsoftLogin: string;
}

export const providerHosts: ProviderHosts = {
  googleAccounts: 'https://accounts.google.com',
  googleToken: 'https://oauth2.googleapis.com',
  microsoftLogin: 'https://login.microsoftonline.com',
};

export const gmailScopes = {
  send: 'https://www.googleapis.com/auth/gmail.send',
  read: 'https://www.googleapis.com/auth/gmail.readonly',
} as const;

export const graphScopes = {
  send: 'https://graph.microsoft.com/Mail.Send',
  read: 'https://graph.microsoft.com/Mail.Read',
} as const;

/** Each provider's scope for sending mail and for reading a message. */
export const mailScopes: Readonly<Record<OAuthProvider, Readonly<Record<MailPermission, string>>>> = {
  google: gmailScopes,
  microsoft: graphScopes,
};

/** What the provider is called for people. */
export const providerNames: Readonly<Record<OAuthProvider, string>> = { google: 'Google', microsoft: 'Microsoft' };

/** The registered client of a provider: its id, and what the token endpoint also needs. */
export interface ClientRegistration {
  readonly clientId: string;
  readonly clientSecret: string | null;
  /** Microsoft's tenant; empty for Google. */
  readonly tenant: string;
  readonly endpoints: ProviderEndpoints;
}

export function clientOf(provider: OAuthProvider, clients: OAuthClientsPolicy, hosts: ProviderHosts = providerHosts): ClientRegistration {
  if (provider === 'google') {
    const google = clients.google;
    if (google === null) {
      throw new CachetError('oauth/not-configured', 'no Google OAuth client is set up: your administrator sets oauthClients.google, or add it in Cachet\'s options');
    }
    return {
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      tenant: '',
      endpoints: { authorize: `${hosts.googleAccounts}/o/oauth2/v2/auth`, token: `${hosts.googleToken}/token` },
    };
  }
  const microsoft = clients.microsoft;
  if (microsoft === null) {
    throw new CachetError('oauth/not-configured', 'no Microsoft app is set up: your administrator sets oauthClients.microsoft, or add it in Cachet\'s options');
  }
  const base = `${hosts.microsoftLogin}/${encodeURIComponent(microsoft.tenant)}/oauth2/v2.0`;
  return {
    clientId: microsoft.clientId,
    clientSecret: null,
    tenant: microsoft.tenant,
    endpoints: { authorize: `${base}/authorize`, token: `${base}/token` },
  };
}

/**
 * Where the provider takes a grant back (RFC 7009). Google documents
 * `https://oauth2.googleapis.com/revoke`, which ends the whole grant given its refresh or
 * access token. The Microsoft identity platform offers no revocation endpoint to public
 * (single-page and native) clients: their refresh tokens end when they expire or when the
 * user's sessions are revoked, so for Microsoft Cachet can only forget its tokens.
 */
export function revocationEndpoint(provider: OAuthProvider, hosts: ProviderHosts = providerHosts): string | undefined {
  return provider === 'google' ? `${hosts.googleToken}/revoke` : undefined;
}

/**
 * Extra authorization parameters. Google: a refresh token only with access_type=offline,
 * and granted scopes kept across incremental requests. Microsoft: offline_access is a
 * scope of its own, and is what brings a refresh token.
 */
export function authorizationExtras(provider: OAuthProvider, firstConsent: boolean): Record<string, string> {
  if (provider === 'google') {
    // Google sends a refresh token only at a consent; prompt=consent asks for one when none is kept.
    return { access_type: 'offline', include_granted_scopes: 'true', ...(firstConsent ? { prompt: 'consent' } : {}) };
  }
  return {};
}

export function requestedScopes(provider: OAuthProvider, scopes: readonly string[]): string[] {
  return provider === 'microsoft' ? [...scopes, 'offline_access'] : [...scopes];
}

/**
 * Scopes as compared: Microsoft may answer `Mail.Send` for the requested
 * `https://graph.microsoft.com/Mail.Send`, and compares them case-insensitively.
 */
export function scopeKey(scope: string): string {
  return scope.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, '');
}
