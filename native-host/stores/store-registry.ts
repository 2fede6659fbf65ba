/**
 * Every key store the host serves, behind one interface: PKCS#11 modules (smart cards,
 * tokens), the Linux NSS database through NSS's softoken, and the Cachet key store of
 * imported PKCS#12 identities. It lists identities (B5),
 * runs private-key operations by identity id, and polls token presence so identities
 * appear and disappear with the card (B19).
 */
import { createHash } from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { NamedCurve } from '../../src/cms/key-operator';
import type { IdentityDescription, StoreStatus, WireKeyTransportScheme, WireSignatureScheme } from '../../src/protocol/native';
import type { CertificateInfo } from './certificate-info';
import { defaultModules, defaultNssDatabases, nssParameters, softokenLibrary } from './default-locations';
import { keyStoreDirectory, type HostConfig } from './host-config';
import { decryptKey, deriveSecret, signDigest } from './pkcs11-key-operations';
import { Pkcs11Module, type ModuleSpec, type PresentToken } from './pkcs11-module';
import { Pkcs11Token, type KeyOperation, type TokenContext } from './pkcs11-token';
import { deriveWithStoredKey, signWithStoredKey, unwrapWithStoredKey } from './pkcs12-key-operations';
import { Pkcs12Store } from './pkcs12-store';
import { unsupportedPlatformStores } from './platform-stores';

interface IndexedIdentity {
  readonly token: Pkcs11Token;
  readonly ckaId: Buffer;
  readonly info: CertificateInfo;
}

interface LoadedModule {
  readonly module: Pkcs11Module;
  readonly tokens: Map<string, Pkcs11Token>;
}

export class StoreRegistry {
  readonly #loaded: LoadedModule[] = [];
  readonly #statuses: StoreStatus[] = [];
  readonly #index = new Map<string, IndexedIdentity>();
  #keyStore: Pkcs12Store | undefined;
  #poller: NodeJS.Timeout | undefined;

  constructor(private readonly config: HostConfig, private readonly context: TokenContext) {}

  /** Loads every configured and default store; a store that fails is reported, not fatal. */
  open(): void {
    const specs: ModuleSpec[] = [];
    const modules = [...this.config.modules, ...(this.config.defaultModules ? defaultModules() : [])];
    for (const p of [...new Set(modules)]) specs.push({ path: p, kind: 'pkcs11', label: p });
    const databases = [...new Set([...this.config.nssDatabases, ...(this.config.defaultNssDatabases ? defaultNssDatabases() : [])])];
    const softoken = softokenLibrary();
    databases.forEach((dir, n) => {
      if (!softoken) {
        this.#statuses.push({ kind: 'nss', label: dir, available: false, detail: 'NSS softoken (libsoftokn3.so) is not installed' });
      } else if (n > 0) {
        // The softoken library is one per process and takes one database at initialisation.
        this.#statuses.push({ kind: 'nss', label: dir, available: false, detail: `only one NSS database per host; using ${databases[0] ?? ''}` });
      } else if (dir.includes("'")) {
        this.#statuses.push({ kind: 'nss', label: dir, available: false, detail: 'the directory name contains a quote' });
      } else {
        specs.push({ path: softoken, kind: 'nss', label: dir, libraryParameters: nssParameters(dir) });
      }
    });
    for (const spec of specs) {
      try {
        const module = Pkcs11Module.open(spec);
        this.#loaded.push({ module, tokens: new Map() });
        this.#statuses.push({ kind: spec.kind, label: spec.label, available: true, detail: 'loaded' });
      } catch (error) {
        this.#statuses.push({ kind: spec.kind, label: spec.label, available: false, detail: error instanceof Error ? error.message : String(error) });
      }
    }
    this.#keyStore = new Pkcs12Store(keyStoreDirectory(this.config), this.context);
    this.#statuses.push(this.#keyStore.status());
    this.#statuses.push(...unsupportedPlatformStores());
    this.refresh();
  }

  statuses(): readonly StoreStatus[] {
    return this.#statuses;
  }

  /**
   * Re-reads which tokens are present; tells the extension when that changed. With
   * `rescan`, modules whose tokens are all idle are initialised again first, for modules
   * that find new tokens only then; polling never does that, listing identities does.
   */
  refresh(rescan = false): { inserted: number; removed: number } {
    let inserted = 0;
    let removed = 0;
    for (const loaded of this.#loaded) {
      if (rescan && loaded.module.spec.kind === 'pkcs11' && [...loaded.tokens.values()].every((t) => t.idle)) {
        const before = new Map(loaded.tokens);
        try {
          for (const token of before.values()) token.dispose();
          loaded.tokens.clear();
          loaded.module.reinitialize();
          // Tokens still there are the same tokens: not news for the extension.
          for (const t of loaded.module.presentTokens()) {
            loaded.tokens.set(t.key, new Pkcs11Token(loaded.module, t, this.context));
            if (!before.has(t.key)) inserted++;
          }
          for (const key of before.keys()) if (!loaded.tokens.has(key)) removed++;
        } catch (error) {
          // Its tokens are gone with it; the next rescan tries the module again.
          for (const key of before.keys()) if (!loaded.tokens.has(key)) removed++;
          this.context.log(`rescanning ${loaded.module.spec.label} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        for (const [id, entry] of this.#index) if (entry.token.gone) this.#index.delete(id);
        continue;
      }
      let present: PresentToken[];
      try {
        present = loaded.module.presentTokens();
      } catch (error) {
        this.context.log(`slot list of ${loaded.module.spec.label} failed: ${error instanceof Error ? error.message : String(error)}`);
        present = [];
      }
      const keys = new Set(present.map((t) => t.key));
      for (const [key, token] of loaded.tokens) {
        if (keys.has(key)) continue;
        token.dispose();
        loaded.tokens.delete(key);
        for (const [id, entry] of this.#index) if (entry.token === token) this.#index.delete(id);
        removed++;
      }
      for (const t of present) {
        if (loaded.tokens.has(t.key)) continue;
        loaded.tokens.set(t.key, new Pkcs11Token(loaded.module, t, this.context));
        inserted++;
      }
    }
    // An import or delete in the key store is news like a token coming or going.
    const keyFiles = this.#keyStore?.poll() ?? { inserted: 0, removed: 0 };
    inserted += keyFiles.inserted;
    removed += keyFiles.removed;
    if (removed > 0) this.context.emit('identities/changed', { reason: 'token-removed' });
    else if (inserted > 0) this.context.emit('identities/changed', { reason: 'token-inserted' });
    return { inserted, removed };
  }

  startPolling(): void {
    if (this.#poller) return;
    this.#poller = setInterval(() => this.refresh(), this.config.pollSeconds * 1000);
    // Polling alone must not keep the host running once the browser has gone.
    this.#poller.unref();
  }

  async listIdentities(): Promise<IdentityDescription[]> {
    this.refresh(true);
    const identities: IdentityDescription[] = [];
    const seen = new Set<string>();
    for (const { module, tokens } of this.#loaded) {
      for (const token of tokens.values()) {
        let found;
        try {
          found = await token.queue.run(() => Promise.resolve(token.scan()));
        } catch (error) {
          this.context.log(`listing token ${token.label} failed: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        for (const f of found) {
          const fingerprint = createHash('sha256').update(f.certificate).digest('hex');
          // The same card seen through two modules (OpenSC and a proxy) is listed once.
          if (seen.has(`${token.serial}\u0000${fingerprint}`)) continue;
          seen.add(`${token.serial}\u0000${fingerprint}`);
          const id = createHash('sha256').update(`${module.spec.path}\u0000${module.spec.label}\u0000${token.key}\u0000${fingerprint}`).digest('hex').slice(0, 32);
          this.#index.set(id, { token, ckaId: f.ckaId, info: f.info });
          const kind = module.spec.kind;
          const base = {
            id, certificate: f.certificate.toString('base64'),
            store: { kind, label: kind === 'nss' ? `NSS database ${module.spec.label}` : token.label, module: module.spec.label },
            token: token.describe(), hardware: kind === 'pkcs11', keyType: f.info.keyType, usages: f.info.usages,
          } as const;
          identities.push(f.info.curve ? { ...base, curve: f.info.curve } : base);
        }
      }
    }
    if (this.#keyStore) identities.push(...this.#keyStore.identities());
    return identities;
  }

  async sign(id: string, digest: Buffer, scheme: WireSignatureScheme): Promise<Uint8Array> {
    const stored = this.#storedKey(id);
    if (stored) return stored.store.withKey(stored.fingerprint, 'sign', 'signing', (operator, info) => signWithStoredKey(operator, info, digest, scheme));
    const entry = await this.#resolve(id, 'sign');
    return this.#run(entry, 'signing', (handle) => signDigest(handle, entry.info, digest, scheme));
  }

  async decrypt(id: string, wrapped: Buffer, scheme: WireKeyTransportScheme): Promise<Uint8Array> {
    const stored = this.#storedKey(id);
    if (stored) return stored.store.withKey(stored.fingerprint, 'decrypt', 'key unwrapping', (operator, info) => unwrapWithStoredKey(operator, info, wrapped, scheme));
    const entry = await this.#resolve(id, 'decrypt');
    return this.#run(entry, 'key unwrapping', (handle) => decryptKey(handle, entry.info, wrapped, scheme));
  }

  async derive(id: string, point: Buffer, curve: NamedCurve): Promise<Uint8Array> {
    const stored = this.#storedKey(id);
    if (stored) return stored.store.withKey(stored.fingerprint, 'derive', 'key agreement', (operator, info) => deriveWithStoredKey(operator, info, point, curve));
    const entry = await this.#resolve(id, 'derive');
    return this.#run(entry, 'key agreement', (handle) => deriveSecret(handle, entry.info, point, curve));
  }

  /** Logs out of every token (the user logged off); returns how many were logged in. */
  async logoutAll(): Promise<number> {
    let count = 0;
    for (const { tokens } of this.#loaded) {
      for (const token of tokens.values()) {
        await token.queue.run(() => {
          if (token.describe().loggedIn) count++;
          token.logout();
          return Promise.resolve();
        });
      }
    }
    const keyStore = this.#keyStore;
    if (keyStore && await keyStore.queue.run(() => Promise.resolve(keyStore.logout()))) count++;
    return count;
  }

  close(): void {
    if (this.#poller) clearInterval(this.#poller);
    this.#keyStore?.dispose();
    this.#keyStore = undefined;
    for (const { module, tokens } of this.#loaded) {
      for (const token of tokens.values()) token.dispose();
      module.close();
    }
    this.#loaded.length = 0;
  }

  /** The key store identity behind `id`, if it is one (ids of tokens never match). */
  #storedKey(id: string): { store: Pkcs12Store; fingerprint: string } | undefined {
    const store = this.#keyStore;
    const fingerprint = this.#index.has(id) ? undefined : store?.find(id);
    return store && fingerprint !== undefined ? { store, fingerprint } : undefined;
  }

  async #resolve(id: string, usage: 'sign' | 'decrypt' | 'derive'): Promise<IndexedIdentity> {
    let entry = this.#index.get(id);
    // Ids outlive the host process: an id from an earlier run is found by listing again.
    if (!entry || entry.token.gone) {
      await this.listIdentities();
      entry = this.#index.get(id);
    }
    if (!entry) throw new CachetError('key/unavailable', 'no such identity; its token may have been removed');
    if (!entry.info.usages.includes(usage)) throw new CachetError('key/unavailable', `the certificate does not allow ${usage}`);
    return entry;
  }

  async #run<T>(entry: IndexedIdentity, what: string, operation: KeyOperation<T>): Promise<T> {
    try {
      return await entry.token.withPrivateKey(entry.ckaId, what, operation);
    } catch (error) {
      // A card pulled out mid-operation fails with whatever the module says; name it.
      if (error instanceof CachetError && error.code === 'key/operation-failed') {
        this.refresh();
        if (entry.token.gone) throw new CachetError('token/removed', `${what}: the token ${entry.token.label} was removed`);
      }
      throw error;
    }
  }
}
