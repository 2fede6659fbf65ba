/**
 * The JMAP session resource (RFC 8620 §2): where the API, uploads and downloads are, which
 * accounts hold mail and may submit it, and the server's limits. Found at the URL the
 * policy gives, or at /.well-known/jmap on the server's origin (§2.2).
 */
import { CachetError } from '../../src/errors';
import { isRecord } from './api-request';

export const jmapCapabilities = {
  core: 'urn:ietf:params:jmap:core',
  mail: 'urn:ietf:params:jmap:mail',
  submission: 'urn:ietf:params:jmap:submission',
} as const;

export interface JmapSession {
  readonly apiUrl: string;
  /** RFC 6570 level-1 templates (§2): {accountId}, and {blobId}, {type}, {name} for downloads. */
  readonly uploadUrl: string;
  readonly downloadUrl: string;
  readonly mailAccountId: string;
  /** Absent when the server or this account may not submit mail. */
  readonly submissionAccountId: string | undefined;
  readonly maxSizeUpload: number;
}

/** The URL the session resource is read from: the policy's, or the origin's well-known one. */
export function sessionResourceUrl(jmapUrl: string): string {
  const url = new URL(jmapUrl);
  return url.pathname === '/' || url.pathname === '' ? `${url.origin}/.well-known/jmap` : url.href;
}

/**
 * Credentials go to every URL the session names, so each must be https, or the very
 * origin the session came from (a loopback server in tests and local setups).
 */
function serviceUrl(value: unknown, field: string, sessionUrl: string): string {
  if (typeof value !== 'string' || value === '') throw new CachetError('mail/server-error', `the JMAP session resource has no ${field}`);
  // Servers such as Cyrus give paths relative to the session resource.
  const resolved = new URL(value.replace(/\{/g, '%7B').replace(/\}/g, '%7D'), sessionUrl);
  if (resolved.protocol !== 'https:' && resolved.origin !== new URL(sessionUrl).origin) {
    throw new CachetError('mail/server-error', `the JMAP session resource's ${field} is neither https nor on the server's own origin`);
  }
  return resolved.href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export function parseSession(body: unknown, sessionUrl: string): JmapSession {
  if (!isRecord(body) || !isRecord(body['capabilities']) || !isRecord(body['primaryAccounts'])) {
    throw new CachetError('mail/server-error', 'the JMAP server\'s session resource is not what RFC 8620 describes');
  }
  const core = body['capabilities'][jmapCapabilities.core];
  if (!isRecord(core)) throw new CachetError('mail/server-error', 'the JMAP server does not offer urn:ietf:params:jmap:core');
  if (!isRecord(body['capabilities'][jmapCapabilities.mail])) throw new CachetError('mail/server-error', 'the JMAP server does not offer mail (urn:ietf:params:jmap:mail)');
  const mailAccountId = body['primaryAccounts'][jmapCapabilities.mail];
  if (typeof mailAccountId !== 'string' || mailAccountId === '') throw new CachetError('mail/server-error', 'the JMAP server names no mail account for you');
  const submissionAccount = body['primaryAccounts'][jmapCapabilities.submission];
  const accounts = isRecord(body['accounts']) ? body['accounts'] : {};
  const account = isRecord(accounts[typeof submissionAccount === 'string' ? submissionAccount : '']) ? accounts[submissionAccount as string] : undefined;
  // The account must say it may submit (§1.6.2 accountCapabilities), not only the server.
  const maySubmit = isRecord(body['capabilities'][jmapCapabilities.submission])
    && isRecord(account) && isRecord(account['accountCapabilities']) && jmapCapabilities.submission in account['accountCapabilities'];
  return {
    apiUrl: serviceUrl(body['apiUrl'], 'apiUrl', sessionUrl),
    uploadUrl: serviceUrl(body['uploadUrl'], 'uploadUrl', sessionUrl),
    downloadUrl: serviceUrl(body['downloadUrl'], 'downloadUrl', sessionUrl),
    mailAccountId,
    submissionAccountId: maySubmit ? (submissionAccount as string) : undefined,
    maxSizeUpload: positive(core['maxSizeUpload'], 50_000_000),
  };
}

/** RFC 6570 simple string expansion: each value percent-encoded but for unreserved characters. */
export function expandTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  });
}
