/**
 * The Gmail API transport against a loopback server that implements the documented
 * contract, with OAuth from the loopback authorization server: what Gmail receives is
 * what the composer built, byte for byte, including a 25 MiB message through the
 * resumable upload that `openssl cms` decrypts and verifies; a fetched raw message opens
 * in the background reader; rate limits, scopes and refused tokens end as clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gmailScopes } from '../../background/oauth/oauth-providers';
import { createGmailTransport } from '../../background/transports/gmail-transport';
import type { MailTransport } from '../../background/transports/transport';
import { startGmailServer, type GmailServer } from './support/gmail-server';
import { oauthWorld, type OAuthWorld } from './support/oauth-harness';
import { rejectsWith } from './support/rejects-with';
import { attachmentOf, smimeFixture, type SmimeFixture } from './support/smime-fixture';

let oauth: OAuthWorld;
let gmail: GmailServer;
let fixture: SmimeFixture;
let transport: MailTransport;
const waits: number[] = [];
const site = 'https://mail.google.com';
const envelope = { from: 'rsa@example.org', to: ['dave@example.org'] };

beforeAll(async () => {
  oauth = await oauthWorld('google');
  gmail = await startGmailServer(oauth.server);
  fixture = smimeFixture();
  transport = createGmailTransport({
    tokens: oauth.tokens, apiBase: gmail.origin, fetch: (input, init) => fetch(input, init),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
});
afterAll(async () => {
  await gmail.close();
  await oauth.close();
  fixture.remove();
});

describe('sending', () => {
  it('sends a small message as base64url raw JSON, unchanged, asking only gmail.send', async () => {
    const { message } = await fixture.build({ attachmentBytes: 2000 });
    const result = await transport.submit(site, message, envelope);
    expect(result).toEqual({ accepted: ['dave@example.org'], rejected: [], savedToSent: true });
    const stored = gmail.messages.at(-1);
    expect(stored?.via).toBe('json');
    expect(Buffer.compare(stored?.raw ?? Buffer.alloc(0), Buffer.from(message))).toBe(0);
    expect(new URL(oauth.opened[0] ?? '').searchParams.get('scope')).toBe(gmailScopes.send);
    expect(fixture.openssl(message).layers).toEqual(['signed', 'enveloped', 'signed']);
  });

  it('keeps a reply in the conversation of the message it answers (threadId from In-Reply-To)', async () => {
    const first = await fixture.build({ attachmentBytes: 10, subject: 'Thread start' });
    await transport.submit(site, first.message, envelope);
    const original = gmail.messages.at(-1);
    const originalId = /Message-ID:\s*<([^>]+)>/i.exec(Buffer.from(first.message).toString('latin1'))?.[1] ?? '';
    const reply = await fixture.build({ attachmentBytes: 10, subject: 'Re: Thread start', inReplyTo: `<${originalId}>` });
    await transport.submit(site, reply.message, envelope);
    expect(gmail.messages.at(-1)?.threadId).toBe(original?.threadId);
    const sendRequest = gmail.loopback.received.filter((r) => r.url.pathname.endsWith('/messages/send')).at(-1);
    expect(JSON.parse(sendRequest?.body.toString() ?? '{}')).toMatchObject({ threadId: original?.threadId });
  });

  it('names Bcc recipients in a Bcc field, which Gmail takes out of what recipients get', async () => {
    const { message } = await fixture.build({ attachmentBytes: 10 });
    await transport.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org', 'carol@example.org'] });
    const raw = gmail.messages.at(-1)?.raw ?? Buffer.alloc(0);
    expect(raw.subarray(0, 24).toString('latin1')).toBe('Bcc: carol@example.org\r\n');
    expect(Buffer.compare(raw.subarray(raw.length - message.length), Buffer.from(message))).toBe(0);
  });

  it('sends a 25 MiB message through the resumable upload, byte for byte, and openssl cms decrypts and verifies it', async () => {
    const { message, attachment } = await fixture.build({ attachmentBytes: 14_800_000 });
    expect(message.length).toBeGreaterThanOrEqual(25 * 1024 * 1024);
    const before = gmail.loopback.received.length;
    await transport.submit(site, message, envelope);
    const stored = gmail.messages.at(-1);
    expect(stored?.via).toBe('resumable');
    expect(stored?.raw.equals(Buffer.from(message))).toBe(true);
    const requests = gmail.loopback.received.slice(before).filter((r) => r.url.pathname.startsWith('/upload/'));
    expect(requests[0]?.headers['x-upload-content-type']).toBe('message/rfc822');
    expect(requests[0]?.headers['x-upload-content-length']).toBe(String(message.length));
    const opened = fixture.openssl(new Uint8Array(stored?.raw ?? []));
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(attachmentOf(opened.entity, 'figures.bin').equals(Buffer.from(attachment))).toBe(true);
  });

  it('resumes an upload broken off midway from where Gmail says it got to', async () => {
    const { message } = await fixture.build({ attachmentBytes: 4_000_000 });
    gmail.breakUploadAfter = 1_000_000;
    await transport.submit(site, message, envelope);
    expect(gmail.messages.at(-1)?.raw.equals(Buffer.from(message))).toBe(true);
    const puts = gmail.loopback.received.filter((r) => r.method === 'PUT').slice(-3);
    expect(puts.map((p) => p.headers['content-range'])).toEqual([undefined, `bytes */${message.length}`, `bytes 1000000-${message.length - 1}/${message.length}`]);
  });

  it('refuses a message over the 35 MB the method takes, before sending anything', async () => {
    const before = gmail.loopback.received.length;
    await rejectsWith(transport.submit(site, new Uint8Array(36 * 1024 * 1024).fill(65), envelope), 'mail/too-large', /35 MB/);
    expect(gmail.loopback.received.length).toBe(before);
  });
});

describe('fetching', () => {
  it('fetches a message by its Message-ID as raw, and it opens in the background reader', async () => {
    const { message } = await fixture.build({ attachmentBytes: 3000, subject: 'To be read' });
    await transport.submit(site, message, envelope);
    const messageId = /Message-ID:\s*(<[^>]+>)/i.exec(Buffer.from(message).toString('latin1'))?.[1] ?? '';
    const fetched = await transport.fetchByMessageId(site, messageId);
    expect(Buffer.from(fetched).equals(Buffer.from(message))).toBe(true);
    const view = await (await fixture.reader()).open(fetched, 'extension');
    expect(view).toMatchObject({ encrypted: true, subject: 'To be read', text: 'The figures are attached.\r\n' });
    expect(view.signers[0]?.status).toBe('good');
    // Reading asked for gmail.readonly on top of what was granted.
    expect(new URL(oauth.opened.at(-1) ?? '').searchParams.get('scope')).toContain(gmailScopes.read);
  });

  it('fetches by Gmail\'s own message id', async () => {
    const stored = gmail.messages[0];
    expect(Buffer.from(await transport.fetchByProviderId?.(site, stored?.id ?? '') ?? []).equals(stored?.raw ?? Buffer.alloc(1))).toBe(true);
  });

  it('says when Gmail has no such message', async () => {
    await rejectsWith(transport.fetchByMessageId(site, '<nobody@example.org>'), 'mail/not-found', /nobody@example\.org/);
    await rejectsWith(transport.fetchByProviderId?.(site, 'ffff0000') ?? Promise.resolve(), 'mail/not-found');
  });
});

describe('limits and refusals', () => {
  const small = () => fixture.build({ attachmentBytes: 10 }).then((b) => b.message);

  it('waits as long as a 429 Retry-After asks, then sends', async () => {
    const message = await small();
    waits.length = 0;
    gmail.faults.push({ status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 429, message: 'Too many concurrent requests for user.', status: 'RESOURCE_EXHAUSTED' } } });
    await transport.submit(site, message, envelope);
    expect(waits).toEqual([7000]);
    expect(Buffer.compare(gmail.messages.at(-1)?.raw ?? Buffer.alloc(0), Buffer.from(message))).toBe(0);
  });

  it('backs off on Gmail\'s quota 403 (userRateLimitExceeded) too', async () => {
    waits.length = 0;
    gmail.faults.push({ status: 403, body: { error: { code: 403, message: 'User-rate limit exceeded', errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits', message: 'User-rate limit exceeded' }] } } });
    await transport.submit(site, await small(), envelope);
    expect(waits).toEqual([1000]);
  });

  it('gives up with a clear error when Gmail keeps limiting, or asks for longer than Cachet waits', async () => {
    const limited = { status: 429, headers: { 'Retry-After': '5' }, body: { error: { code: 429, message: 'Rate Limit Exceeded', status: 'RESOURCE_EXHAUSTED' } } };
    const count = gmail.messages.length;
    gmail.faults.push(limited, limited, limited, limited);
    await rejectsWith(transport.submit(site, await small(), envelope), 'mail/rate-limited', /Gmail is limiting.*wait 5 s/);
    gmail.faults.length = 0;
    gmail.faults.push({ ...limited, headers: { 'Retry-After': '3600' } });
    await rejectsWith(transport.submit(site, await small(), envelope), 'mail/rate-limited', /wait 3600 s.*later/);
    expect(gmail.messages.length).toBe(count);
  });

  it('renews a token Gmail refuses (401) and sends once with the new one', async () => {
    const live = [...oauth.server.tokens.keys()];
    for (const token of live) oauth.server.tokens.delete(token);
    const opened = oauth.opened.length;
    await transport.submit(site, await small(), envelope);
    // The refresh token renewed it: no new window.
    expect(oauth.opened.length).toBe(opened);
  });

  it('says a scope is missing when Gmail answers insufficientPermissions, and asks for it next time', async () => {
    gmail.faults.push({
      status: 403, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' },
      body: { error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } },
    });
    await rejectsWith(transport.submit(site, await small(), envelope), 'oauth/scope-missing', /gmail\.send/);
    const opened = oauth.opened.length;
    await transport.submit(site, await small(), envelope);
    expect(oauth.opened.length).toBe(opened + 1);
  });
});
