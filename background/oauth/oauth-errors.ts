/**
 * The error answers of an authorization server (RFC 6749 §4.1.2.1 at the authorization
 * endpoint, §5.2 at the token endpoint), with Google's and Microsoft's additions, as the
 * errors people can act on: the organisation blocks the app, the sign-in expired or was
 * revoked, a scope was not granted, the client is not set up right.
 */
import { CachetError } from '../../src/errors';
import { providerNames, type OAuthProvider } from './oauth-providers';

export interface OAuthErrorAnswer {
  readonly error: string;
  readonly description: string;
  /** Microsoft's numeric AADSTS codes (`error_codes` in token answers). */
  readonly codes: readonly number[];
}

/**
 * Microsoft Entra ID: 65001 the app lacks the consent it needs, 90094 and 90095 only an
 * administrator may consent (or the admin-consent workflow must approve it).
 */
const adminConsentCodes = [65001, 90094, 90095];
/** 65004: the user declined the consent screen. */
const declinedCodes = [65004];

function aadstsCodes(answer: OAuthErrorAnswer): number[] {
  const inText = [...answer.description.matchAll(/AADSTS(\d{4,7})/g)].map((m) => Number(m[1]));
  return [...answer.codes, ...inText];
}

/** The provider's own words, cut short and on one line, for the end of a message. */
function providerWords(answer: OAuthErrorAnswer): string {
  const text = answer.description.replace(/\s+/g, ' ').trim().slice(0, 300);
  return text === '' ? answer.error : `${answer.error}: ${text}`;
}

/** At the authorization endpoint, in the redirect back to Cachet. */
export function authorizationError(provider: OAuthProvider, answer: OAuthErrorAnswer): CachetError {
  const name = providerNames[provider];
  const codes = aadstsCodes(answer);
  if (codes.some((c) => adminConsentCodes.includes(c)) || answer.error === 'admin_policy_enforced' || answer.error === 'org_internal' || answer.error === 'consent_required') {
    return new CachetError('oauth/consent-blocked',
      `${name} refused: your organisation has not approved Cachet to reach your mail. Ask your administrator to allow the app (${providerWords(answer)})`);
  }
  if (codes.some((c) => declinedCodes.includes(c)) || answer.error === 'access_denied') {
    return new CachetError('oauth/cancelled', `access to your ${name} mail was not granted, so nothing was sent or fetched (${providerWords(answer)})`);
  }
  if (answer.error === 'invalid_scope') {
    return new CachetError('oauth/scope-missing', `${name} does not grant the mail scopes Cachet asks for (${providerWords(answer)})`);
  }
  if (answer.error === 'unauthorized_client' || answer.error === 'invalid_client') {
    return new CachetError('oauth/not-configured', `${name} does not accept Cachet's OAuth client: check the client id and its redirect URI (${providerWords(answer)})`);
  }
  return new CachetError('oauth/failed', `signing in to ${name} failed (${providerWords(answer)})`);
}

/** At the token endpoint; `refreshing` when a kept refresh token was being used. */
export function tokenError(provider: OAuthProvider, answer: OAuthErrorAnswer, refreshing: boolean): CachetError {
  const name = providerNames[provider];
  const codes = aadstsCodes(answer);
  if (codes.some((c) => adminConsentCodes.includes(c)) || answer.error === 'consent_required') {
    return new CachetError('oauth/consent-blocked',
      `${name} refused: your organisation has not approved Cachet to reach your mail, or withdrew its approval. Ask your administrator to allow the app (${providerWords(answer)})`);
  }
  if (answer.error === 'invalid_grant' || answer.error === 'interaction_required' || answer.error === 'login_required') {
    return new CachetError('oauth/token-revoked', refreshing
      ? `your ${name} sign-in has expired or was revoked: sign in again (${providerWords(answer)})`
      : `${name} did not accept the sign-in: it may have taken too long; try again (${providerWords(answer)})`);
  }
  if (answer.error === 'invalid_scope') {
    return new CachetError('oauth/scope-missing', `${name} does not grant the mail scopes Cachet asks for (${providerWords(answer)})`);
  }
  if (answer.error === 'invalid_client' || answer.error === 'unauthorized_client') {
    return new CachetError('oauth/not-configured', `${name} does not accept Cachet's OAuth client: check the client id and secret (${providerWords(answer)})`);
  }
  return new CachetError('oauth/failed', `${name}'s token service refused (${providerWords(answer)})`);
}

/** Reads an error answer from a parsed JSON body or a redirect's query; undefined when there is none. */
export function errorAnswer(fields: { get(name: string): unknown }): OAuthErrorAnswer | undefined {
  const error = fields.get('error');
  if (typeof error !== 'string' || error === '') return undefined;
  const description = fields.get('error_description');
  const codes = fields.get('error_codes');
  return {
    error: error.slice(0, 100),
    description: typeof description === 'string' ? description.slice(0, 2000) : '',
    codes: Array.isArray(codes) ? codes.filter((c): c is number => typeof c === 'number') : [],
  };
}
