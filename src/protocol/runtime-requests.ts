/**
 * Runtime validators for every request of the runtime map. The background runs them on
 * receipt, before any handler, because a content script lives next to a hostile page and
 * even our own pages may be fed odd input (DESIGN.md invariant 5).
 */
import { isBase64 } from '../mime/base64-form';
import { CachetError } from '../errors';
import { isMessageId } from '../mime/build-message';
import { isPolicyKey } from '../policy';
import { checkSecurityIndicator } from './security-indicator';
import type { ComposeAttachment, ComposeMode, ComposePrefill, ComposeRequest, OAuthProvider, ProviderMessage, Req, RuntimeCommand, TrustList } from './runtime';

type Fields = Record<string, unknown>;

function invalid(message: string): CachetError {
  return new CachetError('input/invalid', message);
}

function record(raw: unknown, allowed: readonly string[]): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('request must be an object');
  const fields = raw as Fields;
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw invalid(`unexpected field "${extra[0]?.slice(0, 40)}"`);
  return fields;
}

function text(fields: Fields, name: string, max: number, pattern?: RegExp | ((value: string) => boolean)): string {
  const v = fields[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(`${name} must be a string of 1 to ${max} characters`);
  if (pattern && !(typeof pattern === 'function' ? pattern(v) : pattern.test(v))) throw invalid(`${name} has an invalid form`);
  return v;
}

const base64 = isBase64;
const fingerprint = /^[0-9a-f]{64}$/;
/** Prompt ids come from the native host (NativeEvents 'pin/needed'); URL-safe by contract. */
const promptId = /^[A-Za-z0-9_-]{1,128}$/;
/** Imported certificate files are small; 4 MiB of base64 is far beyond any real bundle. */
const maxFileBase64 = 4 * 1024 * 1024;
/** A compose window has at most a few hundred recipients; more is abuse. */
const maxAddresses = 500;
/**
 * Messages travel as base64 in one runtime message. Chromium's runtime messages carry
 * up to 64 MiB of JSON; 48 MiB of base64 is a 36 MiB message, beyond what webmail sends.
 */
const maxMessageBase64 = 48 * 1024 * 1024;
const sessionId = /^[A-Za-z0-9_-]{1,128}$/;
const maxAttachments = 200;
/** A thread's References grow by one per reply; a few hundred is a very long thread. */
const maxReferences = 500;
/** Subjects and bodies as typed: generous bounds that only stop abuse. */
const maxSubject = 4096;
const maxBody = 32 * 1024 * 1024;

const empty = (raw: unknown): Record<string, never> => {
  record(raw ?? {}, []);
  return {};
};

function bool(fields: Fields, name: string): boolean {
  const v = fields[name];
  if (typeof v !== 'boolean') throw invalid(`${name} must be true or false`);
  return v;
}

/** A string that may be empty, bounded. */
function anyText(fields: Fields, name: string, max: number): string {
  const v = fields[name];
  if (typeof v !== 'string' || v.length > max) throw invalid(`${name} must be a string of at most ${max} characters`);
  return v;
}

function addressList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length > maxAddresses) throw invalid(`${name} must be a list of at most ${maxAddresses}`);
  return (value as unknown[]).map((a) => {
    if (typeof a !== 'string' || a.length === 0 || a.length > 320) throw invalid(`each address in ${name} must be a string of 1 to 320 characters`);
    return a;
  });
}

function attachment(raw: unknown): ComposeAttachment {
  const f = record(raw, ['fileName', 'mediaType', 'data']);
  return {
    fileName: text(f, 'fileName', 255),
    mediaType: text(f, 'mediaType', 255, /^[\w.+-]+\/[\w.+-]+$/),
    data: anyText(f, 'data', maxMessageBase64),
  };
}

function composeRequest(raw: unknown): ComposeRequest {
  const f = record(raw, ['identity', 'from', 'to', 'cc', 'bcc', 'subject', 'text', 'html', 'attachments', 'inReplyTo', 'references', 'sign', 'encrypt', 'encryptDespiteMissing']);
  const references = f['references'];
  if (references !== undefined && (!Array.isArray(references) || references.length > maxReferences)) throw invalid(`references must be a list of at most ${maxReferences}`);
  const attachments = f['attachments'];
  if (!Array.isArray(attachments) || attachments.length > maxAttachments) throw invalid(`attachments must be a list of at most ${maxAttachments}`);
  const list = (attachments as unknown[]).map(attachment);
  if (list.some((a) => !base64(a.data))) throw invalid('attachment data must be base64');
  return {
    ...(f['identity'] !== undefined ? { identity: text(f, 'identity', 512) } : {}),
    from: text(f, 'from', 320),
    to: addressList(f['to'], 'to'),
    cc: addressList(f['cc'], 'cc'),
    bcc: addressList(f['bcc'], 'bcc'),
    subject: anyText(f, 'subject', maxSubject),
    text: anyText(f, 'text', maxBody),
    ...(f['html'] !== undefined ? { html: anyText(f, 'html', maxBody) } : {}),
    attachments: list,
    ...(f['inReplyTo'] !== undefined ? { inReplyTo: messageId(f['inReplyTo'], 'inReplyTo') } : {}),
    ...(Array.isArray(references) ? { references: (references as unknown[]).map((r) => messageId(r, 'references')) } : {}),
    sign: bool(f, 'sign'),
    encrypt: bool(f, 'encrypt'),
    encryptDespiteMissing: bool(f, 'encryptDespiteMissing'),
  };
}

const slotId = /^[A-Za-z0-9_-]{1,64}$/;
/** A msg-id the message builder writes as it is (src/mime/build-message.ts). */
function messageId(raw: unknown, name: string): string {
  if (typeof raw !== 'string' || !isMessageId(raw)) throw invalid(`${name} must be a message id such as <id@example.org>`);
  return raw;
}
const composeModes: readonly ComposeMode[] = ['new', 'reply', 'forward', 'draft'];

function composeMode(raw: unknown): ComposeMode {
  if (typeof raw !== 'string' || !composeModes.includes(raw as ComposeMode)) throw invalid('mode must be new, reply, forward or draft');
  return raw as ComposeMode;
}

/** An http(s) URL; whose origin it may be of is the handler's decision, from the sender. */
function webUrl(fields: Fields, name: string): string {
  const value = text(fields, name, 8192);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${name} must be an http or https URL`);
  return url.href;
}

/** The webmail's form may hold anything; addresses are checked again when sending. */
function composePrefill(raw: unknown): ComposePrefill {
  const f = record(raw, ['from', 'to', 'cc', 'bcc', 'subject']);
  return {
    from: anyText(f, 'from', 998),
    to: addressList(f['to'], 'to'),
    cc: addressList(f['cc'], 'cc'),
    bcc: addressList(f['bcc'], 'bcc'),
    subject: anyText(f, 'subject', maxSubject),
  };
}

/**
 * Graph's message ids are URL-safe base64 of an Exchange entry id (about 150 characters);
 * 512 leaves room and stops abuse.
 */
const graphId = /^[A-Za-z0-9_-]+={0,2}$/;
/** The Gmail API's message ids are hexadecimal (the `data-legacy-message-id` of Gmail's page). */
const gmailId = /^[0-9a-f]{1,32}$/;

function providerMessage(raw: unknown): ProviderMessage {
  const f = record(raw, ['provider', 'id']);
  if (f['provider'] === 'graph') return { provider: 'graph', id: text(f, 'id', 512, graphId) };
  if (f['provider'] === 'gmail') return { provider: 'gmail', id: text(f, 'id', 32, gmailId) };
  throw invalid('provider must be graph or gmail');
}

/** The origin is normalised and judged by site-access.ts; here only its size and form. */
function siteRequest(raw: unknown): { origin: string } {
  return { origin: webUrl(record(raw, ['origin']), 'origin').replace(/\/$/, '') };
}

function trustList(fields: Fields): TrustList {
  const list = fields['list'];
  if (list !== 'trustedRoots' && list !== 'untrustedCertificates') throw invalid('list must be trustedRoots or untrustedCertificates');
  return list;
}

function oauthProvider(raw: unknown): { provider: OAuthProvider } {
  const provider = record(raw, ['provider'])['provider'];
  if (provider !== 'google' && provider !== 'microsoft') throw invalid('provider must be google or microsoft');
  return { provider };
}

const validators: { readonly [K in RuntimeCommand]: (raw: unknown) => Req<K> } = {
  'policy/get': empty,
  'policy/set-user': (raw) => {
    const f = record(raw, ['key', 'value']);
    const key = text(f, 'key', 64);
    if (!isPolicyKey(key)) throw invalid('key is not a policy key');
    // The value is checked against the key's own rules in the handler (src/policy).
    return { key, value: f['value'] };
  },
  'policy/reset-user': (raw) => {
    const key = text(record(raw, ['key']), 'key', 64);
    if (!isPolicyKey(key)) throw invalid('key is not a policy key');
    return { key };
  },
  'native/status': empty,
  'address-book/list': empty,
  'address-book/import': (raw) => {
    const f = record(raw, ['fileName', 'data']);
    return { fileName: text(f, 'fileName', 255), data: text(f, 'data', maxFileBase64, base64) };
  },
  'address-book/delete': (raw) => ({ fingerprint: text(record(raw, ['fingerprint']), 'fingerprint', 64, fingerprint) }),
  'address/status': (raw) => ({ addresses: addressList(record(raw, ['addresses'])['addresses'], 'addresses') }),
  'frame/open-reader': (raw) => {
    const f = record(raw, ['messageId', 'source', 'sourceUrl', 'provider']);
    const messageId = text(f, 'messageId', 512);
    const places = f['sourceUrl'] !== undefined || f['provider'] !== undefined;
    if (places === (f['source'] !== undefined)) throw invalid('give either source, or sourceUrl and/or provider');
    if (!places) return { messageId, source: text(f, 'source', maxMessageBase64, base64) };
    return {
      messageId,
      ...(f['sourceUrl'] !== undefined ? { sourceUrl: webUrl(f, 'sourceUrl') } : {}),
      ...(f['provider'] !== undefined ? { provider: providerMessage(f['provider']) } : {}),
    };
  },
  'frame/prefetch-source': (raw) => ({ sourceUrl: webUrl(record(raw, ['sourceUrl']), 'sourceUrl') }),
  'frame/open-compose': (raw) => {
    const f = record(raw, ['fields', 'mode', 'originalUrl', 'originalMessageId', 'originalProvider']);
    if (f['originalMessageId'] !== undefined && (f['originalUrl'] !== undefined || f['originalProvider'] !== undefined)) {
      throw invalid('give the original either by originalMessageId, or by originalUrl and/or originalProvider');
    }
    return {
      fields: composePrefill(f['fields']),
      mode: composeMode(f['mode']),
      ...(f['originalUrl'] !== undefined ? { originalUrl: webUrl(f, 'originalUrl') } : {}),
      ...(f['originalMessageId'] !== undefined ? { originalMessageId: messageId(f['originalMessageId'], 'originalMessageId') } : {}),
      ...(f['originalProvider'] !== undefined ? { originalProvider: providerMessage(f['originalProvider']) } : {}),
    };
  },
  'compose/open-frame': (raw) => ({ token: text(record(raw, ['token']), 'token', 128, sessionId) }),
  'compose/send': (raw) => {
    const f = record(raw, ['slot', 'message']);
    return { slot: text(f, 'slot', 64, slotId), message: composeRequest(f['message']) };
  },
  'compose/close': (raw) => ({ slot: text(record(raw, ['slot']), 'slot', 64, slotId) }),
  'password/info': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
  'password/provide': (raw) => {
    const f = record(raw, ['promptId', 'answer']);
    const a = record(f['answer'], ['user', 'password', 'remember']);
    // Mail passwords are short; the bound stops a caller pushing megabytes to the host.
    // The user is a login name (an address at most) or, for the directory, the DN it binds as (PROTOCOL.md: at most 1024).
    return { promptId: text(f, 'promptId', 128, promptId), answer: { user: text(a, 'user', 1024), password: text(a, 'password', 1024), remember: bool(a, 'remember') } };
  },
  'password/cancel': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
  'site/status': siteRequest,
  'site/enable': siteRequest,
  'site/disable': siteRequest,
  'trust/list': empty,
  'trust/add': (raw) => {
    const f = record(raw, ['list', 'data']);
    return { list: trustList(f), data: text(f, 'data', maxFileBase64, base64) };
  },
  'trust/remove': (raw) => {
    const f = record(raw, ['list', 'fingerprint']);
    return { list: trustList(f), fingerprint: text(f, 'fingerprint', 64, fingerprint) };
  },
  'pin/info': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
  // PKCS#11 PINs are short; the bound stops a caller from pushing megabytes through the host.
  'pin/provide': (raw) => {
    const f = record(raw, ['promptId', 'pin']);
    return { promptId: text(f, 'promptId', 128, promptId), pin: text(f, 'pin', 256) };
  },
  'pin/cancel': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
  'identities/list': empty,
  'identities/set-default': (raw) => ({ id: text(record(raw, ['id']), 'id', 512) }),
  'reader/open': (raw) => ({ data: text(record(raw, ['data']), 'data', maxMessageBase64, base64) }),
  'reader/open-frame': (raw) => ({ token: text(record(raw, ['token']), 'token', 128, sessionId) }),
  'reader/validation': (raw) => ({ sessionId: text(record(raw, ['sessionId']), 'sessionId', 128, sessionId) }),
  'reader/attachment': (raw) => {
    const f = record(raw, ['sessionId', 'index']);
    const index = f['index'];
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= 10_000) throw invalid('index must be a whole number');
    return { sessionId: text(f, 'sessionId', 128, sessionId), index };
  },
  'compose/recipients': (raw) => ({ addresses: addressList(record(raw, ['addresses'])['addresses'], 'addresses') }),
  'compose/build': composeRequest,
  'indicator/get': empty,
  'indicator/set': checkSecurityIndicator,
  'oauth/accounts': empty,
  'oauth/sign-in': oauthProvider,
  'oauth/sign-out': oauthProvider,
};

export function isRuntimeCommand(value: unknown): value is RuntimeCommand {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(validators, value);
}

/** Throws CachetError('input/invalid') when the request does not fit the command. */
export function validateRequest<K extends RuntimeCommand>(type: K, raw: unknown): Req<K> {
  return validators[type](raw);
}
