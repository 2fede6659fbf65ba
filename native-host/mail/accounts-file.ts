/**
 * The mail accounts file, `mail-accounts.json` in the key store's directory:
 *
 *   format "cachet-mail-accounts", version 1,
 *   seal { kdf { name "scrypt", salt, N, r, p }, check }   present once a password is remembered
 *   accounts [ { origin, imap, smtp, user, password? { nonce, sealed } } ]
 *
 * Settings are in clear; a remembered password is sealed (account-password-seal.ts). The
 * file is hostile input like every other: each field is checked, unknown ones refused.
 */
import path from 'node:path';
import { CachetError } from '../../src/errors';
import { array, base64, object, onlyKeys } from '../../src/protocol/native-checks';
import { mailAccountSettings } from '../../src/protocol/native-mail-validators';
import type { MailAccountSettings } from '../../src/protocol/native';
import { NONCE_BYTES } from '../keys/sealed-private-key';
import type { ScryptParameters } from '../keys/store-key-derivation';
import { directoryProblem, ensureStoreDirectory, readSmallFile, replaceFileAtomically } from '../stores/key-store-directory';
import { decodeScryptKdf, encodeScryptKdf, parseStoreJson } from '../stores/key-store-file';

export const ACCOUNTS_FILE_NAME = 'mail-accounts.json';
const FORMAT = 'cachet-mail-accounts';
const VERSION = 1;
const MAX_ACCOUNTS = 1000;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_SEALED_BYTES = 1024 * 4 + 16;

export interface SealedPassword {
  readonly nonce: Uint8Array;
  /** AES-256-GCM ciphertext of the UTF-8 password, then the tag. */
  readonly sealed: Uint8Array;
}

export interface StoredAccount extends MailAccountSettings {
  readonly password?: SealedPassword;
}

export interface SealParameters {
  readonly kdf: ScryptParameters;
  /** Tells a changed or lost secret file from an altered password entry. */
  readonly check: Uint8Array;
}

export interface AccountsFile {
  readonly seal?: SealParameters;
  readonly accounts: readonly StoredAccount[];
}

export const EMPTY_ACCOUNTS: AccountsFile = { accounts: [] };

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytesOf = (value: unknown, field: string, min: number, max: number): Uint8Array =>
  new Uint8Array(Buffer.from(base64(value, field, min, max), 'base64'));

export function accountsFilePath(dir: string): string {
  return path.join(dir, ACCOUNTS_FILE_NAME);
}

/** The file's `seal`; also used by the directory's password file, which seals the same way. */
export function decodeSeal(value: unknown): SealParameters {
  const s = object(value, 'seal');
  onlyKeys(s, ['kdf', 'check'], 'seal');
  return { kdf: decodeScryptKdf(s.kdf, 'seal.kdf'), check: bytesOf(s.check, 'seal.check', 32, 32) };
}

export function encodeSeal(seal: SealParameters): Record<string, unknown> {
  return { kdf: encodeScryptKdf(seal.kdf), check: b64(seal.check) };
}

export function decodeSealedPassword(value: unknown, field: string): SealedPassword {
  const p = object(value, field);
  onlyKeys(p, ['nonce', 'sealed'], field);
  return { nonce: bytesOf(p.nonce, `${field}.nonce`, NONCE_BYTES, NONCE_BYTES), sealed: bytesOf(p.sealed, `${field}.sealed`, 17, MAX_SEALED_BYTES) };
}

export function encodeSealedPassword(password: SealedPassword): Record<string, string> {
  return { nonce: b64(password.nonce), sealed: b64(password.sealed) };
}

function decodeAccount(value: unknown, field: string): StoredAccount {
  const settings = mailAccountSettings(value, field, ['password']);
  const raw = (value as Record<string, unknown>).password;
  if (raw === undefined) return settings;
  return { ...settings, password: decodeSealedPassword(raw, `${field}.password`) };
}

export function decodeAccountsFile(text: string, where: string): AccountsFile {
  try {
    const f = object(parseStoreJson(text), 'file');
    onlyKeys(f, ['format', 'version', 'seal', 'accounts'], 'file');
    if (f.format !== FORMAT || f.version !== VERSION) throw new CachetError('input/invalid', `format must be ${FORMAT} version ${VERSION}`);
    const accounts = array(f.accounts, 'accounts', MAX_ACCOUNTS).map((a, n) => decodeAccount(a, `accounts[${n}]`));
    if (new Set(accounts.map((a) => a.origin)).size !== accounts.length) throw new CachetError('input/invalid', 'an origin has two accounts');
    return f.seal === undefined ? { accounts } : { seal: decodeSeal(f.seal), accounts };
  } catch (error) {
    throw new CachetError('input/invalid', `${where}: not a usable mail accounts file (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function encodeAccountsFile(file: AccountsFile): string {
  const seal = file.seal && encodeSeal(file.seal);
  const accounts = file.accounts.map(({ password, ...settings }) => ({
    ...settings, ...(password ? { password: encodeSealedPassword(password) } : {}),
  }));
  return JSON.stringify({ format: FORMAT, version: VERSION, ...(seal ? { seal } : {}), accounts }, null, 2) + '\n';
}

export function readAccountsFile(dir: string): AccountsFile {
  const file = accountsFilePath(dir);
  // Settings others could change would send the password to their server.
  const problem = directoryProblem(dir);
  if (problem !== undefined) throw new CachetError('input/invalid', `mail accounts: ${problem}`);
  let text: string;
  try {
    text = readSmallFile(file, MAX_FILE_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_ACCOUNTS;
    throw new CachetError('input/invalid', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeAccountsFile(text, file);
}

export function writeAccountsFile(dir: string, accounts: AccountsFile): void {
  ensureStoreDirectory(dir);
  const file = accountsFilePath(dir);
  try {
    replaceFileAtomically(dir, file, encodeAccountsFile(accounts));
  } catch (error) {
    throw new CachetError('input/invalid', `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
