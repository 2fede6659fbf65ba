/**
 * Signing in with the authorization code grant and PKCE, keeping and refreshing tokens,
 * and the errors people meet, against a loopback authorization server that answers as
 * Google and the Microsoft identity platform document. The browser's sign-in window is
 * the one thing replaced: it follows the authorization endpoint's redirect.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { gmailScopes, graphScopes } from '../../background/oauth/oauth-providers';
import { tokenStorageKey } from '../../background/oauth/oauth-tokens';
import { rejectsWith as expectCachetError } from './support/rejects-with';
import { googleClient, oauthWorld, redirectUrl, type OAuthWorld } from './support/oauth-harness';

let world: OAuthWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function google(): Promise<OAuthWorld> {
  world = await oauthWorld('google');
  return world;
}
async function microsoft(): Promise<OAuthWorld> {
  world = await oauthWorld('microsoft');
  return world;
}

describe('signing in (RFC 6749 §4.1 with RFC 7636 PKCE)', () => {
  it('asks Google for the code with S256 PKCE, offline access and only the scope the work needs', async () => {
    const w = await google();
    const token = await w.tokens.accessToken('google', [gmailScopes.send]);
    expect(w.server.tokens.get(token)?.scopes).toEqual([gmailScopes.send]);
    const asked = new URL(w.opened[0] ?? '');
    expect(`${asked.origin}${asked.pathname}`).toBe(`${w.server.origin}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      response_type: 'code', client_id: '1234-cachet.apps.googleusercontent.com', redirect_uri: redirectUrl,
      scope: gmailScopes.send, code_challenge_method: 'S256', access_type: 'offline', include_granted_scopes: 'true', prompt: 'consent',
    });
    expect(asked.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The verifier went to the token endpoint only, and hashes to the challenge.
    const redeem = w.server.loopback.received.find((r) => r.url.pathname === '/token');
    const form = new URLSearchParams(redeem?.body.toString() ?? '');
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url')).toBe(asked.searchParams.get('code_challenge'));
    expect(form.get('client_secret')).toBe('GOCSPX-not-really-secret');
    expect(w.opened[0]).not.toContain(form.get('code_verifier') ?? '-');
  });

  it('asks Microsoft in the tenant, with offline_access for a refresh token, and no client secret', async () => {
    const w = await microsoft();
    await w.tokens.accessToken('microsoft', [graphScopes.send, graphScopes.read]);
    const asked = new URL(w.opened[0] ?? '');
    expect(asked.pathname).toBe('/organizations/oauth2/v2.0/authorize');
    expect(asked.searchParams.get('scope')).toBe(`${graphScopes.send} ${graphScopes.read} offline_access`);
    const redeem = w.server.loopback.received.find((r) => r.url.pathname.endsWith('/token'));
    const form = new URLSearchParams(redeem?.body.toString() ?? '');
    expect(form.has('client_secret')).toBe(false);
    expect(form.get('scope')).toContain('offline_access');
  });

  it('keeps the token in extension storage and uses it again without a window', async () => {
    const w = await google();
    const first = await w.tokens.accessToken('google', [gmailScopes.send]);
    expect(await w.tokens.accessToken('google', [gmailScopes.send])).toBe(first);
    expect(w.opened).toHaveLength(1);
    const kept = (w.storage.data[tokenStorageKey] as Record<string, { refreshToken: string }>)['google'];
    expect(kept?.refreshToken).toMatch(/^rt-/);
  });

  it('asks again for a scope it lacks, keeping the ones granted (incremental consent)', async () => {
    const w = await google();
    await w.tokens.accessToken('google', [gmailScopes.send]);
    const token = await w.tokens.accessToken('google', [gmailScopes.read]);
    expect(w.opened).toHaveLength(2);
    expect(new URL(w.opened[1] ?? '').searchParams.get('scope')).toBe(`${gmailScopes.send} ${gmailScopes.read}`);
    // A refresh token is kept already, so Google is not made to show its consent again.
    expect(new URL(w.opened[1] ?? '').searchParams.has('prompt')).toBe(false);
    expect(w.server.tokens.get(token)?.scopes).toEqual([gmailScopes.send, gmailScopes.read]);
  });

  it('refreshes an expired token without a window, and Microsoft\'s rotated refresh token replaces the old', async () => {
    const w = await microsoft();
    w.server.lifetime = 60; // inside the two-minute margin: stale at once
    const first = await w.tokens.accessToken('microsoft', [graphScopes.read]);
    const oldRefresh = (w.storage.data[tokenStorageKey] as Record<string, { refreshToken: string }>)['microsoft']?.refreshToken;
    w.server.lifetime = 3599;
    const second = await w.tokens.accessToken('microsoft', [graphScopes.read]);
    expect(second).not.toBe(first);
    expect(w.opened).toHaveLength(1);
    const newRefresh = (w.storage.data[tokenStorageKey] as Record<string, { refreshToken: string }>)['microsoft']?.refreshToken;
    expect(newRefresh).not.toBe(oldRefresh);
    expect(w.server.refreshTokens.has(newRefresh ?? '')).toBe(true);
  });

  it('opens one window for two sends that need a token at once', async () => {
    const w = await google();
    const [a, b] = await Promise.all([w.tokens.accessToken('google', [gmailScopes.send]), w.tokens.accessToken('google', [gmailScopes.send])]);
    expect(a).toBe(b);
    expect(w.opened).toHaveLength(1);
  });

  it('refuses a redirect whose state is not the one it sent', async () => {
    const w = await google();
    w.window = async (url) => {
      const back = new URL(await w.server.follow(url));
      back.searchParams.set('state', 'forged');
      return back.href;
    };
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send]), 'oauth/failed', /does not belong/);
  });
});

describe('errors people can act on', () => {
  it('says when the organisation blocks consent (Microsoft AADSTS65001 at sign-in)', async () => {
    const w = await microsoft();
    w.server.consents.push({ kind: 'error', error: 'consent_required', description: 'AADSTS65001: The user or administrator has not consented to use the application with ID \'6731de76-14a6-49ae-97bc-6eba6914391e\'.' });
    await expectCachetError(w.tokens.accessToken('microsoft', [graphScopes.send]), 'oauth/consent-blocked', /organisation has not approved.*AADSTS65001/);
  });

  it('says when only an administrator may consent (AADSTS90094 in access_denied)', async () => {
    const w = await microsoft();
    w.server.consents.push({ kind: 'error', error: 'access_denied', description: 'AADSTS90094: Admin consent is required for the permissions requested by this application.' });
    await expectCachetError(w.tokens.accessToken('microsoft', [graphScopes.send]), 'oauth/consent-blocked', /administrator/);
  });

  it('says when a Google Workspace admin policy blocks the app', async () => {
    const w = await google();
    w.server.consents.push({ kind: 'error', error: 'admin_policy_enforced', description: 'Access blocked: your organisation\'s policy does not allow this app' });
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send]), 'oauth/consent-blocked');
  });

  it('says when the user declined', async () => {
    const w = await google();
    w.server.consents.push({ kind: 'error', error: 'access_denied', description: 'The user denied access' });
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send]), 'oauth/cancelled');
  });

  it('says when the sign-in window was closed', async () => {
    const w = await google();
    w.window = () => Promise.reject(new Error('The user did not approve access.'));
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send]), 'oauth/cancelled', /closed/);
  });

  it('names the scope left unticked on Google\'s granular consent screen', async () => {
    const w = await google();
    w.server.consents.push({ kind: 'grant', only: [gmailScopes.read] });
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send, gmailScopes.read]), 'oauth/scope-missing', /gmail\.send.*nothing can be sent/);
  });

  it('signs in again when the refresh token was revoked (invalid_grant), and says so if the user does not', async () => {
    const w = await google();
    w.server.lifetime = 60;
    await w.tokens.accessToken('google', [gmailScopes.send]);
    w.server.refreshError = { error: 'invalid_grant', description: 'Token has been expired or revoked.' };
    w.window = () => Promise.reject(new Error('closed'));
    await expectCachetError(w.tokens.accessToken('google', [gmailScopes.send]), 'oauth/token-revoked', /expired or was revoked/);
    // The dead refresh token is gone; the next try signs in afresh.
    expect((w.storage.data[tokenStorageKey] as Record<string, unknown>)['google']).toBeUndefined();
    w.server.refreshError = undefined;
    w.window = (url) => w.server.follow(url);
    await expect(w.tokens.accessToken('google', [gmailScopes.send])).resolves.toMatch(/^at-/);
  });

  it('says when the administrator withdrew consent since (AADSTS65001 on refresh)', async () => {
    const w = await microsoft();
    w.server.lifetime = 60;
    await w.tokens.accessToken('microsoft', [graphScopes.send]);
    w.server.refreshError = { error: 'invalid_grant', description: 'AADSTS65001: The user or administrator has not consented to use the application.', codes: [65001] };
    await expectCachetError(w.tokens.accessToken('microsoft', [graphScopes.send]), 'oauth/consent-blocked');
  });

  it('reads a token answer only as far as its bound, and says it was far too large', async () => {
    const w = await google();
    const { createOAuthTokens } = await import('../../background/oauth/oauth-tokens');
    const { memoryStorage } = await import('../background/memory-storage');
    let streamed = 0;
    // The token endpoint answers an endless JSON string; every other request goes to the server.
    const endless = (): Response => new Response(new ReadableStream<Uint8Array>({
      pull(controller) {
        streamed += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
      },
    }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    const tokens = createOAuthTokens({
      clients: () => Promise.resolve({ google: { ...googleClient }, microsoft: null }), storage: memoryStorage(),
      launch: (url) => w.server.follow(url), redirectUrl,
      fetch: (input, init) => (new Request(input).url.endsWith('/token') ? Promise.resolve(endless()) : fetch(input, init)),
      subtle: crypto.subtle, random: (n) => crypto.getRandomValues(new Uint8Array(n)),
      hosts: { googleAccounts: w.server.origin, googleToken: w.server.origin, microsoftLogin: w.server.origin },
    });
    await expectCachetError(tokens.accessToken('google', [gmailScopes.send]), 'oauth/failed', /far too large/);
    expect(streamed).toBeLessThan(1024 * 1024);
  });

  it('says when no client is set up', async () => {
    const { createOAuthTokens } = await import('../../background/oauth/oauth-tokens');
    const { memoryStorage } = await import('../background/memory-storage');
    const tokens = createOAuthTokens({
      clients: () => Promise.resolve({ google: null, microsoft: null }), storage: memoryStorage(), launch: () => Promise.reject(new Error('no')),
      redirectUrl, fetch, subtle: crypto.subtle, random: (n) => new Uint8Array(n),
    });
    await expectCachetError(tokens.accessToken('microsoft', [graphScopes.send]), 'oauth/not-configured', /oauthClients\.microsoft/);
  });
});
