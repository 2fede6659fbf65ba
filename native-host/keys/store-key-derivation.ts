/**
 * The keys that protect private keys in the Cachet key store, derived from the store's
 * passphrase with scrypt (RFC 7914). scrypt's memory and time cost is what slows guessing:
 * a counter that locks the store would mean nothing, since a copy of the files can be
 * attacked offline, so every guess, the host's or an attacker's, pays one derivation.
 * Two keys come out of it: one encrypts, the other makes a check value that tells a wrong
 * passphrase from a damaged or altered file.
 */
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { CachetError } from '../../src/errors';

export interface ScryptParameters {
  readonly salt: Uint8Array;
  /** CPU and memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

export interface StoreKey {
  /** AES-256-GCM key for the private keys. */
  readonly encryptionKey: Buffer;
  /** HMAC of a fixed label under the second derived key; stored in clear to spot a wrong passphrase. */
  readonly check: Buffer;
}

/** OWASP's scrypt setting (2^17, 8, 1): 128 MiB and about half a second per derivation. */
const DEFAULT_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
/** Bounds for parameters read from a file, so a hostile file cannot make the host hang or run out of memory. */
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_MEMORY = 256 * 1024 * 1024;
const MAX_WORK = 2 ** 22;
const CHECK_LABEL = 'Cachet key store passphrase check v1';

export function newScryptParameters(): ScryptParameters {
  return { salt: randomBytes(SALT_BYTES), ...DEFAULT_COST };
}

/** Why the parameters are unusable, or undefined when they are within bounds. */
export function scryptParametersProblem({ salt, N, r, p }: ScryptParameters): string | undefined {
  if (salt.length < 16 || salt.length > 64) return 'the scrypt salt must have 16 to 64 bytes';
  if (!Number.isInteger(N) || N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0) return `scrypt N must be a power of two from ${MIN_N} to ${MAX_N}`;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return 'scrypt r must be 1 to 32 and p 1 to 16';
  if (128 * N * r > MAX_MEMORY || N * r * p > MAX_WORK) return 'the scrypt cost is larger than the host allows';
  return undefined;
}

/** Runs scrypt once: the cost of one passphrase attempt. */
export function deriveStoreKey(passphrase: string, params: ScryptParameters): StoreKey {
  const problem = scryptParametersProblem(params);
  if (problem !== undefined) throw new CachetError('key/unavailable', problem);
  // The same passphrase typed on another keyboard or system must give the same key.
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  const { N, r, p } = params;
  const out = scryptSync(secret, params.salt, 64, { N, r, p, maxmem: 128 * N * r * 2 + 128 * r * p });
  try {
    const checkKey = out.subarray(32);
    return { encryptionKey: Buffer.from(out.subarray(0, 32)), check: createHmac('sha256', checkKey).update(CHECK_LABEL).digest() };
  } finally {
    out.fill(0);
    secret.fill(0);
  }
}

export function passphraseMatches(key: StoreKey, expected: Uint8Array): boolean {
  return expected.length === key.check.length && timingSafeEqual(key.check, expected);
}

export function forgetStoreKey(key: StoreKey): void {
  key.encryptionKey.fill(0);
}

/** Equal parameters derive equal keys: a login derives once per distinct set. */
export function scryptParametersId({ salt, N, r, p }: ScryptParameters): string {
  return `${N}.${r}.${p}.${Buffer.from(salt).toString('hex')}`;
}
