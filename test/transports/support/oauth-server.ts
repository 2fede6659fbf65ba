/**
 * An OAuth 2.0 authorization server on loopback, with the endpoints and answers Google
 * and the Microsoft identity platform document: the authorization endpoint redirects to
 * the client's redirect URI with a code (RFC 6749 §4.1.2) or an error (§4.1.2.1), the
 * token endpoint redeems the code once against its PKCE verifier (RFC 7636 §4.6) and
 * refresh tokens (§6), and answers errors as §5.2 describes, with Microsoft's AADSTS
 * codes. The API servers ask it which tokens are live and what they may do.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startLoopback, type Loopback, type LoopbackOptions, type Received, type Reply } from './loopback-http';

export type Flavour = 'google' | 'microsoft';

export interface IssuedToken {
  readonly scopes: readonly string[];
  expiresAt: number;
}

export interface OAuthServerOptions {
  readonly flavour: Flavour;
  readonly clientId: string;
  /** Google: the secret a web-application client must give. */
  readonly clientSecret?: string;
  readonly loopback?: LoopbackOptions;
}

/** What the next sign-in does, as the user or the organisation would make it go. */
export type Consent =
  | { readonly kind: 'grant'; readonly only?: readonly string[] }
  | { readonly kind: 'error'; readonly error: string; readonly description: string };

interface PendingCode {
  readonly challenge: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface OAuthServer {
  readonly loopback: Loopback;
  readonly origin: string;
  readonly tokens: Map<string, IssuedToken>;
  /** Refresh tokens still good, with the scopes they carry. */
  readonly refreshTokens: Map<string, readonly string[]>;
  /** The next sign-ins, in order; a grant of everything asked when empty. */
  readonly consents: Consent[];
  /** The next refresh answers this error instead of a token. */
  refreshError: { error: string; description: string; codes?: number[] } | undefined;
  /** How many sign-ins (authorization requests) were made. */
  signIns: number;
  /** Seconds an access token lives. */
  lifetime: number;
  /** The authorization request the browser window would open, to follow its redirect as the window does. */
  follow(url: string): Promise<string>;
  close(): Promise<void>;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export async function startOAuthServer(options: OAuthServerOptions): Promise<OAuthServer> {
  const codes = new Map<string, PendingCode>();
  const state: Omit<OAuthServer, 'loopback' | 'origin' | 'follow' | 'close'> = {
    tokens: new Map(), refreshTokens: new Map(), consents: [], refreshError: undefined, signIns: 0, lifetime: 3599,
  };
  const microsoft = options.flavour === 'microsoft';

  function tokenError(status: number, error: string, description: string, codesList: number[] = []): Reply {
    // Microsoft's answers carry error_codes, a timestamp and trace ids beside RFC 6749's fields.
    return {
      status,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: microsoft
        ? { error, error_description: description, error_codes: codesList, timestamp: new Date().toISOString(), trace_id: randomBytes(8).toString('hex'), correlation_id: randomBytes(8).toString('hex') }
        : { error, error_description: description },
    };
  }

  function issue(scopes: readonly string[], withRefresh: boolean): Reply {
    const accessToken = `at-${randomBytes(12).toString('hex')}`;
    state.tokens.set(accessToken, { scopes, expiresAt: Date.now() + state.lifetime * 1000 });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: state.lifetime,
      // Google names the granted scopes; Microsoft names them without offline_access.
      scope: scopes.filter((s) => s !== 'offline_access').join(' '),
    };
    if (withRefresh) {
      const refresh = `rt-${randomBytes(12).toString('hex')}`;
      state.refreshTokens.set(refresh, scopes);
      body['refresh_token'] = refresh;
    }
    if (microsoft) body['ext_expires_in'] = state.lifetime;
    return { status: 200, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' }, body };
  }

  function authorize(request: Received): Reply {
    state.signIns++;
    const q = request.url.searchParams;
    const redirect = q.get('redirect_uri') ?? '';
    const back = new URL(redirect);
    const stateParam = q.get('state');
    if (stateParam !== null) back.searchParams.set('state', stateParam);
    const problem = (error: string, description: string): Reply => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      return { status: 302, headers: { Location: back.href } };
    };
    if (q.get('client_id') !== options.clientId) return { status: 400, body: 'unknown client' };
    if (q.get('response_type') !== 'code') return problem('unsupported_response_type', 'only the code flow');
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')) return problem('invalid_request', 'PKCE S256 is required');
    const asked = (q.get('scope') ?? '').split(' ').filter((s) => s !== '');
    const consent = state.consents.shift() ?? { kind: 'grant' };
    if (consent.kind === 'error') return problem(consent.error, consent.description);
    const granted = consent.only ? asked.filter((s) => consent.only?.includes(s) || s === 'offline_access') : asked;
    const code = randomBytes(16).toString('base64url');
    codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect, scopes: granted });
    back.searchParams.set('code', code);
    return { status: 302, headers: { Location: back.href } };
  }

  function token(request: Received): Reply {
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return tokenError(400, 'invalid_request', 'form encoding required');
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('client_id') !== options.clientId) return tokenError(401, 'invalid_client', 'AADSTS700016: Application not found', [700016]);
    if (options.clientSecret !== undefined && form.get('client_secret') !== options.clientSecret) return tokenError(401, 'invalid_client', 'Unauthorized');
    if (form.get('grant_type') === 'authorization_code') {
      const pending = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (pending === undefined) return tokenError(400, 'invalid_grant', 'AADSTS70008: The provided authorization code or refresh token has expired', [70008]);
      if (pending.redirectUri !== form.get('redirect_uri')) return tokenError(400, 'invalid_grant', 'redirect_uri mismatch');
      if (s256(form.get('code_verifier') ?? '') !== pending.challenge) return tokenError(400, 'invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge', [501481]);
      const wantsRefresh = microsoft ? pending.scopes.includes('offline_access') : true;
      return issue(pending.scopes, wantsRefresh);
    }
    if (form.get('grant_type') === 'refresh_token') {
      if (state.refreshError !== undefined) return tokenError(400, state.refreshError.error, state.refreshError.description, state.refreshError.codes);
      const scopes = state.refreshTokens.get(form.get('refresh_token') ?? '');
      if (scopes === undefined) return tokenError(400, 'invalid_grant', 'Token has been expired or revoked.');
      // Microsoft rotates refresh tokens; Google keeps the one it gave.
      if (microsoft) state.refreshTokens.delete(form.get('refresh_token') ?? '');
      return issue(scopes, microsoft);
    }
    return tokenError(400, 'unsupported_grant_type', 'unknown grant');
  }

  const loopback = await startLoopback((request) => {
    const path = request.url.pathname;
    if (request.method === 'GET' && (path === '/o/oauth2/v2/auth' || /^\/[^/]+\/oauth2\/v2\.0\/authorize$/.test(path))) return authorize(request);
    if (request.method === 'POST' && (path === '/token' || /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path))) return token(request);
    return { status: 404, body: 'not found' };
  }, options.loopback);

  return Object.assign(state, {
    loopback,
    origin: loopback.origin,
    async follow(url: string): Promise<string> {
      const response = await fetch(url, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (location === null) throw new Error(`the authorization endpoint answered ${response.status} without a redirect`);
      return location;
    },
    close: () => loopback.close(),
  });
}

/** The API side: the live token of a request, or why it is not. */
export function tokenCheck(server: OAuthServer, bearer: string | undefined): IssuedToken | 'invalid' {
  const token = bearer === undefined ? undefined : server.tokens.get(bearer);
  if (token === undefined || token.expiresAt <= Date.now()) return 'invalid';
  return token;
}
