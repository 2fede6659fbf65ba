/**
 * Turns what nodemailer, imapflow and Node's sockets throw into the host's typed mail
 * errors (PROTOCOL.md, Errors). Servers are hostile input too: their replies are cut short
 * and cleaned of control characters before they reach a message for people, and nothing
 * unrecognised escapes as an internal error.
 */
import { CachetError, isCachetError, type ErrorCode } from '../../src/errors';
import type { MailServerSettings } from '../../src/protocol/native';

export interface MailServerLabel {
  readonly protocol: 'IMAP' | 'SMTP';
  readonly host: string;
  readonly port: number;
}

export function serverLabel(protocol: MailServerLabel['protocol'], { host, port }: MailServerSettings): MailServerLabel {
  return { protocol, host, port };
}

export function describeServer({ protocol, host, port }: MailServerLabel): string {
  return `${protocol} server ${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface LibraryError {
  readonly code?: unknown;
  /** nodemailer replaces a socket error's code with its own and keeps Node's here. */
  readonly originalCode?: unknown;
  readonly message?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly responseText?: unknown;
  readonly serverResponseCode?: unknown;
  readonly authenticationFailed?: unknown;
  readonly tlsFailed?: unknown;
  readonly mailboxMissing?: unknown;
  readonly cause?: unknown;
  readonly _err?: unknown;
}

const MAX_REPLY = 300;

/** Server text as it may be shown: one line, printable, short. */
export function cleanReply(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const line = text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return line.length > MAX_REPLY ? `${line.slice(0, MAX_REPLY)}…` : line;
}

/** The error and the ones it wraps (nodemailer and imapflow keep the socket's error inside). */
function chain(error: unknown): LibraryError[] {
  const out: LibraryError[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && out.length < 5) {
    const e = current as LibraryError;
    out.push(e);
    current = e.cause ?? e._err;
  }
  return out;
}

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Node's socket and resolver failures, and the libraries' own words for the same. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EPIPE',
  'ETIMEDOUT', 'ETIMEOUT', 'EADDRNOTAVAIL', 'ECONNECTION', 'EDNS', 'ESOCKET', 'NoConnection', 'EConnectionClosed',
  'ClosedAfterConnectText', 'ClosedAfterConnectTLS', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT',
]);

/** OpenSSL's verification results as Node names them, and Node's host name check. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|^ERR_SSL_|^ERR_TLS_|HOSTNAME_MISMATCH/;

const SIZE_CODES = new Set(['TOOBIG', 'LIMIT', 'OVERQUOTA']);

/** What a socket or resolver failure means for the person who reads it. */
const SOCKET_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers on that port',
  ENOTFOUND: 'the server name is not known',
  EAI_AGAIN: 'the server name could not be looked up',
  EAI_FAIL: 'the server name could not be looked up',
  ETIMEDOUT: 'it did not answer in time',
  ECONNRESET: 'the connection was dropped',
  EPIPE: 'the connection was dropped',
  EHOSTUNREACH: 'there is no network route to it',
  ENETUNREACH: 'there is no network route to it',
  EHOSTDOWN: 'the host is down',
};

function reply(errors: readonly LibraryError[], code: ErrorCode): string {
  if (code === 'mail/unreachable') {
    const socket = errors.flatMap(codesOf).find((c) => SOCKET_WORDS[c] !== undefined);
    if (socket) return `${SOCKET_WORDS[socket] ?? ''} (${socket}); check the server and port of the mail account in Cachet's options, or try again later`;
  }
  if (code === 'mail/tls') {
    // Name what the certificate check said, not the wrapper around it.
    const check = errors.find((e) => codesOf(e).some((c) => CERTIFICATE.test(c)));
    if (check) return cleanReply(`${stringOf(check.message) ?? ''} (${codesOf(check).find((c) => CERTIFICATE.test(c)) ?? ''})`);
  }
  for (const e of errors) {
    const text = stringOf(e.response) ?? stringOf(e.responseText);
    if (text) return cleanReply(text);
  }
  return cleanReply(stringOf(errors[0]?.message) ?? 'no reply');
}

const codesOf = (e: LibraryError): string[] => [stringOf(e.code) ?? '', stringOf(e.originalCode) ?? ''];

function classify(errors: readonly LibraryError[]): ErrorCode {
  const codes = errors.flatMap(codesOf);
  const message = errors.map((e) => stringOf(e.message) ?? '').join(' ');
  if (errors.some((e) => e.mailboxMissing === true)) return 'mail/not-found';
  if (codes.some((c) => CERTIFICATE.test(c)) || codes.includes('ETLS') || errors.some((e) => e.tlsFailed === true)) return 'mail/tls';
  if (errors.some((e) => e.authenticationFailed === true) || codes.includes('EAUTH')) return 'mail/auth-failed';
  // RFC 5321 §4.5.3.1.10 (552 for SIZE), RFC 5530 §3 (TOOBIG), RFC 7889 (APPENDLIMIT).
  if (
    errors.some((e) => e.responseCode === 552 || SIZE_CODES.has(stringOf(e.serverResponseCode) ?? '')) ||
    codes.some((c) => c === 'LiteralTooLarge' || c === 'ResponseTooLarge') || /larger than allowed/i.test(message)
  ) return 'mail/too-large';
  if (codes.some((c) => UNREACHABLE.has(c))) return 'mail/unreachable';
  return 'mail/server-error';
}

const WHAT: { readonly [C in ErrorCode]?: string } = {
  'mail/not-found': 'has no such mailbox',
  'mail/tls': 'could not be reached securely',
  'mail/auth-failed': 'refused the user name or password',
  'mail/too-large': 'refused the message as too large',
  'mail/unreachable': 'cannot be reached',
  'mail/server-error': 'failed',
};

/** The typed error for a failure talking to `server`; CachetErrors pass through unchanged. */
export function mailError(error: unknown, server: MailServerLabel): CachetError {
  if (isCachetError(error)) return error;
  const errors = chain(error);
  const code = classify(errors);
  return new CachetError(code, `${describeServer(server)} ${WHAT[code] ?? 'failed'}: ${reply(errors, code)}`, { cause: error });
}
