/**
 * Turns what ldapts and Node's sockets throw into the host's typed directory errors
 * (PROTOCOL.md, Errors). Which step failed decides most of it: a refused StartTLS is a TLS
 * failure, a result code in reply to a bind is a failed bind, the same code in reply to a
 * search is the server refusing it. The server's words are cut short and cleaned before
 * they reach a message for people.
 */
import { CachetError, isCachetError, type ErrorCode } from '../../src/errors';
import { cleanReply } from '../mail/mail-errors';

/** Where a request was when it failed. */
export type DirectoryStep = 'connect' | 'starttls' | 'bind' | 'request';

/** RFC 4511 §4.1.9 result codes the host names. */
const RESULT = { timeLimitExceeded: 3, referral: 10, confidentialityRequired: 13, noSuchObject: 32 } as const;

const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EPIPE',
  'ETIMEDOUT', 'EADDRNOTAVAIL',
]);
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|^ERR_SSL_|^ERR_TLS_|HOSTNAME_MISMATCH/;

interface LibraryError {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
}

/** ldapts's result-code errors carry the numeric code; Node's carry a string one. */
function resultCode(error: LibraryError): number | undefined {
  return typeof error.code === 'number' ? error.code : undefined;
}

function classify(error: LibraryError, step: DirectoryStep): ErrorCode {
  const code = resultCode(error);
  const nodeCode = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';
  if (CERTIFICATE.test(nodeCode) || (step === 'starttls' && code !== undefined)) return 'directory/tls';
  if (code === RESULT.confidentialityRequired) return 'directory/tls';
  if (code !== undefined) {
    if (step === 'bind') return 'directory/bind-failed';
    return code === RESULT.timeLimitExceeded ? 'directory/timeout' : 'directory/refused';
  }
  if (UNREACHABLE.has(nodeCode) || /Connection closed|Socket error|Connection timeout/.test(message)) return 'directory/unreachable';
  if (step === 'starttls') return 'directory/tls';
  if (error.name === 'MessageParserError' || /Protocol Operation not supported|Unable to read/.test(message)) return 'directory/malformed';
  return step === 'connect' ? 'directory/unreachable' : 'directory/malformed';
}

const WHAT: { readonly [C in ErrorCode]?: string } = {
  'directory/unreachable': 'cannot be reached',
  'directory/tls': 'could not be reached securely',
  'directory/bind-failed': 'refused the bind',
  'directory/timeout': 'ran out of time',
  'directory/refused': 'refused the request',
  'directory/malformed': 'answered what is not LDAP',
};

/** ldapts writes a result as the server's diagnostic (often empty) and " Code: 0x20". */
function explain(error: LibraryError, code: number | undefined): string {
  const text = typeof error.message === 'string' ? error.message : 'no reply';
  if (code === undefined) return text;
  const diagnostic = text.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
  const result = `result code ${code}${diagnostic ? `, ${diagnostic}` : ''}`;
  if (code === RESULT.referral) return `a referral, which Cachet does not follow (${result})`;
  if (code === RESULT.noSuchObject) return `no such entry (${result})`;
  return typeof error.name === 'string' && error.name !== 'ResultCodeError' ? `${error.name.replace(/Error$/, '')} (${result})` : result;
}

/** The typed error for a failure talking to `server` at `step`; CachetErrors pass through. */
export function directoryError(error: unknown, server: string, step: DirectoryStep): CachetError {
  if (isCachetError(error)) return error;
  const e: LibraryError = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const code = classify(e, step);
  return new CachetError(code, `the directory ${server} ${WHAT[code] ?? 'failed'}: ${cleanReply(explain(e, resultCode(e)))}`, { cause: error });
}
