/**
 * The Microsoft Graph transport against a loopback Graph that implements the documented
 * contract, with OAuth from the loopback Microsoft identity platform: the MIME Graph
 * receives is what the composer built, fetched messages open in the reader, Graph's
 * 4 MB request limit refuses a 25 MiB message before anything is sent, and throttling,
 * consent and scope refusals end as clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphScopes } from '../../background/oauth/oauth-providers';
import { createGraphTransport } from '../../background/transports/graph-transport';
import type { MailTransport } from '../../background/transports/transport';
import { startGraphServer, type GraphServer } from './support/graph-server';
import { oauthWorld, type OAuthWorld } from './support/oauth-harness';
import { rejectsWith } from './support/rejects-with';
import { smimeFixture, type SmimeFixture } from './support/smime-fixture';

let oauth: OAuthWorld;
let graph: GraphServer;
let fixture: SmimeFixture;
let transport: MailTransport;
const waits: number[] = [];
const site = 'https://outlook.office.com';
const envelope = { from: 'rsa@example.org', to: ['dave@example.org'] };

beforeAll(async () => {
  oauth = await oauthWorld('microsoft');
  graph = await startGraphServer(oauth.server);
  fixture = smimeFixture();
  transport = createGraphTransport({
    tokens: oauth.tokens, apiBase: `${graph.origin}/v1.0`, fetch: (input, init) => fetch(input, init),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
});
afterAll(async () => {
  await graph.close();
  await oauth.close();
  fixture.remove();
});

describe('sending', () => {
  it('posts the MIME message as base64 text/plain to /me/sendMail, asking only Mail.Send', async () => {
    const { message } = await fixture.build({ attachmentBytes: 1_500_000 });
    expect(await transport.submit(site, message, envelope)).toEqual({ accepted: ['dave@example.org'], rejected: [], savedToSent: true });
    expect(graph.sent.at(-1)?.mime.equals(Buffer.from(message))).toBe(true);
    const request = graph.loopback.received.find((r) => r.url.pathname === '/v1.0/me/sendMail');
    expect(request?.headers['content-type']).toBe('text/plain');
    expect(new URL(oauth.opened[0] ?? '').searchParams.get('scope')).toBe(`${graphScopes.send} offline_access`);
    expect(fixture.openssl(message).layers).toEqual(['signed', 'enveloped', 'signed']);
  });

  it('refuses a 25 MiB message with Graph\'s 4 MB request limit in the words, sending nothing', async () => {
    const { message } = await fixture.build({ attachmentBytes: 14_800_000 });
    expect(message.length).toBeGreaterThanOrEqual(25 * 1024 * 1024);
    const before = graph.loopback.received.length;
    await rejectsWith(transport.submit(site, message, envelope), 'mail/too-large', /at most about 3 MB \(4 MB once base64-encoded\).*host-mail/);
    expect(graph.loopback.received.length).toBe(before);
  });

  it('names Bcc recipients for Exchange to deliver and strip', async () => {
    const { message } = await fixture.build({ attachmentBytes: 10 });
    await transport.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org', 'Carol@Example.org'] });
    expect(graph.sent.at(-1)?.mime.subarray(0, 24).toString('latin1')).toBe('Bcc: Carol@Example.org\r\n');
  });
});

describe('fetching', () => {
  it('finds a message by internetMessageId and fetches its $value, which opens in the background reader', async () => {
    const { message } = await fixture.build({ attachmentBytes: 100, subject: 'Read me through Graph' });
    await transport.submit(site, message, envelope);
    const messageId = /Message-ID:\s*(<[^>]+>)/i.exec(Buffer.from(message).toString('latin1'))?.[1] ?? '';
    const fetched = await transport.fetchByMessageId(site, messageId);
    expect(Buffer.from(fetched).equals(Buffer.from(message))).toBe(true);
    const view = await (await fixture.reader()).open(fetched, 'extension');
    expect(view).toMatchObject({ encrypted: true, subject: 'Read me through Graph' });
    expect(view.signers[0]?.status).toBe('good');
    const lookup = graph.loopback.received.find((r) => r.url.pathname === '/v1.0/me/messages');
    // Spaces as %20, the Message-ID in quotes, as OData reads it.
    expect(lookup?.url.search).toContain('$filter=internetMessageId%20eq%20%27%3C');
  });

  it('fetches by Graph\'s message id, and refuses an Exchange EWS id it would have to translate', async () => {
    const stored = graph.sent[0];
    expect(Buffer.from(await transport.fetchByProviderId?.(site, stored?.id ?? '') ?? []).equals(stored?.mime ?? Buffer.alloc(1))).toBe(true);
    await rejectsWith(transport.fetchByProviderId?.(site, 'AAMkAD/abc+def=') ?? Promise.resolve(), 'input/invalid', /EWS/);
    await rejectsWith(transport.fetchByProviderId?.(site, 'AAMkADgone') ?? Promise.resolve(), 'mail/not-found');
  });
});

describe('limits and refusals', () => {
  const small = () => fixture.build({ attachmentBytes: 10 }).then((b) => b.message);

  it('waits out Graph throttling (429 TooManyRequests with Retry-After), within a bound', async () => {
    waits.length = 0;
    const throttled = { status: 429, headers: { 'Retry-After': '2' }, body: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } } };
    graph.faults.push(throttled);
    await transport.submit(site, await small(), envelope);
    expect(waits).toEqual([2000]);
    graph.faults.push(throttled, throttled, throttled, throttled);
    await rejectsWith(transport.submit(site, await small(), envelope), 'mail/rate-limited', /Microsoft Graph is limiting/);
    graph.faults.length = 0;
  });

  it('says a scope is missing when Exchange answers ErrorAccessDenied', async () => {
    graph.faults.push({ status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
    await rejectsWith(transport.submit(site, await small(), envelope), 'oauth/scope-missing', /Mail\.Send/);
  });

  it('says the organisation withdrew consent when the refresh answers AADSTS65001', async () => {
    await transport.submit(site, await small(), envelope);
    for (const token of [...oauth.server.tokens.keys()]) oauth.server.tokens.delete(token);
    oauth.server.refreshError = { error: 'invalid_grant', description: 'AADSTS65001: The user or administrator has not consented to use the application with ID \'6731de76-14a6-49ae-97bc-6eba6914391e\'.', codes: [65001] };
    await rejectsWith(transport.submit(site, await small(), envelope), 'oauth/consent-blocked', /administrator/);
    oauth.server.refreshError = undefined;
  });
});
