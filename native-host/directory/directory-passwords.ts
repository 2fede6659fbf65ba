/**
 * Bind passwords for the directory, kept the way mail-account passwords are: remembered
 * ones sealed into `directory-passwords.json` in the key store's directory with the same
 * per-installation secret (mail/account-password-seal.ts), the others in this process's
 * memory only. A password belongs to one server and one bind DN, which are its associated
 * data: a sealed password does not open for another server, so an edited file cannot send
 * it anywhere else.
 *
 * The file:
 *   format "cachet-directory-passwords", version 1,
 *   seal { kdf, check }                  present once a password is remembered
 *   passwords [ { url, bindDn, password { nonce, sealed } } ]
 */
import path from 'node:path';
import { CachetError } from '../../src/errors';
import { array, object, onlyKeys } from '../../src/protocol/native-checks';
import { bindDn as checkBindDn, directoryServerUrl } from '../../src/protocol/native-directory-validators';
import { decodeSeal, decodeSealedPassword, encodeSeal, encodeSealedPassword, type SealedPassword, type SealParameters } from '../mail/accounts-file';
import { PasswordSealer } from '../mail/account-password-seal';
import { directoryProblem, ensureStoreDirectory, readSmallFile, replaceFileAtomically } from '../stores/key-store-directory';
import { parseStoreJson } from '../stores/key-store-file';

export const DIRECTORY_PASSWORDS_FILE_NAME = 'directory-passwords.json';
const FORMAT = 'cachet-directory-passwords';
const VERSION = 1;
const MAX_PASSWORDS = 100;
const MAX_FILE_BYTES = 1024 * 1024;

interface StoredPassword {
  readonly url: string;
  readonly bindDn: string;
  readonly password: SealedPassword;
}

interface PasswordsFile {
  readonly seal?: SealParameters;
  readonly passwords: readonly StoredPassword[];
}

/**
 * The server a password is for, in one spelling: `ldap://host:port` with the host in lower
 * case and the port written out, so `ldap://LDAP.example.org` and `ldap://ldap.example.org:389`
 * share one password.
 */
export function directoryServerKey(url: string): string {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'ldaps:';
  return `${secure ? 'ldaps' : 'ldap'}://${parsed.hostname.toLowerCase()}:${parsed.port === '' ? (secure ? 636 : 389) : parsed.port}`;
}

function binding(url: string, bindDn: string): Uint8Array {
  return Buffer.from(JSON.stringify(['cachet-directory-password/1', url, bindDn]));
}

const sameTarget = (a: { url: string; bindDn: string }, url: string, bindDn: string): boolean => a.url === url && a.bindDn === bindDn;

function decodeFile(text: string, where: string): PasswordsFile {
  try {
    const f = object(parseStoreJson(text), 'file');
    onlyKeys(f, ['format', 'version', 'seal', 'passwords'], 'file');
    if (f.format !== FORMAT || f.version !== VERSION) throw new CachetError('input/invalid', `format must be ${FORMAT} version ${VERSION}`);
    const passwords = array(f.passwords, 'passwords', MAX_PASSWORDS).map((value, n): StoredPassword => {
      const p = object(value, `passwords[${n}]`);
      onlyKeys(p, ['url', 'bindDn', 'password'], `passwords[${n}]`);
      return {
        url: directoryServerKey(directoryServerUrl(p.url, `passwords[${n}].url`)),
        bindDn: checkBindDn(p.bindDn, `passwords[${n}].bindDn`),
        password: decodeSealedPassword(p.password, `passwords[${n}].password`),
      };
    });
    return f.seal === undefined ? { passwords } : { seal: decodeSeal(f.seal), passwords };
  } catch (error) {
    throw new CachetError('directory/password-needed', `${where}: not a usable directory passwords file (${error instanceof Error ? error.message : String(error)})`);
  }
}

function encodeFile(file: PasswordsFile): string {
  const passwords = file.passwords.map(({ url, bindDn, password }) => ({ url, bindDn, password: encodeSealedPassword(password) }));
  return JSON.stringify({ format: FORMAT, version: VERSION, ...(file.seal ? { seal: encodeSeal(file.seal) } : {}), passwords }, null, 2) + '\n';
}

export class DirectoryPasswords {
  readonly #sealer: PasswordSealer;
  readonly #session = new Map<string, string>();

  constructor(private readonly dir: string) {
    this.#sealer = new PasswordSealer(dir);
  }

  get #file(): string {
    return path.join(this.dir, DIRECTORY_PASSWORDS_FILE_NAME);
  }

  #read(): PasswordsFile {
    // A file others could change could not send a password elsewhere (it is bound to its
    // server), but could swap one for theirs: the directory must be the user's own.
    const problem = directoryProblem(this.dir);
    if (problem !== undefined) throw new CachetError('directory/password-needed', `directory passwords: ${problem}`);
    let text: string;
    try {
      text = readSmallFile(this.#file, MAX_FILE_BYTES);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { passwords: [] };
      throw new CachetError('directory/password-needed', `cannot read ${this.#file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return decodeFile(text, this.#file);
  }

  #write(file: PasswordsFile): void {
    ensureStoreDirectory(this.dir);
    try {
      replaceFileAtomically(this.dir, this.#file, encodeFile(file));
    } catch (error) {
      throw new CachetError('key/unavailable', `cannot write ${this.#file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Remembered: sealed into the file. Not remembered: memory only, and a sealed copy is removed. */
  set(serverUrl: string, bindDn: string, password: string, remember: boolean): void {
    const url = directoryServerKey(serverUrl);
    const key = JSON.stringify([url, bindDn]);
    const file = this.#read();
    const others = file.passwords.filter((p) => !sameTarget(p, url, bindDn));
    if (!remember) {
      if (others.length !== file.passwords.length) this.#write({ ...file, passwords: others });
      this.#session.set(key, password);
      return;
    }
    this.#session.delete(key);
    const { seal, sealed, fresh } = this.#sealer.seal(password, binding(url, bindDn), file.seal);
    // A new seal means the secret changed: the other sealed passwords can no longer be opened.
    this.#write({ seal, passwords: [...(fresh ? [] : others), { url, bindDn, password: sealed }] });
  }

  forget(serverUrl: string, bindDn: string): boolean {
    const url = directoryServerKey(serverUrl);
    const hadSession = this.#session.delete(JSON.stringify([url, bindDn]));
    const file = this.#read();
    const others = file.passwords.filter((p) => !sameTarget(p, url, bindDn));
    if (others.length === file.passwords.length) return hadSession;
    this.#write({ ...file, passwords: others });
    return true;
  }

  /** The password to bind with; directory/password-needed when there is none to use. */
  get(serverUrl: string, bindDn: string): string {
    const url = directoryServerKey(serverUrl);
    const held = this.#session.get(JSON.stringify([url, bindDn]));
    if (held !== undefined) return held;
    const file = this.#read();
    const stored = file.passwords.find((p) => sameTarget(p, url, bindDn));
    if (!stored) throw new CachetError('directory/password-needed', `the password of ${bindDn} for the directory ${url} is needed`);
    const opened = this.#sealer.open(stored.password, binding(url, bindDn), file.seal);
    if ('problem' in opened) throw new CachetError('directory/password-needed', `the remembered password of ${bindDn} for the directory ${url} cannot be used (${opened.problem}); it is needed again`);
    return opened.password;
  }

  /** Drops every password held in memory (the host is ending). */
  forgetSession(): void {
    this.#session.clear();
  }
}
