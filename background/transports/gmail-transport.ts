/**
 * The Gmail API as a transport (https://developers.google.com/gmail/api/reference/rest):
 * `users.messages.send` submits the message Cachet built, unchanged, and Gmail files the
 * copy in Sent itself; a reply names its conversation (`threadId`), which Gmail needs to
 * keep it there. `users.messages.get?format=raw` fetches a message as it was received.
 *
 * Sizes follow Google's upload guide: up to 5 MB the message goes as base64url `raw` in
 * JSON; larger ones, up to the method's 35 MB, through the resumable upload of the
 * /upload URI, whose first request carries the `threadId` (a simple `uploadType=media`
 * upload has no room for it and is meant for 5 MB or less).
 */
import { CachetError } from '../../src/errors';
import { bytesToBase64, base64ToBytes } from '../../src/protocol/runtime-bytes';
import { gmailScopes } from '../oauth/oauth-providers';
import type { OAuthTokens } from '../oauth/oauth-tokens';
import { bytesBody, isRecord, readJson, type ApiRequestOptions } from './api-request';
import { bareMessageId, repliedMessageIds, topHeaderFields, withBlindRecipients } from './message-headers';
import { oauthRequest, type OAuthApiCall } from './oauth-api';
import type { MailTransport } from './transport';

export interface GmailTransportOptions extends ApiRequestOptions {
  readonly tokens: OAuthTokens;
  /** https://gmail.googleapis.com; tests give a loopback server. */
  readonly apiBase?: string;
}

const service = 'Gmail';
/** Google's upload guide: simple and multipart uploads are for 5 MB or less. */
export const gmailSimpleLimit = 5 * 1024 * 1024;
/** users.messages.send: "Maximum file size: 35MB". */
export const gmailMaxMessage = 35 * 1024 * 1024;
/** A raw message in JSON is base64url, a third larger, with a little around it. */
const maxJsonAnswer = Math.ceil((gmailMaxMessage * 4) / 3) + 64 * 1024;
const maxErrorAnswer = 64 * 1024;
const timeoutMs = 60_000;
const uploadTimeoutMs = 10 * 60_000;
/** Resumes of an interrupted upload before giving up (each one sends only what is missing). */
const maxResumes = 3;
/** Gmail's message ids are hexadecimal; anything of the URL-safe alphabet is let through. */
const providerId = /^[A-Za-z0-9_-]{1,128}$/;

/** RFC 6750 §3.1 and Google's error reasons for a token without the needed scope. */
async function gmailScopeRefused(response: Response): Promise<boolean> {
  if (/insufficient_scope/i.test(response.headers.get('www-authenticate') ?? '')) return true;
  const reasons = await errorReasons(response);
  return reasons.some((r) => r === 'insufficientPermissions' || r === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
}

/** Gmail's per-user and per-project quotas answer 403 with these reasons, or 429. */
async function gmailThrottled(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const reasons = await errorReasons(response);
  return reasons.some((r) => r === 'rateLimitExceeded' || r === 'userRateLimitExceeded');
}

/** `error.errors[].reason` and `error.details[].reason` of Google's JSON error body. */
async function errorReasons(response: Response): Promise<string[]> {
  const body = await readJson(response, maxErrorAnswer, service).catch(() => undefined);
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  const list = [...listOf(error['errors']), ...listOf(error['details'])];
  return list.filter(isRecord).map((e) => e['reason']).filter((r): r is string => typeof r === 'string');
}

async function failure(response: Response, doing: string): Promise<CachetError> {
  const body = await readJson(response, maxErrorAnswer, service).catch(() => undefined);
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  const said = typeof error['message'] === 'string' ? error['message'].slice(0, 300) : response.statusText;
  if (response.status === 404) return new CachetError('mail/not-found', `Gmail has no such message (${said})`);
  if (response.status === 413 || /too large|exceeds/i.test(said)) return new CachetError('mail/too-large', `Gmail refused the message as too large (${said})`);
  if (response.status === 400 && /recipient|invalid to header/i.test(said)) return new CachetError('mail/recipients-refused', `Gmail refused the recipients (${said})`);
  return new CachetError('mail/server-error', `Gmail refused to ${doing} (HTTP ${response.status}: ${said})`);
}

/** Gmail writes `raw` as base64url, with or without padding. */
export function fromBase64Url(text: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return base64ToBytes(standard + '='.repeat((4 - (standard.length % 4)) % 4));
}

function toBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_');
}

export function createGmailTransport(options: GmailTransportOptions): MailTransport {
  const base = (options.apiBase ?? 'https://gmail.googleapis.com').replace(/\/$/, '');
  const api = `${base}/gmail/v1/users/me`;

  const call = (scopes: readonly string[], url: string, init: OAuthApiCall['init'], timeout = timeoutMs) =>
    oauthRequest(options.tokens, 'google', { service, url, init, timeoutMs: timeout, scopes, scopeRefused: gmailScopeRefused, throttled: gmailThrottled }, options);

  async function json(response: Response, doing: string, maxBytes = maxErrorAnswer): Promise<Record<string, unknown>> {
    if (!response.ok) throw await failure(response, doing);
    const body = await readJson(response, maxBytes, service);
    if (!isRecord(body)) throw new CachetError('mail/server-error', `Gmail's answer to ${doing} is not what its API documents`);
    return body;
  }

  /** users.messages.list with Gmail's rfc822msgid: search operator. */
  async function findByMessageId(messageId: string): Promise<{ id: string; threadId: string } | undefined> {
    const url = new URL(`${api}/messages`);
    url.searchParams.set('q', `rfc822msgid:${messageId}`);
    url.searchParams.set('maxResults', '1');
    url.searchParams.set('includeSpamTrash', 'true');
    const body = await json(await call([gmailScopes.read], url.href, { method: 'GET' }), 'look the message up');
    const first: unknown = Array.isArray(body['messages']) ? body['messages'][0] : undefined;
    if (!isRecord(first) || typeof first['id'] !== 'string' || typeof first['threadId'] !== 'string') return undefined;
    return { id: first['id'], threadId: first['threadId'] };
  }

  /** The conversation of the message this one replies to, if Gmail holds it. */
  async function threadOf(message: Uint8Array): Promise<string | undefined> {
    // The nearest few are enough: a reply's In-Reply-To, then the last References.
    for (const id of repliedMessageIds(topHeaderFields(message)).slice(0, 3)) {
      const found = await findByMessageId(id);
      if (found !== undefined) return found.threadId;
    }
    return undefined;
  }

  async function getRaw(id: string): Promise<Uint8Array> {
    const url = `${api}/messages/${encodeURIComponent(id)}?format=raw`;
    const body = await json(await call([gmailScopes.read], url, { method: 'GET' }), 'give the message', maxJsonAnswer);
    if (typeof body['raw'] !== 'string') throw new CachetError('mail/server-error', 'Gmail gave the message without its raw source');
    try {
      return fromBase64Url(body['raw']);
    } catch {
      throw new CachetError('mail/server-error', 'Gmail gave a raw source that is not base64url');
    }
  }

  async function sendSimple(message: Uint8Array, threadId: string | undefined): Promise<void> {
    const response = await call([gmailScopes.send], `${api}/messages/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ raw: toBase64Url(message), ...(threadId !== undefined ? { threadId } : {}) }),
    });
    await json(response, 'send the message');
  }

  /** Google's resumable upload: a session with the metadata, then the bytes, resumed where a break left them. */
  async function sendResumable(message: Uint8Array, threadId: string | undefined): Promise<void> {
    const start = await call([gmailScopes.send], `${base}/upload/gmail/v1/users/me/messages/send?uploadType=resumable`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'X-Upload-Content-Type': 'message/rfc822',
        'X-Upload-Content-Length': String(message.length),
      },
      body: JSON.stringify(threadId !== undefined ? { threadId } : {}),
    });
    if (!start.ok) throw await failure(start, 'start the upload');
    await start.body?.cancel();
    const location = start.headers.get('location');
    let session: URL;
    try {
      session = new URL(location ?? '', base);
    } catch {
      throw new CachetError('mail/server-error', 'Gmail started the upload without saying where to send the message');
    }
    // The token goes with the bytes: only to the API's own origin.
    if (location === null || session.origin !== new URL(base).origin) throw new CachetError('mail/server-error', 'Gmail named an upload address elsewhere than its API');
    let from = 0;
    for (let resumes = 0; ; resumes++) {
      let response: Response | undefined;
      try {
        response = await call([gmailScopes.send], session.href, {
          method: 'PUT',
          headers: {
            'Content-Type': 'message/rfc822',
            ...(from > 0 ? { 'Content-Range': `bytes ${from}-${message.length - 1}/${message.length}` } : {}),
          },
          body: bytesBody(message.subarray(from)),
        }, uploadTimeoutMs);
      } catch (error) {
        if (!(error instanceof CachetError) || error.code !== 'mail/unreachable' || resumes >= maxResumes) throw error;
      }
      if (response?.ok) {
        await json(response, 'send the message');
        return;
      }
      if (response !== undefined && response.status < 500 && response.status !== 308) throw await failure(response, 'take the message');
      await response?.body?.cancel();
      if (resumes >= maxResumes) throw new CachetError('mail/server-error', 'Gmail kept breaking off the upload; nothing was sent');
      from = await uploadedSoFar(session.href, message.length);
      if (from === message.length) return;
    }
  }

  /** Asks the session how much arrived: 308 with Range bytes=0-N, or done already. */
  async function uploadedSoFar(session: string, total: number): Promise<number> {
    const response = await call([gmailScopes.send], session, { method: 'PUT', headers: { 'Content-Range': `bytes */${total}` }, body: bytesBody(new Uint8Array(0)) });
    if (response.ok) {
      await json(response, 'send the message');
      return total;
    }
    await response.body?.cancel();
    if (response.status !== 308) throw new CachetError('mail/server-error', `Gmail lost the upload (HTTP ${response.status}); nothing was sent`);
    const range = /^bytes=0-(\d+)$/.exec(response.headers.get('range') ?? '');
    return range ? Number(range[1]) + 1 : 0;
  }

  return {
    async submit(_site, built, envelope) {
      const message = withBlindRecipients(built, envelope);
      if (message.length > gmailMaxMessage) {
        throw new CachetError('mail/too-large', `the message is ${(message.length / 1048576).toFixed(1)} MiB; the Gmail API takes at most 35 MB`);
      }
      const threadId = await threadOf(message);
      if (message.length <= gmailSimpleLimit) await sendSimple(message, threadId);
      else await sendResumable(message, threadId);
      return { accepted: [...envelope.to], rejected: [], savedToSent: true };
    },
    async fetchByMessageId(_site, messageId) {
      const bare = bareMessageId(messageId);
      if (bare === undefined) throw new CachetError('input/invalid', 'that is not a Message-ID');
      const found = await findByMessageId(bare);
      if (found === undefined) throw new CachetError('mail/not-found', `Gmail holds no message with the Message-ID <${bare}>`);
      return getRaw(found.id);
    },
    fetchByProviderId(_site, id) {
      if (!providerId.test(id)) return Promise.reject(new CachetError('input/invalid', 'that is not a Gmail message id'));
      return getRaw(id);
    },
  };
}
