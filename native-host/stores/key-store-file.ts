/**
 * One identity of the Cachet key store as it lies on disk: a JSON file named after the
 * certificate's SHA-256 fingerprint, holding
 *
 *   format "cachet-key-store", version 1,
 *   certificate, chain          base64 DER, in clear so identities list without a login,
 *   kdf { name "scrypt", salt, N, r, p }
 *   passphraseCheck            tells a wrong passphrase from an altered file,
 *   cipher { name "AES-256-GCM", nonce }
 *   sealedKey                  the PKCS#8 private key, AES-256-GCM ciphertext and tag.
 *
 * Everything but sealedKey is authenticated as GCM associated data, encoded from the
 * decoded values (not the JSON text), so only the bytes matter. Files are hostile input:
 * every field is checked, unknown fields are refused.
 */
import { createHash } from 'node:crypto';
import { array, base64, integer, object, onlyKeys } from '../../src/protocol/native-checks';
import { CachetError } from '../../src/errors';
import { NONCE_BYTES } from '../keys/sealed-private-key';
import { scryptParametersProblem, type ScryptParameters } from '../keys/store-key-derivation';

export const KEY_FILE_FORMAT = 'cachet-key-store';
export const KEY_FILE_VERSION = 1;
const MAX_CERTIFICATE_BYTES = 64 * 1024;
const MAX_CHAIN = 16;
const MAX_SEALED_BYTES = 64 * 1024;

export interface KeyStoreEntry {
  readonly certificate: Uint8Array;
  /** Issuers of the certificate from the imported file, nearest first. */
  readonly chain: readonly Uint8Array[];
  readonly kdf: ScryptParameters;
  readonly passphraseCheck: Uint8Array;
  readonly nonce: Uint8Array;
  readonly sealedKey: Uint8Array;
}

export type UnsealedEntry = Omit<KeyStoreEntry, 'sealedKey'>;

/** Lower-case hex SHA-256 of the certificate DER: the identity's name in the store. */
export function fingerprintOf(certificate: Uint8Array): string {
  return createHash('sha256').update(certificate).digest('hex');
}

/** Length-prefixed fields, so no two different entries give the same bytes. */
export function associatedData(entry: UnsealedEntry): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from(`${KEY_FILE_FORMAT}/${KEY_FILE_VERSION}\u0000scrypt\u0000AES-256-GCM\u0000`)];
  const number = (n: number): void => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    parts.push(b);
  };
  const bytes = (b: Uint8Array): void => {
    number(b.length);
    parts.push(b);
  };
  bytes(entry.certificate);
  number(entry.chain.length);
  entry.chain.forEach(bytes);
  bytes(entry.kdf.salt);
  number(entry.kdf.N);
  number(entry.kdf.r);
  number(entry.kdf.p);
  bytes(entry.passphraseCheck);
  bytes(entry.nonce);
  return Buffer.concat(parts);
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The `kdf` object of a store file (also the mail accounts file's seal). */
export function encodeScryptKdf({ salt, N, r, p }: ScryptParameters): Record<string, unknown> {
  return { name: 'scrypt', salt: b64(salt), N, r, p };
}

export function encodeKeyFile(entry: KeyStoreEntry): string {
  return JSON.stringify({
    format: KEY_FILE_FORMAT, version: KEY_FILE_VERSION,
    certificate: b64(entry.certificate), chain: entry.chain.map(b64),
    kdf: encodeScryptKdf(entry.kdf),
    passphraseCheck: b64(entry.passphraseCheck),
    cipher: { name: 'AES-256-GCM', nonce: b64(entry.nonce) },
    sealedKey: b64(entry.sealedKey),
  }, null, 2) + '\n';
}

function bytesOf(value: unknown, field: string, min: number, max: number): Uint8Array {
  return new Uint8Array(Buffer.from(base64(value, field, min, max), 'base64'));
}

function literal(value: unknown, field: string, expected: string | number): void {
  if (value !== expected) throw new CachetError('input/invalid', `${field}: must be ${JSON.stringify(expected)}`);
}

/** The JSON value of a store file's text; input/invalid when it is not JSON. */
export function parseStoreJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CachetError('input/invalid', 'not JSON');
  }
}

/** Reads a `kdf` object: scrypt, with a salt and a cost within the host's bounds. */
export function decodeScryptKdf(value: unknown, field: string): ScryptParameters {
  const kdf = object(value, field);
  onlyKeys(kdf, ['name', 'salt', 'N', 'r', 'p'], field);
  literal(kdf.name, `${field}.name`, 'scrypt');
  const params: ScryptParameters = {
    salt: bytesOf(kdf.salt, `${field}.salt`, 16, 64), N: integer(kdf.N, `${field}.N`, 1, 2 ** 30),
    r: integer(kdf.r, `${field}.r`, 1, 1024), p: integer(kdf.p, `${field}.p`, 1, 1024),
  };
  const problem = scryptParametersProblem(params);
  if (problem !== undefined) throw new CachetError('input/invalid', `${field}: ${problem}`);
  return params;
}

/** Parses a key file; anything wrong is key/unavailable naming the field. */
export function decodeKeyFile(text: string, where: string): KeyStoreEntry {
  try {
    const f = object(parseStoreJson(text), 'file');
    onlyKeys(f, ['format', 'version', 'certificate', 'chain', 'kdf', 'passphraseCheck', 'cipher', 'sealedKey'], 'file');
    literal(f.format, 'format', KEY_FILE_FORMAT);
    literal(f.version, 'version', KEY_FILE_VERSION);
    const params = decodeScryptKdf(f.kdf, 'kdf');
    const cipher = object(f.cipher, 'cipher');
    onlyKeys(cipher, ['name', 'nonce'], 'cipher');
    literal(cipher.name, 'cipher.name', 'AES-256-GCM');
    return {
      certificate: bytesOf(f.certificate, 'certificate', 1, MAX_CERTIFICATE_BYTES),
      chain: array(f.chain, 'chain', MAX_CHAIN).map((c, n) => bytesOf(c, `chain[${n}]`, 1, MAX_CERTIFICATE_BYTES)),
      kdf: params,
      passphraseCheck: bytesOf(f.passphraseCheck, 'passphraseCheck', 32, 32),
      nonce: bytesOf(cipher.nonce, 'cipher.nonce', NONCE_BYTES, NONCE_BYTES),
      sealedKey: bytesOf(f.sealedKey, 'sealedKey', 17, MAX_SEALED_BYTES),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CachetError('key/unavailable', `${where}: not a usable key store file (${message})`);
  }
}

/** Accepts the fingerprint as `key list` prints it, in either case and with colons. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export function keyFileName(fingerprint: string): string {
  return `${fingerprint}.json`;
}

export const KEY_FILE_NAME = /^([0-9a-f]{64})\.json$/;
