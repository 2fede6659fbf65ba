/**
 * The address book's IndexedDB: one record per certificate, keyed by its SHA-256
 * fingerprint, with a multi-entry index on its e-mail addresses for B6 lookups.
 */
import type { AddressBookSource } from '../../src/protocol/runtime';
import type { ParsedSummary } from './certificate-summary';

export interface StoredCertificate extends ParsedSummary {
  readonly der: Uint8Array;
  readonly source: AddressBookSource;
  readonly addedAtMs: number;
  /** Content-encryption algorithm OIDs from SMIMECapabilities (B8); null until seen. */
  readonly capabilities: readonly string[] | null;
  /** Signing time of the mail the capabilities came from, so older mail never overwrites newer. */
  readonly capabilitiesAtMs: number | null;
}

export interface CertificateDb {
  get(fingerprint: string): Promise<StoredCertificate | undefined>;
  put(record: StoredCertificate): Promise<void>;
  delete(fingerprint: string): Promise<void>;
  all(): Promise<StoredCertificate[]>;
  byAddress(address: string): Promise<StoredCertificate[]>;
  close(): void;
}

const dbName = 'cachet-address-book';
const storeName = 'certificates';
const addressIndex = 'addresses';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export async function openCertificateDb(factory: IDBFactory, name = dbName): Promise<CertificateDb> {
  const open = factory.open(name, 1);
  open.onupgradeneeded = () => {
    const store = open.result.createObjectStore(storeName, { keyPath: 'fingerprint' });
    store.createIndex(addressIndex, 'addresses', { multiEntry: true });
  };
  const db = await done(open);

  async function read<T>(run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return done(run(db.transaction(storeName, 'readonly').objectStore(storeName)));
  }

  async function write(run: (store: IDBObjectStore) => void): Promise<void> {
    const tx = db.transaction(storeName, 'readwrite');
    run(tx.objectStore(storeName));
    await committed(tx);
  }

  return {
    get: (fingerprint) => read((s) => s.get(fingerprint) as IDBRequest<StoredCertificate | undefined>),
    put: (record) => write((s) => s.put(record)),
    delete: (fingerprint) => write((s) => s.delete(fingerprint)),
    all: () => read((s) => s.getAll() as IDBRequest<StoredCertificate[]>),
    byAddress: (address) => read((s) => s.index(addressIndex).getAll(address) as IDBRequest<StoredCertificate[]>),
    close: () => db.close(),
  };
}

/**
 * A CertificateDb that opens the database on first use, so the service worker can
 * register its listeners synchronously at start (MV3 wakes it for the event at hand).
 */
export function lazyCertificateDb(open: () => Promise<CertificateDb>): CertificateDb {
  let opened: Promise<CertificateDb> | undefined;
  const db = () => (opened ??= open().catch((error: unknown) => {
    opened = undefined;
    throw error;
  }));
  return {
    get: async (fingerprint) => (await db()).get(fingerprint),
    put: async (record) => (await db()).put(record),
    delete: async (fingerprint) => (await db()).delete(fingerprint),
    all: async () => (await db()).all(),
    byAddress: async (address) => (await db()).byAddress(address),
    close: () => void opened?.then((d) => d.close()),
  };
}
