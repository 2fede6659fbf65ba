/**
 * Asking a provider to take back the grant Cachet signed out of (RFC 7009 token
 * revocation, as Google documents it for its revoke endpoint): the token goes as a form
 * field, 200 means revoked, and `invalid_token` means there was nothing left to revoke.
 */
import type { RevocationOutcome } from '../../src/protocol/runtime';
import { readJson } from '../transports/api-request';
import { providerNames, revocationEndpoint, type OAuthProvider, type ProviderHosts } from './oauth-providers';

export interface Revocation {
  readonly outcome: RevocationOutcome;
  /** Why it failed, for people. */
  readonly detail?: string;
}

const timeoutMs = 30_000;
const maxAnswer = 16 * 1024;

/** `token` is the refresh token where one is kept (it ends the grant), else the access token. */
export async function revokeGrant(provider: OAuthProvider, token: string, fetcher: typeof fetch, hosts: ProviderHosts): Promise<Revocation> {
  const endpoint = revocationEndpoint(provider, hosts);
  if (endpoint === undefined) return { outcome: 'not-offered' };
  const name = providerNames[provider];
  let response: Response;
  try {
    response = await fetcher(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { outcome: 'failed', detail: `${name} did not answer: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (response.ok) {
    await response.body?.cancel();
    return { outcome: 'revoked' };
  }
  // Not JSON, or too long to be an error answer: the status says enough.
  const json = await readJson(response, maxAnswer, name).catch(() => undefined);
  const error = typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : '';
  // Google answers invalid_token for a token no longer valid; RFC 7009 §2.2 counts that
  // as revoked, since no grant is left behind it.
  if (error === 'invalid_token') return { outcome: 'revoked' };
  return { outcome: 'failed', detail: `${name} answered HTTP ${response.status}${error === '' ? '' : ` (${error.slice(0, 100)})`}` };
}
