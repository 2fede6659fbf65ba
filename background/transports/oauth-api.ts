/**
 * An API call made with an OAuth access token: a token refused as invalid (401) is
 * refreshed and the call made once more; a refusal for a missing scope makes the next
 * sign-in ask for it and is reported as such.
 */
import { CachetError } from '../../src/errors';
import { scopeLabel, type OAuthTokens } from '../oauth/oauth-tokens';
import type { OAuthProvider } from '../oauth/oauth-providers';
import { apiRequest, rereadable, type ApiCall, type ApiRequestOptions } from './api-request';

export interface OAuthApiCall extends Omit<ApiCall, 'init'> {
  readonly init: RequestInit & { readonly headers?: Record<string, string> };
  /** The scopes this call needs. */
  readonly scopes: readonly string[];
  /** Whether a 403 says the token lacks a scope (each API says it differently); reads a clone. */
  readonly scopeRefused: (response: Response) => Promise<boolean>;
}

export async function oauthRequest(tokens: OAuthTokens, provider: OAuthProvider, call: OAuthApiCall, options: ApiRequestOptions): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.accessToken(provider, call.scopes);
    const response = await apiRequest({
      ...call,
      init: { ...call.init, headers: { ...call.init.headers, Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' },
    }, options);
    if (response.status !== 401 && response.status !== 403) return response;
    const copy = await rereadable(response, call.service);
    if (response.status === 401 && attempt === 0) {
      await tokens.rejected(provider, token);
      continue;
    }
    if (response.status === 401) {
      throw new CachetError('oauth/token-revoked', `${call.service} does not accept Cachet's sign-in even after renewing it: sign in again`);
    }
    if (await call.scopeRefused(copy())) {
      for (const scope of call.scopes) await tokens.scopeRefused(provider, scope);
      throw new CachetError('oauth/scope-missing',
        `${call.service} refused: Cachet's sign-in lacks the permission this needs (${call.scopes.map(scopeLabel).join(', ')}). The next try asks you to allow it`);
    }
    return copy();
  }
}
