/**
 * The options page's view of the providers' accounts, and signing in and out from there,
 * through the router as the options page reaches it, against the loopback authorization
 * server that answers as Google and the Microsoft identity platform document. Google's
 * revocation endpoint (RFC 7009, `POST /revoke` with the token as a form field) is served
 * beside it here; Microsoft offers public clients none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../background/handlers';
import { createOAuthAccounts } from '../../background/oauth/oauth-accounts';
import { gmailScopes, graphScopes } from '../../background/oauth/oauth-providers';
import { createOAuthTokens, tokenStorageKey, type LaunchAuthFlow } from '../../background/oauth/oauth-tokens';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { createRouter } from '../../background/router';
import type { BackgroundServices } from '../../background/services';
import type { Req, Res, RuntimeCommand } from '../../src/protocol/runtime';
import { startLoopback, type Loopback, type Received, type Reply } from '../transports/support/loopback-http';
import { googleClient, microsoftClient, redirectUrl } from '../transports/support/oauth-harness';
import { startOAuthServer, type Flavour, type OAuthServer } from '../transports/support/oauth-server';
import { memoryStorage } from './memory-storage';

const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const optionsPage = { id: self.id, url: `${self.origin}/options.html`, frameId: 0, tab: { id: 2 } };
const clients = { google: { ...googleClient }, microsoft: { ...microsoftClient } };

/** Google's revoke endpoint: the grant behind a refresh or access token ends; an unknown token is `invalid_token`. */
function revoke(server: OAuthServer, request: Received): Reply {
  const token = new URLSearchParams(request.body.toString('utf8')).get('token') ?? '';
  if (request.method !== 'POST' || request.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400, body: { error: 'invalid_request' } };
  if (!server.refreshTokens.has(token) && !server.tokens.has(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
  server.refreshTokens.delete(token);
  server.tokens.clear();
  return { status: 200, body: {} };
}

interface World {
  readonly server: OAuthServer;
  readonly revocations: Loopback;
  readonly local: ReturnType<typeof memoryStorage>;
  readonly opened: string[];
  window: LaunchAuthFlow;
  send<K extends RuntimeCommand>(type: K, req: Req<K>): Promise<Res<K>>;
  close(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(flavour: Flavour, settings: { managed?: Record<string, unknown>; user?: Record<string, unknown> } = {}): Promise<World> {
  const server = await startOAuthServer(flavour === 'google'
    ? { flavour, clientId: googleClient.clientId, clientSecret: googleClient.clientSecret }
    : { flavour, clientId: microsoftClient.clientId });
  const revocations = await startLoopback((request) => (request.url.pathname === '/revoke' ? revoke(server, request) : { status: 404 }));
  const local = memoryStorage({ [userOptionsKey]: settings.user ?? {} });
  const policy = createPolicyStore(memoryStorage(settings.managed ?? {}), local);
  const opened: string[] = [];
  // The token and revoke endpoints share Google's origin; here the revoke one is served apart.
  const fetcher: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    return fetch(url.pathname === '/revoke' ? `${revocations.origin}/revoke` : url, init);
  };
  const tokens = createOAuthTokens({
    clients: async () => (await policy.current()).oauthClients,
    storage: local,
    launch: (url) => {
      opened.push(url);
      return w.window(url);
    },
    redirectUrl,
    fetch: fetcher,
    subtle: crypto.subtle,
    random: (count) => crypto.getRandomValues(new Uint8Array(count)),
    hosts: { googleAccounts: server.origin, googleToken: server.origin, microsoftLogin: server.origin },
  });
  const route = createRouter(self, createHandlers({ oauthAccounts: createOAuthAccounts(policy, tokens) } as unknown as BackgroundServices));
  const w: World = {
    server,
    revocations,
    local,
    opened,
    window: (url) => server.follow(url),
    async send(type, req) {
      const reply = await route({ cachet: 1, type, req }, optionsPage);
      if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      return reply.res as Res<typeof type>;
    },
    close: async () => {
      await revocations.close();
      await server.close();
    },
  };
  world = w;
  return w;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

const account = (accounts: Res<'oauth/accounts'>['accounts'], provider: string) => accounts.find((a) => a.provider === provider);

describe('the providers\' accounts in the options page', () => {
  it('says, for each provider, that no client is set and nobody is signed in', async () => {
    const w = await start('google');
    expect((await w.send('oauth/accounts', {})).accounts).toEqual([
      { provider: 'google', client: 'none', signedIn: false, granted: [], needed: ['send', 'read'], sites: [] },
      { provider: 'microsoft', client: 'none', signedIn: false, granted: [], needed: ['send', 'read'], sites: [] },
    ]);
  });

  it('tells a client set by the organisation from one set in the options', async () => {
    const w = await start('google', { managed: { oauthClients: { google: clients.google } }, user: {} });
    expect((await w.send('oauth/accounts', {})).accounts.map((a) => [a.provider, a.client])).toEqual([['google', 'policy'], ['microsoft', 'none']]);
    const u = await start('microsoft', { user: { oauthClients: { microsoft: clients.microsoft } } });
    expect((await u.send('oauth/accounts', {})).accounts.map((a) => [a.provider, a.client])).toEqual([['google', 'none'], ['microsoft', 'options']]);
    await w.close();
  });

  it('signs in to Google for what the sites need, and says what the sign-in allows', async () => {
    const w = await start('google', {
      user: { oauthClients: { google: clients.google }, siteTransports: [{ origin: 'https://mail.google.com', send: 'gmail', fetch: 'host-mail' }] },
    });
    const before = account((await w.send('oauth/accounts', {})).accounts, 'google');
    // Sending through Gmail needs gmail.send, and gmail.readonly to find a reply's conversation.
    expect(before).toMatchObject({ client: 'options', signedIn: false, needed: ['send', 'read'], sites: ['https://mail.google.com'] });
    const after = account((await w.send('oauth/sign-in', { provider: 'google' })).accounts, 'google');
    expect(after).toMatchObject({ signedIn: true, granted: ['send', 'read'] });
    expect(new URL(w.opened[0] ?? '').searchParams.get('scope')).toBe(`${gmailScopes.send} ${gmailScopes.read}`);
    // Signed in already with what is needed: no second window.
    await w.send('oauth/sign-in', { provider: 'google' });
    expect(w.opened).toHaveLength(1);
  });

  it('asks Microsoft only for reading when the sites only fetch through Graph', async () => {
    const w = await start('microsoft', {
      user: { oauthClients: { microsoft: clients.microsoft }, siteTransports: [{ origin: 'https://outlook.office.com', send: 'host-mail', fetch: 'graph' }] },
    });
    const after = account((await w.send('oauth/sign-in', { provider: 'microsoft' })).accounts, 'microsoft');
    expect(after).toMatchObject({ signedIn: true, granted: ['read'], needed: ['read'], sites: ['https://outlook.office.com'] });
    expect(new URL(w.opened[0] ?? '').searchParams.get('scope')).toBe(`${graphScopes.read} offline_access`);
  });

  it('shows what was granted when the user allowed less than asked, and names what is missing', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    w.server.consents.push({ kind: 'grant', only: [gmailScopes.send] });
    const refused = await refusal(w.send('oauth/sign-in', { provider: 'google' }));
    expect(refused.code).toBe('oauth/scope-missing');
    expect(refused.message).toContain('gmail.readonly');
    expect(account((await w.send('oauth/accounts', {})).accounts, 'google')).toMatchObject({ signedIn: true, granted: ['send'] });
  });

  it.each([
    ['the organisation blocks consent', 'microsoft', { kind: 'error', error: 'access_denied', description: 'AADSTS65001: The user or administrator has not consented' }, 'oauth/consent-blocked'],
    ['the user declines', 'google', { kind: 'error', error: 'access_denied', description: 'The user denied access' }, 'oauth/cancelled'],
  ] as const)('reports it as a typed error when %s', async (_what, flavour, consent, code) => {
    const w = await start(flavour, { user: { oauthClients: { [flavour]: clients[flavour] } } });
    w.server.consents.push(consent);
    expect((await refusal(w.send('oauth/sign-in', { provider: flavour }))).code).toBe(code);
    expect(account((await w.send('oauth/accounts', {})).accounts, flavour)?.signedIn).toBe(false);
  });

  it('reports a closed sign-in window as cancelled', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    w.window = () => Promise.reject(new Error('The user did not approve access.'));
    expect((await refusal(w.send('oauth/sign-in', { provider: 'google' }))).code).toBe('oauth/cancelled');
  });

  it('refuses to sign in without a client, and opens no window', async () => {
    const w = await start('microsoft');
    const refused = await refusal(w.send('oauth/sign-in', { provider: 'microsoft' }));
    expect(refused.code).toBe('oauth/not-configured');
    expect(w.opened).toEqual([]);
  });

  it('signs out of Google: the tokens are forgotten and the grant revoked at Google', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    await w.send('oauth/sign-in', { provider: 'google' });
    const [refresh] = [...w.server.refreshTokens.keys()];
    const out = await w.send('oauth/sign-out', { provider: 'google' });
    expect(out.revocation).toBe('revoked');
    expect(account(out.accounts, 'google')).toMatchObject({ signedIn: false, granted: [] });
    expect((w.local.data[tokenStorageKey] as Record<string, unknown>)['google']).toBeUndefined();
    // The refresh token went to the revoke endpoint as a form field, and Google no longer knows it.
    const asked = w.revocations.received.find((r) => r.url.pathname === '/revoke');
    expect(new URLSearchParams(asked?.body.toString('utf8')).get('token')).toBe(refresh);
    expect(w.server.refreshTokens.size).toBe(0);
    // Signing in again opens a window.
    await w.send('oauth/sign-in', { provider: 'google' });
    expect(w.opened).toHaveLength(2);
  });

  it('signs out of Microsoft by forgetting only: no revocation endpoint is asked', async () => {
    const w = await start('microsoft', { user: { oauthClients: { microsoft: clients.microsoft } } });
    await w.send('oauth/sign-in', { provider: 'microsoft' });
    const out = await w.send('oauth/sign-out', { provider: 'microsoft' });
    expect(out.revocation).toBe('not-offered');
    expect(account(out.accounts, 'microsoft')?.signedIn).toBe(false);
    expect((w.local.data[tokenStorageKey] as Record<string, unknown>)['microsoft']).toBeUndefined();
    expect(w.revocations.received).toEqual([]);
    expect(w.server.loopback.received.filter((r) => !/\/(authorize|token)$/.test(r.url.pathname))).toEqual([]);
  });

  it('forgets the tokens even when Google cannot be reached to revoke them, and says so', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    await w.send('oauth/sign-in', { provider: 'google' });
    await w.revocations.close();
    const out = await w.send('oauth/sign-out', { provider: 'google' });
    expect(out.revocation).toBe('failed');
    expect(out.detail).toMatch(/^Google did not answer/);
    expect(account(out.accounts, 'google')?.signedIn).toBe(false);
    expect((w.local.data[tokenStorageKey] as Record<string, unknown>)['google']).toBeUndefined();
  });

  it('treats a grant Google already ended as revoked, and a sign-out with nothing kept as such', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    expect((await w.send('oauth/sign-out', { provider: 'google' })).revocation).toBe('nothing-kept');
    await w.send('oauth/sign-in', { provider: 'google' });
    w.server.refreshTokens.clear();
    w.server.tokens.clear();
    expect((await w.send('oauth/sign-out', { provider: 'google' })).revocation).toBe('revoked');
  });

  it('does not count a sign-in kept for another client', async () => {
    const w = await start('google', { user: { oauthClients: { google: clients.google } } });
    await w.send('oauth/sign-in', { provider: 'google' });
    w.local.data[userOptionsKey] = { oauthClients: { google: { clientId: 'another.apps.googleusercontent.com' } } };
    expect(account((await w.send('oauth/accounts', {})).accounts, 'google')).toMatchObject({ client: 'options', signedIn: false });
    // Signing out still forgets and revokes what is kept for the provider.
    expect((await w.send('oauth/sign-out', { provider: 'google' })).revocation).toBe('revoked');
  });
});
