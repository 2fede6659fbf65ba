/**
 * Microsoft Graph on loopback as its v1.0 reference documents the mail calls Cachet makes:
 * POST /me/sendMail with a base64 MIME body in text/plain (202 Accepted, the copy in Sent
 * Items), GET /me/messages with $filter on internetMessageId, GET /me/messages/{id}/$value,
 * the 4 MB request limit, Graph's error bodies ({ error: { code, message, innerError } }),
 * Mail.Send and Mail.Read checked per call, and faults queued by tests.
 */
import { randomBytes } from 'node:crypto';
import { graphScopes } from '../../../background/oauth/oauth-providers';
import { bearerOf, startLoopback, type Loopback, type LoopbackOptions, type Received, type Reply } from './loopback-http';
import { tokenCheck, type OAuthServer } from './oauth-server';

export interface GraphServer {
  readonly loopback: Loopback;
  readonly origin: string;
  /** Sent Items: the MIME Graph was given, decoded. */
  readonly sent: { id: string; mime: Buffer }[];
  readonly faults: Reply[];
  close(): Promise<void>;
}

const maxRequest = 4 * 1024 * 1024;

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers,
    body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomBytes(8).toString('hex'), 'client-request-id': randomBytes(8).toString('hex') } } },
  };
}

function internetMessageId(mime: Buffer): string | undefined {
  const head = mime.subarray(0, Math.max(0, mime.indexOf('\r\n\r\n'))).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  return /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1];
}

export async function startGraphServer(oauth: OAuthServer, options: LoopbackOptions = {}): Promise<GraphServer> {
  const sent: GraphServer['sent'] = [];
  const faults: Reply[] = [];

  function allowed(request: Received, scope: string): Reply | undefined {
    const token = tokenCheck(oauth, bearerOf(request));
    if (token === 'invalid') return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    const has = token.scopes.some((s) => s.toLowerCase() === scope.toLowerCase() || (scope === graphScopes.read && /Mail\.ReadWrite$/i.test(s)));
    return has ? undefined : graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }

  const loopback = await startLoopback((request) => {
    const fault = faults.shift();
    if (fault !== undefined) return fault;
    const path = request.url.pathname;
    if (path === '/v1.0/me/sendMail' && request.method === 'POST') {
      const refused = allowed(request, graphScopes.send);
      if (refused) return refused;
      if (request.body.length > maxRequest) return graphError(413, 'RequestEntityTooLarge', 'The request is larger than 4 MB.');
      if (!/^text\/plain\b/.test(request.headers['content-type'] ?? '')) return graphError(400, 'ErrorInvalidRequest', 'JSON or base64 MIME in text/plain expected.');
      const text = request.body.toString('latin1').trim();
      if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(text)) return graphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
      const mime = Buffer.from(text, 'base64');
      if (internetMessageId(mime) === undefined || !/^(to|cc|bcc):/im.test(mime.subarray(0, mime.indexOf('\r\n\r\n')).toString('latin1'))) {
        return graphError(400, 'ErrorMimeContentInvalid', 'The MIME content is invalid.');
      }
      sent.push({ id: `AAMkAD${randomBytes(24).toString('base64url')}=`, mime });
      return { status: 202 };
    }
    if (path === '/v1.0/me/messages' && request.method === 'GET') {
      const refused = allowed(request, graphScopes.read);
      if (refused) return refused;
      const filter = /^internetMessageId eq '((?:[^']|'')*)'$/.exec(request.url.searchParams.get('$filter') ?? '');
      if (filter === null) return graphError(400, 'BadRequest', 'Invalid filter clause');
      const wanted = filter[1]?.replace(/''/g, "'");
      const found = sent.filter((m) => internetMessageId(m.mime) === wanted).slice(0, Number(request.url.searchParams.get('$top') ?? '10'));
      return { status: 200, body: { '@odata.context': `${request.url.origin}/v1.0/$metadata#users('me')/messages(id)`, value: found.map((m) => ({ '@odata.etag': 'W/"1"', id: m.id })) } };
    }
    const value = /^\/v1\.0\/me\/messages\/([^/]+)\/\$value$/.exec(path);
    if (value && request.method === 'GET') {
      const refused = allowed(request, graphScopes.read);
      if (refused) return refused;
      const message = sent.find((m) => m.id === decodeURIComponent(value[1] ?? ''));
      if (message === undefined) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: message.mime };
    }
    return graphError(404, 'UnknownError', 'Not found');
  }, options);
  return { loopback, origin: loopback.origin, sent, faults, close: () => loopback.close() };
}
