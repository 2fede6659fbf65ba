/**
 * The Gmail API on loopback, as its reference documents it: users.messages.send on the
 * metadata URI (JSON with base64url `raw` and `threadId`) and on the /upload URI (simple
 * `uploadType=media` and the resumable protocol with its session URI and 308 answers),
 * users.messages.list with the rfc822msgid: search operator, users.messages.get with
 * format=raw, Google's JSON error bodies, scopes checked per method, and faults queued
 * by tests (429 with Retry-After, quota 403s).
 */
import { randomBytes } from 'node:crypto';
import { gmailScopes } from '../../../background/oauth/oauth-providers';
import { bearerOf, startLoopback, type Loopback, type LoopbackOptions, type Received, type Reply } from './loopback-http';
import { tokenCheck, type OAuthServer } from './oauth-server';

export interface StoredMessage {
  readonly id: string;
  readonly threadId: string;
  readonly raw: Buffer;
  readonly labelIds: readonly string[];
  /** How it arrived: the metadata URI, or an upload type. */
  readonly via: 'json' | 'media' | 'resumable';
}

export interface GmailServer {
  readonly loopback: Loopback;
  readonly origin: string;
  readonly messages: StoredMessage[];
  /** Answers given instead of the next requests, in order. */
  readonly faults: Reply[];
  /** Breaks the next resumable PUT off after this many bytes, as a dropped connection would. */
  breakUploadAfter: number | undefined;
  close(): Promise<void>;
}

/** messages.send: "Maximum file size: 35MB". */
const maxUpload = 35 * 1024 * 1024;
/** Google front ends refuse metadata requests far beyond the simple-upload size. */
const maxJsonBody = 8 * 1024 * 1024;

const sendScopes = [gmailScopes.send, 'https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'];
const readScopes = [gmailScopes.read, 'https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'];

function googleError(code: number, status: string, message: string, reason: string, extra: Record<string, string> = {}): Reply {
  return {
    status: code,
    headers: extra,
    body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
  };
}

const unauthenticated = () => googleError(401, 'UNAUTHENTICATED',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError',
  { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' });

function insufficientScope(): Reply {
  const reply = googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions',
    { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/gmail.send"' });
  const body = reply.body as { error: Record<string, unknown> };
  body.error['details'] = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' }];
  return reply;
}

function messageIdOf(raw: Buffer): string | undefined {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  return /^message-id:\s*<([^>]+)>/im.exec(head)?.[1];
}

export async function startGmailServer(oauth: OAuthServer, options: LoopbackOptions = {}): Promise<GmailServer> {
  const messages: StoredMessage[] = [];
  const sessions = new Map<string, { length: number; threadId: string | undefined; received: Buffer }>();
  const faults: Reply[] = [];
  const state = { breakUploadAfter: undefined as number | undefined };

  function allowed(request: Received, scopes: readonly string[]): Reply | undefined {
    const token = tokenCheck(oauth, bearerOf(request));
    if (token === 'invalid') return unauthenticated();
    return token.scopes.some((s) => scopes.includes(s)) ? undefined : insufficientScope();
  }

  function store(raw: Buffer, threadId: string | undefined, via: StoredMessage['via']): Reply {
    if (raw.length === 0) return googleError(400, 'INVALID_ARGUMENT', "'raw' RFC822 payload message string or uploading message via /upload/* URL required", 'invalidArgument');
    if (threadId !== undefined && !messages.some((m) => m.threadId === threadId)) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound');
    const id = randomBytes(8).toString('hex');
    const message = { id, threadId: threadId ?? id, raw, labelIds: ['SENT'], via };
    messages.push(message);
    return { status: 200, body: { id, threadId: message.threadId, labelIds: message.labelIds } };
  }

  const route = (request: Received): Reply => {
    const fault = faults.shift();
    if (fault !== undefined) return fault;
    const path = request.url.pathname;
    const q = request.url.searchParams;
    if (path === '/gmail/v1/users/me/messages/send' && request.method === 'POST') {
      const refused = allowed(request, sendScopes);
      if (refused) return refused;
      if (request.body.length > maxJsonBody) return googleError(413, 'INVALID_ARGUMENT', 'Request payload size exceeds the limit: 8388608 bytes.', 'badRequest');
      const body = JSON.parse(request.body.toString('utf8')) as { raw?: string; threadId?: string };
      return store(Buffer.from(body.raw ?? '', 'base64url'), body.threadId, 'json');
    }
    if (path === '/upload/gmail/v1/users/me/messages/send' && request.method === 'POST') {
      const refused = allowed(request, sendScopes);
      if (refused) return refused;
      if (q.get('uploadType') === 'media') {
        if (!/^message\//.test(request.headers['content-type'] ?? '')) return googleError(400, 'INVALID_ARGUMENT', 'Media type not accepted', 'badContent');
        if (request.body.length > maxUpload) return googleError(413, 'INVALID_ARGUMENT', 'Media is too large', 'uploadTooLarge');
        return store(request.body, undefined, 'media');
      }
      if (q.get('uploadType') === 'resumable') {
        const length = Number(request.headers['x-upload-content-length']);
        if (!/^message\//.test(String(request.headers['x-upload-content-type']))) return googleError(400, 'INVALID_ARGUMENT', 'Media type not accepted', 'badContent');
        if (length > maxUpload) return googleError(413, 'INVALID_ARGUMENT', 'Media is too large', 'uploadTooLarge');
        const metadata = request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as { threadId?: string }) : {};
        const id = randomBytes(12).toString('base64url');
        sessions.set(id, { length, threadId: metadata.threadId, received: Buffer.alloc(0) });
        return { status: 200, headers: { Location: `${request.url.origin}/upload/gmail/v1/users/me/messages/send?uploadType=resumable&upload_id=${id}`, 'X-GUploader-UploadID': id } };
      }
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid upload type', 'invalid');
    }
    if (path === '/upload/gmail/v1/users/me/messages/send' && request.method === 'PUT') {
      const session = sessions.get(q.get('upload_id') ?? '');
      if (session === undefined) return googleError(404, 'NOT_FOUND', 'No such upload session', 'notFound');
      const range = request.headers['content-range'];
      const status = /^bytes \*\/(\d+)$/.exec(range ?? '');
      const partial = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range ?? '');
      if (status === null) {
        const start = partial ? Number(partial[1]) : 0;
        if (start !== session.received.length) return googleError(400, 'INVALID_ARGUMENT', 'Invalid Content-Range', 'badRequest');
        let chunk = request.body;
        if (state.breakUploadAfter !== undefined) {
          chunk = chunk.subarray(0, state.breakUploadAfter);
          state.breakUploadAfter = undefined;
          session.received = Buffer.concat([session.received, chunk]);
          return { status: 503, body: 'upstream connect error' };
        }
        session.received = Buffer.concat([session.received, chunk]);
      }
      if (session.received.length < session.length) {
        return { status: 308, headers: session.received.length > 0 ? { Range: `bytes=0-${session.received.length - 1}` } : {} };
      }
      sessions.delete(q.get('upload_id') ?? '');
      return store(session.received, session.threadId, 'resumable');
    }
    if (path === '/gmail/v1/users/me/messages' && request.method === 'GET') {
      const refused = allowed(request, readScopes);
      if (refused) return refused;
      const wanted = /^rfc822msgid:(.+)$/.exec(q.get('q') ?? '')?.[1]?.replace(/^<|>$/g, '');
      const found = messages.filter((m) => wanted === undefined || messageIdOf(m.raw) === wanted).slice(0, Number(q.get('maxResults') ?? '100'));
      return { status: 200, body: found.length > 0 ? { messages: found.map((m) => ({ id: m.id, threadId: m.threadId })), resultSizeEstimate: found.length } : { resultSizeEstimate: 0 } };
    }
    const get = /^\/gmail\/v1\/users\/me\/messages\/([0-9a-f]+)$/.exec(path);
    if (get && request.method === 'GET') {
      const refused = allowed(request, readScopes);
      if (refused) return refused;
      const message = messages.find((m) => m.id === get[1]);
      if (message === undefined) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound');
      if (q.get('format') !== 'raw') return googleError(400, 'INVALID_ARGUMENT', 'only format=raw here', 'invalidArgument');
      return { status: 200, body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds, sizeEstimate: message.raw.length, raw: message.raw.toString('base64url') } };
    }
    return googleError(404, 'NOT_FOUND', 'Not Found', 'notFound');
  };

  const loopback = await startLoopback(route, options);
  return Object.assign(state, { loopback, origin: loopback.origin, messages, faults, close: () => loopback.close() });
}
