/**
 * Directory answers are reused for the policy's `cacheSeconds` (issue 14): compose asks
 * for every recipient each time the sender edits a field, and a directory answers the
 * same for an hour. Answers are kept per address and per search (a changed policy asks
 * afresh); failures are not kept, so a directory that was down is asked again.
 *
 * The service worker may be stopped between two questions, so the background also keeps
 * answers in `storage.session` (the `store` here); what is read back from there is
 * checked like a native response before it is used.
 */
import { validateNativeResponse } from '../protocol/native-validators';
import type { DirectorySearch } from '../protocol/native';
import type { DirectoryAnswer, DirectorySearchFunction } from './directory-source';

export interface AnswerStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface DirectoryCacheOptions {
  readonly now?: () => number;
  readonly store?: AnswerStore;
}

/** Addresses kept in memory; a sender writes to far fewer between two worker restarts. */
const maxRemembered = 500;

interface Kept {
  readonly atMs: number;
  readonly answer: DirectoryAnswer;
}

/** The key of one answer: the search as sent (which server, where, how) and the address, case folded. */
export function answerKey(search: DirectorySearch, address: string): string {
  const { timeoutMs: _timeout, ...what } = search;
  return `directory:${JSON.stringify(what)}:${address.toLowerCase()}`;
}

function kept(value: unknown): Kept | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { atMs, answer } = value as Record<string, unknown>;
  if (typeof atMs !== 'number' || !Number.isFinite(atMs)) return undefined;
  try {
    return { atMs, answer: validateNativeResponse('directory/search', answer) };
  } catch {
    return undefined;
  }
}

export interface DirectoryCache {
  /** The search for `search`'s settings, answered from the cache for `ttlMs` after each answer. */
  searchFor(search: DirectorySearch, ttlMs: number, ask: DirectorySearchFunction): DirectorySearchFunction;
}

export function createDirectoryCache(options: DirectoryCacheOptions): DirectoryCache {
  const now = options.now ?? (() => Date.now());
  const memory = new Map<string, Kept>();

  async function recall(key: string, ttlMs: number): Promise<DirectoryAnswer | undefined> {
    const fresh = (entry: Kept | undefined): entry is Kept => entry !== undefined && entry.atMs <= now() && now() - entry.atMs < ttlMs;
    const inMemory = memory.get(key);
    if (fresh(inMemory)) return inMemory.answer;
    memory.delete(key);
    if (options.store === undefined) return undefined;
    const stored = kept(await options.store.get(key).catch(() => undefined));
    if (fresh(stored)) {
      memory.set(key, stored);
      return stored.answer;
    }
    if (stored !== undefined) await options.store.remove(key).catch(() => undefined);
    return undefined;
  }

  async function keep(key: string, answer: DirectoryAnswer): Promise<void> {
    const entry = { atMs: now(), answer };
    memory.delete(key);
    memory.set(key, entry);
    if (memory.size > maxRemembered) {
      const oldest = memory.keys().next().value;
      if (oldest !== undefined) memory.delete(oldest);
    }
    // Session storage has a quota; an answer that does not fit is only kept in memory.
    await options.store?.set(key, entry).catch(() => undefined);
  }

  return {
    searchFor(search, ttlMs, ask) {
      if (ttlMs <= 0) return ask;
      return async (address) => {
        const key = answerKey(search, address);
        const known = await recall(key, ttlMs);
        if (known !== undefined) return known;
        const answer = await ask(address);
        await keep(key, answer);
        return answer;
      };
    },
  };
}
