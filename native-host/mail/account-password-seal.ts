/**
 * Remembered passwords (mail accounts', and the directory's bind passwords), sealed at rest
 * with the key store's scheme: a key derived by scrypt (store-key-derivation.ts) and
 * AES-256-GCM (sealed-private-key.ts), with what the password is for (the account's
 * settings, the directory's URL and DN) as associated data, so a sealed password cannot be
 * moved to another account or made to follow an edited server name.
 *
 * What the key is derived from. There is no OS keyring to hold a key here, and asking for
 * the key store passphrase would mean a prompt before every send. So the key comes from a
 * per-installation secret: 32 random bytes in `mail-accounts.secret`, 0600, beside the
 * accounts file in the 0700 key store directory. Be clear about what that buys: anyone who
 * can read the user's files (malware running as the user, root, a copy of the whole
 * directory) reads the secret as easily as the accounts file, and then every password. It
 * keeps passwords out of plain sight: an accounts file shown, copied, attached to a report
 * or kept in a backup without its secret gives nothing away, and a file whose servers were
 * edited no longer opens its password. Users who want no password on disk do not ask the
 * host to remember it; it is then kept in the host's memory for the session only.
 *
 * The secret is random, so scrypt's cost does not slow any guessing; the lowest cost the
 * store accepts is used.
 */
import { closeSync, constants, linkSync, openSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CachetError } from '../../src/errors';
import type { MailAccountSettings } from '../../src/protocol/native';
import { newNonce, openPrivateKey, sealPrivateKey } from '../keys/sealed-private-key';
import {
  deriveStoreKey, passphraseMatches, scryptParametersId, type ScryptParameters, type StoreKey,
} from '../keys/store-key-derivation';
import { ensureStoreDirectory, readSmallFile } from '../stores/key-store-directory';
import type { SealedPassword, SealParameters } from './accounts-file';

export const SECRET_FILE_NAME = 'mail-accounts.secret';
const SECRET_BYTES = 32;
const SEAL_COST = { N: 2 ** 14, r: 8, p: 1 } as const;

/** The secret as base64 text, or undefined when there is none (or it is not one). */
function readSecret(dir: string): string | undefined {
  let text: string;
  try {
    text = readSmallFile(path.join(dir, SECRET_FILE_NAME), 1024).trim();
  } catch {
    return undefined;
  }
  return Buffer.from(text, 'base64').length === SECRET_BYTES ? text : undefined;
}

/**
 * Creates the secret file unless one exists: written under a temporary name, then linked
 * into place, which fails if another process made one first. Either way the secret on
 * disk is the one returned.
 */
function createSecret(dir: string): string {
  ensureStoreDirectory(dir);
  const temporary = path.join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${randomBytes(SECRET_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path.join(dir, SECRET_FILE_NAME));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  const secret = readSecret(dir);
  if (secret === undefined) throw new Error(`${path.join(dir, SECRET_FILE_NAME)} is not a usable secret; remove it`);
  return secret;
}

/** The fields a sealed mail password is bound to, in one unambiguous encoding. */
export function mailPasswordBinding(account: MailAccountSettings): Uint8Array {
  const { origin, user, imap, smtp } = account;
  return Buffer.from(JSON.stringify(['cachet-mail-password/1', origin, user, imap.host, imap.port, imap.security, smtp.host, smtp.port, smtp.security]));
}

export class PasswordSealer {
  /** One derivation per secret and parameters for the life of the process. */
  readonly #keys = new Map<string, StoreKey>();

  constructor(private readonly dir: string) {}

  #key(secret: string, kdf: ScryptParameters): StoreKey {
    const id = `${scryptParametersId(kdf)}/${secret}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = deriveStoreKey(secret, kdf);
      this.#keys.set(id, key);
    }
    return key;
  }

  /**
   * Seals `password` bound to `binding` (what it is for, as the caller encodes it).
   * `current` is the file's seal; a new one is returned when there was none or the secret
   * no longer matches it (earlier sealed passwords are then unreadable, and `fresh` says so).
   */
  seal(password: string, binding: Uint8Array, current: SealParameters | undefined): { seal: SealParameters; sealed: SealedPassword; fresh: boolean } {
    let secret: string;
    try {
      secret = readSecret(this.dir) ?? createSecret(this.dir);
    } catch (error) {
      throw new CachetError('key/unavailable', `cannot keep the password: ${error instanceof Error ? error.message : String(error)}`);
    }
    let seal = current;
    let fresh = false;
    if (!seal || !passphraseMatches(this.#key(secret, seal.kdf), seal.check)) {
      const kdf: ScryptParameters = { salt: randomBytes(32), ...SEAL_COST };
      seal = { kdf, check: this.#key(secret, kdf).check };
      fresh = true;
    }
    const key = this.#key(secret, seal.kdf);
    const nonce = newNonce();
    const plain = Buffer.from(password, 'utf8');
    try {
      return { seal, fresh, sealed: { nonce, sealed: sealPrivateKey(plain, key.encryptionKey, nonce, binding) } };
    } finally {
      plain.fill(0);
    }
  }

  /** The password, or why it cannot be opened (for the message asking the user again). */
  open(sealed: SealedPassword, binding: Uint8Array, seal: SealParameters | undefined): { password: string } | { problem: string } {
    const secret = readSecret(this.dir);
    if (secret === undefined) return { problem: `the secret file ${path.join(this.dir, SECRET_FILE_NAME)} is missing` };
    if (!seal) return { problem: 'the accounts file has no seal parameters' };
    const key = this.#key(secret, seal.kdf);
    if (!passphraseMatches(key, seal.check)) return { problem: `the secret file ${path.join(this.dir, SECRET_FILE_NAME)} was replaced` };
    const plain = openPrivateKey(sealed.sealed, key.encryptionKey, sealed.nonce, binding);
    if (!plain) return { problem: 'the sealed password does not match the settings it was kept for (they were edited, or the entry is damaged)' };
    try {
      return { password: plain.toString('utf8') };
    } finally {
      plain.fill(0);
    }
  }
}
