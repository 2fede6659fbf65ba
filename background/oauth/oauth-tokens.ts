/**
 * Access tokens for the Gmail API and Microsoft Graph: the authorization code grant with
 * PKCE (RFC 6749 §4.1, RFC 7636) through the browser's web-auth-flow window, refresh
 * tokens (§6) kept in the extension's own storage, which content scripts cannot read,
 * and each transport asking only for the scopes its work needs at that moment.
 */
import { CachetError, isCachetError } from '../../src/errors';
import type { OAuthClientsPolicy } from '../../src/policy';
import type { StorageArea } from '../storage-area';
import { readBounded } from '../transports/api-request';
import { authorizationError, errorAnswer, tokenError } from './oauth-errors';
import {
  authorizationExtras, clientOf, providerHosts, providerNames, requestedScopes, scopeKey,
  type ClientRegistration, type OAuthProvider, type ProviderHosts,
} from './oauth-providers';
import { revokeGrant, type Revocation } from './oauth-revocation';
import { pkcePair, randomState, type RandomBytes } from './pkce';

/** Opens the provider's sign-in at `url`; resolves with the URL it redirected to, rejects when closed. */
export type LaunchAuthFlow = (url: string) => Promise<string>;

export interface OAuthTokens {
  /** A token carrying every scope in `scopes`; signs the user in (a window) when none is kept. */
  accessToken(provider: OAuthProvider, scopes: readonly string[]): Promise<string>;
  /** The API refused `token` (HTTP 401): the next call refreshes it. */
  rejected(provider: OAuthProvider, token: string): Promise<void>;
  /** The API said a scope is missing though the token claimed it: the next call asks for it again. */
  scopeRefused(provider: OAuthProvider, scope: string): Promise<void>;
  /** What Cachet keeps for the provider's client set now, without signing in or refreshing. */
  grant(provider: OAuthProvider): Promise<KeptGrant | undefined>;
  /** Forgets the provider's tokens, whatever client they were for, and revokes the grant where the provider allows it. */
  signOut(provider: OAuthProvider): Promise<Revocation>;
}

export interface KeptGrant {
  readonly scopes: readonly string[];
  /** A refresh token is kept: the sign-in outlives its access token. */
  readonly renewable: boolean;
}

export interface OAuthTokensOptions {
  readonly clients: () => Promise<OAuthClientsPolicy>;
  readonly storage: StorageArea;
  readonly launch: LaunchAuthFlow;
  /** identity.getRedirectURL(): registered with each provider as the client's redirect URI. */
  readonly redirectUrl: string;
  readonly fetch: typeof fetch;
  readonly subtle: SubtleCrypto;
  readonly random: RandomBytes;
  readonly now?: () => number;
  readonly hosts?: ProviderHosts;
}

/** storage.local key; the whole map is written at once. */
export const tokenStorageKey = 'oauth.tokens';

interface TokenRecord {
  readonly clientId: string;
  readonly tenant: string;
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly refreshToken: string | null;
  readonly scopes: readonly string[];
}

/** A token this close to its end is refreshed first, so it cannot run out mid-upload. */
const expiryMarginMs = 120_000;
const requestTimeoutMs = 30_000;
/** Token answers are a few kilobytes; anything far larger is not one. */
const maxAnswerBytes = 256 * 1024;

function isTokenRecord(value: unknown): value is TokenRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['clientId'] === 'string' && typeof r['tenant'] === 'string' && typeof r['accessToken'] === 'string'
    && typeof r['expiresAt'] === 'number' && (r['refreshToken'] === null || typeof r['refreshToken'] === 'string')
    && Array.isArray(r['scopes']) && (r['scopes'] as unknown[]).every((s) => typeof s === 'string');
}

const hasScopes = (granted: readonly string[], wanted: readonly string[]) =>
  wanted.every((scope) => granted.some((g) => scopeKey(g) === scopeKey(scope)));

export function createOAuthTokens(options: OAuthTokensOptions): OAuthTokens {
  const now = options.now ?? Date.now;
  const hosts = options.hosts ?? providerHosts;
  /** One sign-in or refresh per provider at a time: two sends never open two windows. */
  const queues = new Map<OAuthProvider, Promise<unknown>>();

  function serial<T>(provider: OAuthProvider, work: () => Promise<T>): Promise<T> {
    const run = (queues.get(provider) ?? Promise.resolve()).then(work, work);
    queues.set(provider, run.catch(() => undefined));
    return run;
  }

  async function readAll(): Promise<Record<string, unknown>> {
    const stored = (await options.storage.get(tokenStorageKey))[tokenStorageKey];
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  }

  async function read(provider: OAuthProvider, client: ClientRegistration): Promise<TokenRecord | undefined> {
    const record = (await readAll())[provider];
    // Tokens of another client or tenant (the policy changed) are not this client's.
    if (!isTokenRecord(record) || record.clientId !== client.clientId || record.tenant !== client.tenant) return undefined;
    return record;
  }

  async function write(provider: OAuthProvider, record: TokenRecord | undefined): Promise<void> {
    const all = await readAll();
    if (record === undefined) delete all[provider];
    else all[provider] = record;
    await options.storage.set({ [tokenStorageKey]: all });
  }

  async function tokenRequest(provider: OAuthProvider, client: ClientRegistration, form: Record<string, string>, refreshing: boolean): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({ ...form, client_id: client.clientId, ...(client.clientSecret !== null ? { client_secret: client.clientSecret } : {}) });
    let response: Response;
    try {
      response = await options.fetch(client.endpoints.token, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: body.toString(),
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      throw new CachetError('oauth/failed', `${providerNames[provider]}'s sign-in service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(response, maxAnswerBytes, `${providerNames[provider]}'s token service`);
    } catch (error) {
      if (isCachetError(error) && error.code === 'mail/too-large') throw new CachetError('oauth/failed', `${providerNames[provider]}'s token service gave an answer far too large`);
      throw new CachetError('oauth/failed', `${providerNames[provider]}'s sign-in service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = new TextDecoder().decode(bytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CachetError('oauth/failed', `${providerNames[provider]}'s token service answered HTTP ${response.status} without JSON`);
    }
    const fields = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
    const problem = errorAnswer({ get: (name) => fields[name] });
    if (problem !== undefined) throw tokenError(provider, problem, refreshing);
    if (!response.ok) throw new CachetError('oauth/failed', `${providerNames[provider]}'s token service answered HTTP ${response.status}`);
    return fields;
  }

  /** RFC 6749 §5.1; a missing `scope` means the requested ones were granted. */
  function recordOf(client: ClientRegistration, answer: Record<string, unknown>, requested: readonly string[], previous: TokenRecord | undefined): TokenRecord {
    const { access_token: accessToken, expires_in: expiresIn, refresh_token: refreshToken, scope, token_type: tokenType } = answer;
    if (typeof accessToken !== 'string' || accessToken === '' || accessToken.length > 16_384) throw new CachetError('oauth/failed', 'the token answer holds no access token');
    if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') throw new CachetError('oauth/failed', `the token answer is of type ${tokenType.slice(0, 20)}, not Bearer`);
    const seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' ? Number(expiresIn) : 3600;
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 86_400) : 3600;
    const granted = typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [...requested];
    return {
      clientId: client.clientId,
      tenant: client.tenant,
      accessToken,
      expiresAt: now() + lifetime * 1000,
      refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : previous?.refreshToken ?? null,
      scopes: granted,
    };
  }

  async function refresh(provider: OAuthProvider, client: ClientRegistration, record: TokenRecord & { refreshToken: string }): Promise<TokenRecord> {
    const answer = await tokenRequest(provider, client, {
      grant_type: 'refresh_token',
      refresh_token: record.refreshToken,
      // Microsoft needs the scopes again; Google keeps what was granted.
      ...(provider === 'microsoft' ? { scope: requestedScopes(provider, record.scopes.filter((s) => s !== 'offline_access')).join(' ') } : {}),
    }, true);
    return recordOf(client, answer, record.scopes, record);
  }

  async function signIn(provider: OAuthProvider, client: ClientRegistration, scopes: readonly string[], previous: TokenRecord | undefined): Promise<TokenRecord> {
    const pkce = await pkcePair(options.subtle, options.random);
    const state = randomState(options.random);
    const url = new URL(client.endpoints.authorize);
    const wanted = requestedScopes(provider, scopes);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: options.redirectUrl,
      scope: wanted.join(' '),
      state,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...authorizationExtras(provider, previous?.refreshToken == null),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    let redirected: string;
    try {
      redirected = await options.launch(url.href);
    } catch (error) {
      throw new CachetError('oauth/cancelled',
        `the ${providerNames[provider]} sign-in was closed before it finished (${error instanceof Error ? error.message : String(error)})`);
    }
    const back = parseRedirect(redirected, options.redirectUrl);
    const problem = errorAnswer({ get: (name) => back.searchParams.get(name) });
    // An error answer carries the state too (§4.1.2.1); one that does not match is not ours.
    if (back.searchParams.get('state') !== state) throw new CachetError('oauth/failed', 'the sign-in answer does not belong to the request Cachet made');
    if (problem !== undefined) throw authorizationError(provider, problem);
    const code = back.searchParams.get('code');
    if (code === null || code === '') throw new CachetError('oauth/failed', `${providerNames[provider]} sent no authorization code back`);
    const answer = await tokenRequest(provider, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUrl,
      code_verifier: pkce.verifier,
      ...(provider === 'microsoft' ? { scope: wanted.join(' ') } : {}),
    }, false);
    return recordOf(client, answer, wanted, previous);
  }

  async function obtain(provider: OAuthProvider, scopes: readonly string[]): Promise<string> {
    const client = clientOf(provider, await options.clients(), hosts);
    let record = await read(provider, client);
    if (record !== undefined && hasScopes(record.scopes, scopes)) {
      if (record.expiresAt - expiryMarginMs > now()) return record.accessToken;
      if (record.refreshToken !== null) {
        try {
          const fresh = await refresh(provider, client, { ...record, refreshToken: record.refreshToken });
          await write(provider, fresh);
          if (hasScopes(fresh.scopes, scopes)) return fresh.accessToken;
          record = fresh;
        } catch (error) {
          if (!isCachetError(error) || error.code !== 'oauth/token-revoked') throw error;
          // The refresh token is dead: forget it; a new sign-in follows, and if the user
          // closes it, they hear why it was needed.
          await write(provider, undefined);
          try {
            return await interactive(provider, client, scopes, undefined);
          } catch (second) {
            if (isCachetError(second) && second.code === 'oauth/cancelled') throw error;
            throw second;
          }
        }
      }
    }
    // Incremental consent: ask for what is kept plus what this work needs.
    const union = [...(record?.scopes ?? []).filter((s) => s !== 'offline_access')];
    for (const scope of scopes) if (!hasScopes(union, [scope])) union.push(scope);
    return interactive(provider, client, union, record, scopes);
  }

  async function interactive(provider: OAuthProvider, client: ClientRegistration, scopes: readonly string[], previous: TokenRecord | undefined, needed = scopes): Promise<string> {
    const record = await signIn(provider, client, scopes, previous);
    await write(provider, record);
    const missing = needed.filter((scope) => !hasScopes(record.scopes, [scope]));
    if (missing.length > 0) {
      throw new CachetError('oauth/scope-missing',
        `${providerNames[provider]} did not grant Cachet ${missing.map(scopeLabel).join(' and ')}: sign in again and allow it, or nothing can be ${missing.some((s) => /send/i.test(s)) ? 'sent' : 'fetched'}`);
    }
    return record.accessToken;
  }

  return {
    accessToken: (provider, scopes) => serial(provider, () => obtain(provider, scopes)),
    rejected: (provider, token) => serial(provider, async () => {
      const client = clientOf(provider, await options.clients(), hosts);
      const record = await read(provider, client);
      if (record !== undefined && record.accessToken === token) await write(provider, { ...record, expiresAt: 0 });
    }),
    scopeRefused: (provider, scope) => serial(provider, async () => {
      const client = clientOf(provider, await options.clients(), hosts);
      const record = await read(provider, client);
      if (record !== undefined) await write(provider, { ...record, scopes: record.scopes.filter((s) => scopeKey(s) !== scopeKey(scope)) });
    }),
    grant: async (provider) => {
      let client: ClientRegistration;
      try {
        client = clientOf(provider, await options.clients(), hosts);
      } catch (error) {
        if (isCachetError(error) && error.code === 'oauth/not-configured') return undefined;
        throw error;
      }
      const record = await read(provider, client);
      return record === undefined ? undefined : { scopes: record.scopes, renewable: record.refreshToken !== null };
    },
    signOut: (provider) => serial(provider, async () => {
      const record = (await readAll())[provider];
      // Forgotten first: whatever the provider answers, Cachet holds no token afterwards.
      await write(provider, undefined);
      if (!isTokenRecord(record)) return { outcome: 'nothing-kept' };
      return revokeGrant(provider, record.refreshToken ?? record.accessToken, options.fetch, hosts);
    }),
  };
}

/** `…/auth/gmail.send` → `gmail.send`, `…/Mail.Send` → `Mail.Send`: what consent screens call them. */
export function scopeLabel(scope: string): string {
  return scope.replace(/^https:\/\/www\.googleapis\.com\/auth\//, '').replace(/^https:\/\/graph\.microsoft\.com\//, '');
}

/** The redirect must come back to Cachet's own redirect URI, whatever the flow window did. */
function parseRedirect(redirected: string, expected: string): URL {
  let back: URL;
  try {
    back = new URL(redirected);
  } catch {
    throw new CachetError('oauth/failed', 'the sign-in did not come back to Cachet');
  }
  const wanted = new URL(expected);
  if (back.origin !== wanted.origin || back.pathname !== wanted.pathname) throw new CachetError('oauth/failed', 'the sign-in came back to an address that is not Cachet\'s');
  return back;
}
