/**
 * Fetched CRLs kept in IndexedDB by URL until their nextUpdate (B10), so a service worker
 * that was stopped does not fetch them again.
 */
import type { CrlCache, CrlCacheEntry } from '../../src/pki/crl-cache';

const dbName = 'cachet-crl-cache';
const storeName = 'crls';

interface StoredCrl {
  readonly url: string;
  readonly der: Uint8Array;
  readonly nextUpdateMs: number;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

export function createCrlCacheDb(factory: IDBFactory, name = dbName): CrlCache {
  let opened: Promise<IDBDatabase> | undefined;
  const db = (): Promise<IDBDatabase> => (opened ??= (() => {
    const open = factory.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(storeName, { keyPath: 'url' });
    return done(open).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
  })());

  return {
    async get(url: string, now: Date): Promise<Uint8Array | undefined> {
      const store = (await db()).transaction(storeName, 'readonly').objectStore(storeName);
      const record = await done(store.get(url) as IDBRequest<StoredCrl | undefined>);
      return record && record.nextUpdateMs > now.getTime() ? record.der : undefined;
    },
    async put(url: string, entry: CrlCacheEntry): Promise<void> {
      const store = (await db()).transaction(storeName, 'readwrite').objectStore(storeName);
      const record: StoredCrl = { url, der: entry.der, nextUpdateMs: entry.nextUpdate.getTime() };
      await done(store.put(record));
    },
  };
}
