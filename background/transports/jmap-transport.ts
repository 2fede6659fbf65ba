/**
 * JMAP as a transport (RFC 8620 core, RFC 8621 mail): the message is uploaded as a blob
 * unchanged, imported into the mailbox whose role is "sent" (Email/import), and submitted
 * with Cachet's own envelope (EmailSubmission/set), so Bcc recipients are reached though
 * no header names them. Fetching finds a message by its Message-ID header (Email/query)
 * or its Email id and downloads its blob, the message as the server holds it.
 */
import { CachetError, isCachetError } from '../../src/errors';
import type { SiteTransportPolicy } from '../../src/policy';
import { jmapServiceOrigin } from '../../src/policy/host-permissions';
import { MAX_FETCHED_MESSAGE_BYTES } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import type { PolicyStore } from '../policy-store';
import { apiRequest, bytesBody, isRecord, readBounded, readJson, type ApiRequestOptions } from './api-request';
import type { JmapCredentials, JmapLogin } from './jmap-credentials';
import { expandTemplate, jmapCapabilities, parseSession, sessionResourceUrl, type JmapSession } from './jmap-session';
import { bareMessageId } from './message-headers';
import type { MailTransport } from './transport';

export interface JmapTransportOptions extends ApiRequestOptions {
  readonly policy: PolicyStore;
  readonly credentials: JmapCredentials;
  /**
   * Whether the browser lets Cachet reach a server's origin (its host permission): without
   * it a JMAP server that sends no CORS headers fails with a bare "Failed to fetch".
   */
  readonly mayReach?: (origin: string) => Promise<boolean>;
}

const service = 'the JMAP server';
const maxJsonAnswer = 4 * 1024 * 1024;
const timeoutMs = 60_000;
const uploadTimeoutMs = 10 * 60_000;
/** Wrong passwords asked again before giving up; the user can always cancel. */
const maxLoginTries = 3;
const emailIdForm = /^[A-Za-z0-9_-]{1,255}$/;

type MethodCall = readonly [string, Record<string, unknown>, string];

interface Connection {
  readonly site: SiteTransportPolicy & { readonly jmapUrl: string };
  readonly login: JmapLogin;
  readonly session: JmapSession;
}

/** RFC 8620 §3.6.2 method errors and §5.3 SetError types, as people read them. */
function setErrorOf(error: unknown, doing: string): CachetError {
  const type = isRecord(error) && typeof error['type'] === 'string' ? error['type'] : 'unknown';
  const description = isRecord(error) && typeof error['description'] === 'string' ? `: ${error['description'].slice(0, 300)}` : '';
  if (type === 'tooLarge') return new CachetError('mail/too-large', `the JMAP server refused the message as too large${description}`);
  if (type === 'invalidRecipients' || type === 'noRecipients' || type === 'tooManyRecipients') {
    const list = isRecord(error) && Array.isArray(error['invalidRecipients']) ? ` (${(error['invalidRecipients'] as unknown[]).filter((a) => typeof a === 'string').join(', ')})` : '';
    return new CachetError('mail/recipients-refused', `the JMAP server refused the recipients${list}${description}; nothing was sent`);
  }
  if (type === 'forbiddenFrom' || type === 'forbiddenMailFrom') return new CachetError('mail/server-error', `the JMAP server does not let you send from this address${description}`);
  if (type === 'forbiddenToSend') return new CachetError('mail/server-error', `the JMAP server does not let this account send mail now${description}`);
  if (type === 'overQuota') return new CachetError('mail/server-error', `the mailbox is full${description}`);
  return new CachetError('mail/server-error', `the JMAP server could not ${doing} (${type}${description})`);
}

export function createJmapTransport(options: JmapTransportOptions): MailTransport {
  const sessions = new Map<string, JmapSession>();

  async function siteOf(site: string): Promise<Connection['site']> {
    const entry = (await options.policy.current()).siteTransports.find((s) => s.origin === site);
    if (entry?.jmapUrl == null) throw new CachetError('mail/no-account', `no JMAP server is set up for ${site}: add it under "Sending and fetching" in Cachet's options`);
    return { ...entry, jmapUrl: entry.jmapUrl };
  }

  function authorization(login: JmapLogin): string {
    return `Basic ${bytesToBase64(new TextEncoder().encode(`${login.user}:${login.password}`))}`;
  }

  async function send(login: JmapLogin, url: string, init: RequestInit & { headers?: Record<string, string> }, timeout = timeoutMs): Promise<Response> {
    const response = await apiRequest({
      service, url, timeoutMs: timeout,
      init: { ...init, headers: { ...init.headers, Authorization: authorization(login) }, credentials: 'omit', cache: 'no-store' },
    }, options);
    if (response.status === 401) {
      await response.body?.cancel();
      throw new CachetError('mail/auth-failed', 'the JMAP server did not accept the user name and password');
    }
    return response;
  }

  async function loadSession(site: Connection['site'], login: JmapLogin): Promise<JmapSession> {
    const response = await send(login, sessionResourceUrl(site.jmapUrl), { method: 'GET', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new CachetError('mail/server-error', `the JMAP server's session resource answered HTTP ${response.status}`);
    // Relative URLs in it are relative to where the resource was found, after redirects.
    const finalUrl = response.url !== '' ? response.url : sessionResourceUrl(site.jmapUrl);
    return parseSession(await readJson(response, maxJsonAnswer, service), finalUrl);
  }

  /** Runs `work` with a login and session; a refused login is asked again, within bounds. */
  async function connected<T>(siteName: string, work: (c: Connection) => Promise<T>): Promise<T> {
    const site = await siteOf(siteName);
    // Said before a password is asked for: no login could get through.
    const server = jmapServiceOrigin(site);
    if (server !== undefined && options.mayReach !== undefined && !(await options.mayReach(server))) {
      throw new CachetError('runtime/forbidden', `Cachet has no permission to reach the JMAP server at ${new URL(server).host}: open Cachet's toolbar menu on ${siteName} and choose "Allow access"`);
    }
    let failed = false;
    for (let tries = 0; ; tries++) {
      const login = await options.credentials.login(siteName, site.jmapUser, failed);
      try {
        const key = `${siteName} ${site.jmapUrl} ${login.user}`;
        let session = sessions.get(key);
        if (session === undefined) {
          session = await loadSession(site, login);
          sessions.set(key, session);
        }
        return await work({ site, login, session });
      } catch (error) {
        if (!isCachetError(error) || error.code !== 'mail/auth-failed' || tries + 1 >= maxLoginTries) throw error;
        failed = true;
      }
    }
  }

  /** One API request (RFC 8620 §3.3); each answer by its call id, method errors thrown. */
  async function api(c: Connection, using: readonly string[], calls: readonly MethodCall[], doing: string): Promise<Map<string, Record<string, unknown>>> {
    const response = await send(c.login, c.session.apiUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ using, methodCalls: calls }),
    });
    const body = await readJson(response, maxJsonAnswer, service);
    if (!response.ok) {
      // §3.6.1: request-level errors are RFC 7807 problem details.
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      const detail = isRecord(body) ? `${text(body['type'])} ${text(body['detail'])}`.trim().slice(0, 300) : '';
      throw new CachetError('mail/server-error', `the JMAP server refused to ${doing} (HTTP ${response.status}${detail ? `: ${detail}` : ''})`);
    }
    const answers = isRecord(body) && Array.isArray(body['methodResponses']) ? (body['methodResponses'] as unknown[]) : undefined;
    if (answers === undefined) throw new CachetError('mail/server-error', `the JMAP server's answer to ${doing} is not what RFC 8620 describes`);
    const out = new Map<string, Record<string, unknown>>();
    for (const answer of answers) {
      if (!Array.isArray(answer) || answer.length !== 3 || typeof answer[0] !== 'string' || !isRecord(answer[1]) || typeof answer[2] !== 'string') continue;
      if (answer[0] === 'error') throw setErrorOf(answer[1], doing);
      out.set(answer[2], answer[1]);
    }
    for (const [, , id] of calls) if (!out.has(id)) throw new CachetError('mail/server-error', `the JMAP server left a call unanswered while trying to ${doing}`);
    return out;
  }

  async function upload(c: Connection, accountId: string, message: Uint8Array): Promise<string> {
    const url = expandTemplate(c.session.uploadUrl, { accountId });
    const response = await send(c.login, url, { method: 'POST', headers: { 'Content-Type': 'message/rfc822' }, body: bytesBody(message) }, uploadTimeoutMs);
    if (response.status === 413) throw new CachetError('mail/too-large', 'the JMAP server refused the message as too large');
    if (!response.ok) throw new CachetError('mail/server-error', `the JMAP server refused the upload (HTTP ${response.status})`);
    const body = await readJson(response, maxJsonAnswer, service);
    if (!isRecord(body) || typeof body['blobId'] !== 'string') throw new CachetError('mail/server-error', 'the JMAP server\'s upload answer names no blob');
    // §6.1: the size it stored; anything else is not the message Cachet built.
    if (body['size'] !== message.length) throw new CachetError('mail/server-error', `the JMAP server stored ${String(body['size'])} bytes of a ${message.length}-byte message; nothing was sent`);
    return body['blobId'];
  }

  async function download(c: Connection, blobId: string): Promise<Uint8Array> {
    const url = expandTemplate(c.session.downloadUrl, { accountId: c.session.mailAccountId, blobId, type: 'message/rfc822', name: 'message.eml' });
    const response = await send(c.login, url, { method: 'GET' });
    if (response.status === 404) throw new CachetError('mail/not-found', 'the JMAP server no longer has that message');
    if (!response.ok) throw new CachetError('mail/server-error', `the JMAP server refused the download (HTTP ${response.status})`);
    const bytes = await readBounded(response, MAX_FETCHED_MESSAGE_BYTES, service);
    if (bytes.length === 0) throw new CachetError('mail/server-error', 'the JMAP server gave an empty message');
    return bytes;
  }

  function blobOf(list: Record<string, unknown> | undefined, what: string): string {
    const first: unknown = list !== undefined && Array.isArray(list['list']) ? list['list'][0] : undefined;
    if (!isRecord(first) || typeof first['blobId'] !== 'string') throw new CachetError('mail/not-found', `the JMAP server holds no message ${what}`);
    return first['blobId'];
  }

  /** The identity to submit as: the one with the From address, a wildcard of its domain, or the only one. */
  function identityFor(list: unknown, from: string): string {
    const identities = (Array.isArray(list) ? list : []).filter(isRecord)
      .filter((i): i is Record<string, unknown> & { id: string } => typeof i['id'] === 'string');
    const address = from.toLowerCase();
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const email = (i: Record<string, unknown>) => (typeof i['email'] === 'string' ? i['email'].toLowerCase() : '');
    const chosen = identities.find((i) => email(i) === address) ?? identities.find((i) => email(i) === `*@${domain}`)
      ?? (identities.length === 1 ? identities[0] : undefined);
    if (chosen === undefined) throw new CachetError('mail/server-error', `the JMAP account has no identity that sends as ${from}`);
    return chosen.id;
  }

  const mailUsing = [jmapCapabilities.core, jmapCapabilities.mail];
  const submitUsing = [...mailUsing, jmapCapabilities.submission];

  return {
    submit(siteName, message, envelope) {
      return connected(siteName, async (c) => {
        const { mailAccountId: accountId, submissionAccountId } = c.session;
        if (submissionAccountId === undefined) throw new CachetError('mail/server-error', 'the JMAP server does not let this account submit mail (urn:ietf:params:jmap:submission)');
        if (message.length > c.session.maxSizeUpload) throw new CachetError('mail/too-large', `the message is larger than the JMAP server takes (${c.session.maxSizeUpload} bytes)`);
        const blobId = await upload(c, accountId, message);
        const found = await api(c, submitUsing, [
          ['Mailbox/query', { accountId, filter: { role: 'sent' } }, 'sent'],
          ['Identity/get', { accountId: submissionAccountId }, 'identities'],
        ], 'find the Sent mailbox');
        const sent: unknown = found.get('sent')?.['ids'];
        const sentId: unknown = Array.isArray(sent) ? sent[0] : undefined;
        if (typeof sentId !== 'string') throw new CachetError('mail/server-error', 'the JMAP account has no mailbox with the role "sent"');
        const identityId = identityFor(found.get('identities')?.['list'], envelope.from);
        const imported = (await api(c, mailUsing, [
          ['Email/import', { accountId, emails: { sent: { blobId, mailboxIds: { [sentId]: true }, keywords: { $seen: true } } } }, 'import'],
        ], 'keep the message in Sent')).get('import');
        const created: unknown = isRecord(imported?.['created']) ? imported['created']['sent'] : undefined;
        if (!isRecord(created) || typeof created['id'] !== 'string') {
          throw setErrorOf(isRecord(imported?.['notCreated']) ? imported['notCreated']['sent'] : undefined, 'keep the message in Sent');
        }
        const emailId = created['id'];
        const submitted = (await api(c, submitUsing, [
          ['EmailSubmission/set', {
            accountId: submissionAccountId,
            create: {
              send: {
                identityId,
                emailId,
                envelope: { mailFrom: { email: envelope.from, parameters: null }, rcptTo: envelope.to.map((email) => ({ email, parameters: null })) },
              },
            },
          }, 'submit'],
        ], 'send the message')).get('submit');
        if (!isRecord(submitted?.['created']) || !isRecord(submitted['created']['send'])) {
          const refusal = setErrorOf(isRecord(submitted?.['notCreated']) ? submitted['notCreated']['send'] : undefined, 'send the message');
          // Nothing went out, so no copy may suggest it did.
          await api(c, mailUsing, [['Email/set', { accountId, destroy: [emailId] }, 'undo']], 'remove the unsent copy').catch(() => undefined);
          throw refusal;
        }
        return { accepted: [...envelope.to], rejected: [], savedToSent: true };
      });
    },
    fetchByMessageId(siteName, messageId) {
      const bare = bareMessageId(messageId);
      if (bare === undefined) return Promise.reject(new CachetError('input/invalid', 'that is not a Message-ID'));
      return connected(siteName, async (c) => {
        const accountId = c.session.mailAccountId;
        const answers = await api(c, mailUsing, [
          ['Email/query', { accountId, filter: { header: ['Message-ID', `<${bare}>`] }, limit: 1 }, 'query'],
          ['Email/get', { accountId, '#ids': { resultOf: 'query', name: 'Email/query', path: '/ids' }, properties: ['blobId', 'size'] }, 'get'],
        ], 'find the message');
        return download(c, blobOf(answers.get('get'), `with the Message-ID <${bare}>`));
      });
    },
    fetchByProviderId(siteName, id) {
      if (!emailIdForm.test(id)) return Promise.reject(new CachetError('input/invalid', 'that is not a JMAP Email id'));
      return connected(siteName, async (c) => {
        const accountId = c.session.mailAccountId;
        const answers = await api(c, mailUsing, [['Email/get', { accountId, ids: [id], properties: ['blobId', 'size'] }, 'get']], 'find the message');
        return download(c, blobOf(answers.get('get'), `with the id ${id}`));
      });
    },
  };
}
