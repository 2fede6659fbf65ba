/**
 * The Cachet key store served like a token (store kind `pkcs12`): its identities list
 * without a login from the certificates kept in clear; a key operation needs a login, for
 * which the store's passphrase is asked through the PIN broker (the PIN page names the
 * store) and kept as derived keys for `pinCacheSeconds`. Decrypted private keys live in
 * memory only while logged in and are dropped at logout and when the login expires.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { IdentityDescription, PinStatus, StoreStatus, TokenDescription } from '../../src/protocol/native';
import { SerialQueue } from '../host/serial-queue';
import { openPrivateKey } from '../keys/sealed-private-key';
import { SoftwareKeyOperator } from '../keys/software-key-operator';
import { deriveStoreKey, forgetStoreKey, passphraseMatches, scryptParametersId } from '../keys/store-key-derivation';
import type { LoginResult } from '../pin/pin-broker';
import type { CertificateInfo } from './certificate-info';
import { directoryProblem, keyFileNames, readStoredIdentity, scanKeyStore, type StoredIdentity } from './key-store-directory';
import { associatedData, KEY_FILE_NAME } from './key-store-file';
import type { TokenContext } from './pkcs11-token';

export const KEY_STORE_LABEL = 'Cachet key store';

/** A passphrase has no retry counter to report: guessing is slowed by scrypt instead. */
const NO_COUNTER: PinStatus = { countLow: false, finalTry: false, locked: false };

export type StoredKeyOperation<T> = (operator: SoftwareKeyOperator, info: CertificateInfo) => Promise<T>;

interface OpenKey {
  /** Which version of the file the key came from (a re-import replaces it). */
  readonly version: string;
  readonly operator: SoftwareKeyOperator;
}

export class Pkcs12Store {
  readonly queue = new SerialQueue();
  readonly serial: string;
  /** Derived encryption keys by scrypt parameter set; non-empty means logged in. */
  readonly #keys = new Map<string, Buffer>();
  readonly #open = new Map<string, OpenKey>();
  readonly #ids = new Map<string, string>();
  readonly #loginKey: string;
  #seen: ReadonlySet<string>;

  constructor(readonly dir: string, private readonly context: TokenContext) {
    this.serial = createHash('sha256').update(dir).digest('hex').slice(0, 16);
    this.#loginKey = `pkcs12\u0000${dir}`;
    this.#seen = this.#fileSet();
  }

  get loggedIn(): boolean {
    return this.#keys.size > 0;
  }

  status(): StoreStatus {
    const problem = directoryProblem(this.dir);
    if (problem !== undefined) return { kind: 'pkcs12', label: KEY_STORE_LABEL, available: false, detail: problem };
    const count = this.#seen.size;
    const detail = count === 0 ? `${this.dir}: empty (cachet key import --p12 FILE adds identities)` : `${this.dir}: ${count} identit${count === 1 ? 'y' : 'ies'}`;
    return { kind: 'pkcs12', label: KEY_STORE_LABEL, available: true, detail };
  }

  describe(): TokenDescription {
    return {
      label: KEY_STORE_LABEL, serial: this.serial, manufacturer: 'Cachet', model: 'PKCS#12 key store',
      loginRequired: true, loggedIn: this.loggedIn, protectedAuthPath: false, pin: NO_COUNTER,
    };
  }

  identityId(fingerprint: string): string {
    return createHash('sha256').update(`pkcs12\u0000${this.dir}\u0000${fingerprint}`).digest('hex').slice(0, 32);
  }

  /** Every usable identity in the directory; unusable files are logged and skipped. */
  identities(): IdentityDescription[] {
    let found: readonly StoredIdentity[];
    try {
      const scan = scanKeyStore(this.dir);
      for (const problem of scan.problems) this.context.log(problem);
      found = scan.identities;
    } catch (error) {
      this.context.log(error instanceof Error ? error.message : String(error));
      found = [];
    }
    this.#ids.clear();
    return found.map(({ fingerprint, entry, info }) => {
      const id = this.identityId(fingerprint);
      this.#ids.set(id, fingerprint);
      const base = {
        id, certificate: Buffer.from(entry.certificate).toString('base64'),
        store: { kind: 'pkcs12', label: KEY_STORE_LABEL, module: this.dir }, token: this.describe(),
        hardware: false, keyType: info.keyType, usages: info.usages,
      } as const;
      return info.curve ? { ...base, curve: info.curve } : base;
    });
  }

  /** The fingerprint behind an identity id, listing again for ids from an earlier run. */
  find(id: string): string | undefined {
    if (!this.#ids.has(id)) this.identities();
    return this.#ids.get(id);
  }

  /** Files added or removed since the last call (identities/changed, B19). */
  poll(): { inserted: number; removed: number } {
    const now = this.#fileSet();
    const inserted = [...now].filter((f) => !this.#seen.has(f)).length;
    const removed = [...this.#seen].filter((f) => !now.has(f));
    this.#seen = now;
    for (const name of removed) this.#open.delete(KEY_FILE_NAME.exec(name)?.[1] ?? '');
    return { inserted, removed: removed.length };
  }

  /** Runs `operation` with the identity's key, asking for the passphrase if needed. */
  withKey<T>(fingerprint: string, usage: 'sign' | 'decrypt' | 'derive', what: string, operation: StoredKeyOperation<T>): Promise<T> {
    return this.queue.run(async () => {
      try {
        // Read afresh: the file may have been deleted or imported again since listing.
        const stored = readStoredIdentity(this.dir, fingerprint);
        if (!stored.info.usages.includes(usage)) throw new CachetError('key/unavailable', `the certificate does not allow ${usage}`);
        await this.#ensureLogin(stored);
        return await operation(this.#operator(stored), stored.info);
      } catch (error) {
        if (error instanceof CachetError) throw error;
        throw new CachetError('key/operation-failed', `${what} failed`, { cause: error });
      } finally {
        if (this.context.logins.seconds <= 0) this.logout();
      }
    });
  }

  /** Drops the derived keys and every decrypted private key; says whether it was logged in. */
  logout(): boolean {
    const was = this.loggedIn;
    this.context.logins.forget(this.#loginKey);
    for (const key of this.#keys.values()) key.fill(0);
    this.#keys.clear();
    // KeyObjects cannot be wiped; dropping the last reference is all Node allows.
    this.#open.clear();
    return was;
  }

  dispose(): void {
    this.logout();
    this.context.pins.cancelToken(KEY_STORE_LABEL, this.serial);
  }

  #fileSet(): ReadonlySet<string> {
    try {
      return new Set(keyFileNames(this.dir));
    } catch {
      return new Set();
    }
  }

  async #ensureLogin(stored: StoredIdentity): Promise<void> {
    const set = scryptParametersId(stored.entry.kdf);
    if (this.#keys.has(set)) return;
    await this.context.pins.obtainLogin({
      token: { label: KEY_STORE_LABEL, serial: this.serial },
      status: () => NO_COUNTER,
      attempt: (passphrase) => this.#attempt(stored, set, passphrase),
    });
    this.context.logins.started(this.#loginKey, () => { void this.queue.run(() => Promise.resolve(this.logout())); });
  }

  /** One passphrase attempt: one scrypt derivation, which is what slows guessing. */
  #attempt(stored: StoredIdentity, set: string, passphrase: string): LoginResult {
    const key = deriveStoreKey(passphrase, stored.entry.kdf);
    if (!passphraseMatches(key, stored.entry.passphraseCheck)) {
      forgetStoreKey(key);
      return 'incorrect';
    }
    this.#keys.get(set)?.fill(0);
    this.#keys.set(set, key.encryptionKey);
    return 'accepted';
  }

  #operator(stored: StoredIdentity): SoftwareKeyOperator {
    const version = createHash('sha256').update(stored.entry.sealedKey).digest('hex');
    const cached = this.#open.get(stored.fingerprint);
    if (cached?.version === version) return cached.operator;
    const key = this.#keys.get(scryptParametersId(stored.entry.kdf));
    if (!key) throw new CachetError('key/unavailable', 'the key store is not logged in');
    const { entry } = stored;
    const altered = new CachetError('key/unavailable', `${stored.file} was altered or is damaged: delete it and import the PKCS#12 file again`);
    const pkcs8 = openPrivateKey(entry.sealedKey, key, entry.nonce, associatedData(entry));
    if (!pkcs8) throw altered;
    let operator: SoftwareKeyOperator;
    try {
      operator = new SoftwareKeyOperator(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }), entry.certificate);
    } catch {
      throw altered;
    } finally {
      pkcs8.fill(0);
    }
    this.#open.set(stored.fingerprint, { version, operator });
    return operator;
  }
}
