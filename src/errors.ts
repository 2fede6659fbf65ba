/**
 * Errors that cross module and process boundaries carry a stable code and a message for
 * people. Parsers throw these for hostile or broken input, never a bare TypeError.
 */
export type ErrorCode =
  | 'mime/malformed'
  | 'mime/too-deep'
  | 'mime/too-large'
  | 'asn1/malformed'
  | 'cms/malformed'
  | 'cms/unsupported'
  | 'cms/no-recipient'
  | 'cms/decrypt-failed'
  | 'cms/bad-signature'
  | 'pki/malformed'
  | 'key/unavailable'
  | 'key/operation-failed'
  | 'input/invalid'
  | 'policy/locked'
  | 'runtime/forbidden'
  | 'runtime/unknown-command'
  | 'runtime/internal'
  | 'native/unavailable'
  | 'native/timeout'
  | 'native/bad-frame'
  | 'native/frame-too-large'
  | 'native/bad-json'
  | 'native/bad-message'
  | 'native/unknown-type'
  | 'native/no-handshake'
  | 'native/version-mismatch'
  | 'native/busy'
  | 'native/forbidden-origin'
  | 'native/internal'
  | 'key/unsupported'
  | 'token/removed'
  | 'pin/incorrect'
  | 'pin/locked'
  | 'pin/cancelled'
  | 'pin/timeout'
  | 'mail/no-account'
  | 'mail/password-needed'
  | 'mail/auth-failed'
  | 'mail/unreachable'
  | 'mail/tls'
  | 'mail/too-large'
  | 'mail/recipients-refused'
  | 'mail/not-found'
  | 'mail/server-error'
  | 'mail/rate-limited'
  | 'oauth/not-configured'
  | 'oauth/cancelled'
  | 'oauth/consent-blocked'
  | 'oauth/token-revoked'
  | 'oauth/scope-missing'
  | 'oauth/failed'
  | 'directory/unreachable'
  | 'directory/timeout'
  | 'directory/tls'
  | 'directory/password-needed'
  | 'directory/bind-failed'
  | 'directory/refused'
  | 'directory/malformed'
  | 'webmail/unreachable'
  | 'webmail/no-source';

export class CachetError extends Error {
  override readonly name = 'CachetError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCachetError(value: unknown): value is CachetError {
  return value instanceof CachetError;
}
