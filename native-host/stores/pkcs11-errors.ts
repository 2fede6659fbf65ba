/**
 * Maps PKCS#11 return values to Cachet's stable error codes, so the extension can say
 * what went wrong (wrong PIN, locked PIN, card pulled out) without knowing PKCS#11.
 */
import { CachetError } from '../../src/errors';
import type { PinStatus } from '../../src/protocol/native';

/** A PIN problem, carrying the token's remaining-tries flags for the PIN page. */
export class PinError extends CachetError {
  constructor(code: 'pin/incorrect' | 'pin/locked' | 'pin/cancelled' | 'pin/timeout', message: string, readonly pin: PinStatus) {
    super(code, message);
  }
}

/** The CKR_ name of a pkcs11js error, or undefined for other errors. */
export function pkcs11ErrorName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /\b(CKR_[A-Z0-9_]+)\b/.exec(error.message);
  return match?.[1];
}

const REMOVED = new Set(['CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_TOKEN_NOT_RECOGNIZED', 'CKR_SLOT_ID_INVALID']);
const UNSUPPORTED = new Set(['CKR_MECHANISM_INVALID', 'CKR_MECHANISM_PARAM_INVALID', 'CKR_KEY_TYPE_INCONSISTENT', 'CKR_KEY_FUNCTION_NOT_PERMITTED', 'CKR_FUNCTION_NOT_SUPPORTED']);

export function isTokenGone(error: unknown): boolean {
  const name = pkcs11ErrorName(error);
  return name !== undefined && REMOVED.has(name);
}

/** Converts an error from a token operation; CachetErrors pass through unchanged. */
export function fromPkcs11(error: unknown, what: string): CachetError {
  if (error instanceof CachetError) return error;
  const name = pkcs11ErrorName(error);
  if (name === undefined) return new CachetError('key/operation-failed', `${what} failed`, { cause: error });
  if (REMOVED.has(name)) return new CachetError('token/removed', `${what}: the token was removed (${name})`);
  if (UNSUPPORTED.has(name)) return new CachetError('key/unsupported', `${what}: the token does not support this (${name})`);
  if (name === 'CKR_PIN_LOCKED') return new PinError('pin/locked', `${what}: the PIN is locked`, { countLow: false, finalTry: false, locked: true });
  if (name === 'CKR_USER_NOT_LOGGED_IN') return new CachetError('key/unavailable', `${what}: not logged in to the token`);
  return new CachetError('key/operation-failed', `${what} failed (${name})`);
}
