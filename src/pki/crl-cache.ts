/**
 * CRLs fetched from distribution points, kept by URL until their nextUpdate (B10). The
 * background persists them in IndexedDB, the CLI on disk; this in-memory one serves
 * tests and short-lived processes.
 */
export interface CrlCacheEntry {
  readonly der: Uint8Array;
  readonly nextUpdate: Date;
}

export interface CrlCache {
  get(url: string, now: Date): Promise<Uint8Array | undefined>;
  put(url: string, entry: CrlCacheEntry): Promise<void>;
}

export class MemoryCrlCache implements CrlCache {
  private readonly entries = new Map<string, CrlCacheEntry>();

  constructor(private readonly maxEntries = 256) {}

  get(url: string, now: Date): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(url);
    if (entry && entry.nextUpdate > now) return Promise.resolve(entry.der);
    if (entry) this.entries.delete(url);
    return Promise.resolve(undefined);
  }

  put(url: string, entry: CrlCacheEntry): Promise<void> {
    this.entries.delete(url);
    this.entries.set(url, entry);
    // Oldest first out when full.
    while (this.entries.size > this.maxEntries) {
      const first = this.entries.keys().next();
      if (first.done) break;
      this.entries.delete(first.value);
    }
    return Promise.resolve();
  }
}
