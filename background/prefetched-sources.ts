/**
 * A message's raw source fetched as soon as the user selects the message in the webmail's
 * list, so that the fetch runs while the webmail loads its own view of the message; the
 * reader frame asking for the same URL a moment later takes it instead of fetching again.
 * The bytes are what the page could fetch itself (ciphertext or signed data) and are
 * handed to the same origin only. Few are kept, and briefly: a selection the user never
 * opens costs one request and is forgotten.
 */
import type { PageSourceFetch } from './page-source';

export interface PrefetchedSources {
  /** Starts fetching `url` for `origin`'s pages; errors wait for the reader to ask. */
  prefetch(origin: string, url: string): void;
  /** The source of `url`: the prefetched one when there is a fresh one, else fetched now. */
  readonly fetch: PageSourceFetch;
}

/** Long enough for a preview to load and open; short enough that nothing stale is shown. */
const keepMs = 20_000;
/** A message or two being selected in turn; anything more is a user scrolling through the list. */
const maxKept = 2;

interface Kept {
  readonly at: number;
  readonly source: Promise<Uint8Array>;
}

export function createPrefetchedSources(fetchSource: PageSourceFetch, now: () => number = Date.now): PrefetchedSources {
  const kept = new Map<string, Kept>();
  const keyOf = (origin: string, url: string) => `${origin} ${url}`;

  function forgetStale(): void {
    for (const [key, entry] of kept) if (now() - entry.at > keepMs) kept.delete(key);
  }

  return {
    prefetch(origin, url) {
      forgetStale();
      const key = keyOf(origin, url);
      if (kept.has(key)) return;
      const source = fetchSource(origin, url);
      // A failed prefetch is not reported: the reader fetches again and says what failed.
      source.catch(() => undefined);
      kept.set(key, { at: now(), source });
      // Maps keep insertion order: the oldest goes first.
      for (const oldest of kept.keys()) {
        if (kept.size <= maxKept) break;
        kept.delete(oldest);
      }
    },
    async fetch(origin, url) {
      forgetStale();
      if (origin === null) return fetchSource(origin, url);
      const key = keyOf(origin, url);
      const entry = kept.get(key);
      if (entry === undefined) return fetchSource(origin, url);
      // Taken once: opening the message again fetches it afresh.
      kept.delete(key);
      try {
        return await entry.source;
      } catch {
        return fetchSource(origin, url);
      }
    },
  };
}
