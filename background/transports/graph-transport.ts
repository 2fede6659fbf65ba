/**
 * Microsoft Graph as a transport (Outlook on the web, Outlook.com, Exchange Online):
 * `POST /me/sendMail` with the MIME message as base64 in a text/plain body, the form
 * Graph documents for sending MIME and S/MIME as built, and Exchange files the copy in
 * Sent Items; `GET /me/messages/{id}/$value` fetches a message's MIME source.
 *
 * Graph takes at most 4 MB in one request, and the base64 body is a third larger than
 * the message, so about 3 MB of message. A larger message cannot go through sendMail
 * as MIME; Graph's way for large mail (a draft, then attachments through an upload
 * session, up to 150 MB) builds the message anew from parts and would not send the bytes
 * Cachet signed, so it is refused with a clear error instead.
 */
import { CachetError } from '../../src/errors';
import { MAX_FETCHED_MESSAGE_BYTES } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { graphScopes } from '../oauth/oauth-providers';
import type { OAuthTokens } from '../oauth/oauth-tokens';
import { isRecord, readBounded, readJson, type ApiRequestOptions } from './api-request';
import { bareMessageId, withBlindRecipients } from './message-headers';
import { oauthRequest, type OAuthApiCall } from './oauth-api';
import type { MailTransport } from './transport';

export interface GraphTransportOptions extends ApiRequestOptions {
  readonly tokens: OAuthTokens;
  /** https://graph.microsoft.com/v1.0; tests give a loopback server. */
  readonly apiBase?: string;
}

const service = 'Microsoft Graph';
/** Graph's request size limit: 4 MB per request. */
export const graphMaxRequest = 4 * 1024 * 1024;
const maxJsonAnswer = 256 * 1024;
const timeoutMs = 60_000;
const sendTimeoutMs = 5 * 60_000;
/** Graph's REST ids are URL-safe base64; Outlook's EWS form uses "/" and "+" and is not accepted here. */
const restId = /^[A-Za-z0-9=_-]{1,512}$/;

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = await readJson(response, maxJsonAnswer, service).catch(() => undefined);
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  return {
    code: typeof error['code'] === 'string' ? error['code'] : '',
    message: typeof error['message'] === 'string' ? error['message'].slice(0, 300) : response.statusText,
  };
}

/** Exchange answers a token without Mail.Send or Mail.Read with ErrorAccessDenied. */
async function graphScopeRefused(response: Response): Promise<boolean> {
  const { code } = await errorOf(response);
  return code === 'ErrorAccessDenied' || code === 'Authorization_RequestDenied' || code === 'AccessDenied';
}

async function failure(response: Response, doing: string): Promise<CachetError> {
  const { code, message } = await errorOf(response);
  const said = code === '' ? message : `${code}: ${message}`;
  if (response.status === 404 || code === 'ErrorItemNotFound') return new CachetError('mail/not-found', `Microsoft Graph has no such message (${said})`);
  if (response.status === 413 || /TooLarge|ExceededMaxSize|MessageSizeExceeded/i.test(code)) {
    return new CachetError('mail/too-large', `Microsoft Graph refused the message as too large (${said})`);
  }
  if (/Recipient/i.test(code)) return new CachetError('mail/recipients-refused', `Microsoft Graph refused the recipients (${said})`);
  return new CachetError('mail/server-error', `Microsoft Graph refused to ${doing} (HTTP ${response.status}: ${said})`);
}

/** An OData string literal: single quotes doubled (OData ABNF, SQUOTE-in-string). */
function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function createGraphTransport(options: GraphTransportOptions): MailTransport {
  const base = (options.apiBase ?? 'https://graph.microsoft.com/v1.0').replace(/\/$/, '');

  const call = (scopes: readonly string[], url: string, init: OAuthApiCall['init'], timeout = timeoutMs) =>
    oauthRequest(options.tokens, 'microsoft', { service, url, init, timeoutMs: timeout, scopes, scopeRefused: graphScopeRefused }, options);

  async function mimeOf(id: string): Promise<Uint8Array> {
    const response = await call([graphScopes.read], `${base}/me/messages/${encodeURIComponent(id)}/$value`, { method: 'GET' });
    if (!response.ok) throw await failure(response, 'give the message');
    const bytes = await readBounded(response, MAX_FETCHED_MESSAGE_BYTES, service);
    if (bytes.length === 0) throw new CachetError('mail/server-error', 'Microsoft Graph gave an empty message');
    return bytes;
  }

  return {
    async submit(_site, built, envelope) {
      const message = withBlindRecipients(built, envelope);
      const body = bytesToBase64(message);
      if (body.length > graphMaxRequest) {
        throw new CachetError('mail/too-large',
          `the message is ${(message.length / 1048576).toFixed(1)} MiB; Microsoft Graph takes a MIME message of at most about 3 MB (4 MB once base64-encoded). Send it through the mail server instead (siteTransports send: host-mail)`);
      }
      const response = await call([graphScopes.send], `${base}/me/sendMail`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body,
      }, sendTimeoutMs);
      if (response.status !== 202 && !response.ok) throw await failure(response, 'send the message');
      await response.body?.cancel();
      return { accepted: [...envelope.to], rejected: [], savedToSent: true };
    },
    async fetchByMessageId(_site, messageId) {
      const bare = bareMessageId(messageId);
      if (bare === undefined) throw new CachetError('input/invalid', 'that is not a Message-ID');
      // Spaces as %20: OData reads "+" in a query as a plus sign.
      const query = `$filter=${encodeURIComponent(`internetMessageId eq ${odataString(`<${bare}>`)}`)}&$select=id&$top=1`;
      const response = await call([graphScopes.read], `${base}/me/messages?${query}`, { method: 'GET' });
      if (!response.ok) throw await failure(response, 'look the message up');
      const answer = await readJson(response, maxJsonAnswer, service);
      const first: unknown = isRecord(answer) && Array.isArray(answer['value']) ? answer['value'][0] : undefined;
      if (!isRecord(first) || typeof first['id'] !== 'string' || !restId.test(first['id'])) {
        throw new CachetError('mail/not-found', `Microsoft Graph finds no message with the Message-ID <${bare}>`);
      }
      return mimeOf(first['id']);
    },
    fetchByProviderId(_site, id) {
      if (!restId.test(id)) {
        return Promise.reject(new CachetError('input/invalid', 'that is not a Microsoft Graph message id (an Exchange EWS id must be translated to its REST form first)'));
      }
      return mimeOf(id);
    },
  };
}
