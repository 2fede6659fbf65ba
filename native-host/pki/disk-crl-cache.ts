/**
 * The CLI's CRL cache: one file per distribution point URL (named by the URL's SHA-256)
 * holding the DER CRL, with the nextUpdate in a small JSON beside it. Entries past their
 * nextUpdate are ignored and removed (B10: cached until nextUpdate).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { CrlCache, CrlCacheEntry } from '../../src/pki/crl-cache';

export function defaultCrlCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'cachet', 'crl');
}

export class DiskCrlCache implements CrlCache {
  constructor(private readonly dir: string = defaultCrlCacheDir()) {}

  private files(url: string): { der: string; meta: string } {
    const name = createHash('sha256').update(url).digest('hex');
    return { der: path.join(this.dir, `${name}.crl`), meta: path.join(this.dir, `${name}.json`) };
  }

  async get(url: string, now: Date): Promise<Uint8Array | undefined> {
    const files = this.files(url);
    try {
      const meta = JSON.parse(await readFile(files.meta, 'utf8')) as { url?: unknown; nextUpdate?: unknown };
      if (meta.url !== url || typeof meta.nextUpdate !== 'string') return undefined;
      if (new Date(meta.nextUpdate) <= now) {
        await Promise.all([rm(files.der, { force: true }), rm(files.meta, { force: true })]);
        return undefined;
      }
      return new Uint8Array(await readFile(files.der));
    } catch {
      return undefined;
    }
  }

  async put(url: string, entry: CrlCacheEntry): Promise<void> {
    const files = this.files(url);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Write then rename, so a reader never sees half a CRL.
    const tmp = `${files.der}.${process.pid}.tmp`;
    await writeFile(tmp, entry.der);
    await rename(tmp, files.der);
    await writeFile(files.meta, JSON.stringify({ url, nextUpdate: entry.nextUpdate.toISOString() }));
  }
}
