/**
 * Directory answers are reused for the policy's cacheSeconds, per address and per search
 * settings; failures are never kept; and what the session store gives back is checked
 * before it is believed (src/directory/directory-cache.ts).
 */
import { describe, expect, it } from 'vitest';
import { answerKey, createDirectoryCache, type AnswerStore } from '../../src/directory/directory-cache';
import { directorySearchOf, type DirectoryAnswer } from '../../src/directory/directory-source';
import { CachetError } from '../../src/errors';
import { defaultDirectorySettings, type DirectoryPolicy } from '../../src/policy';

const policy: DirectoryPolicy = { ...defaultDirectorySettings, url: 'ldap://ldap.example.org', baseDn: 'dc=example,dc=org' };
const search = directorySearchOf(policy);
const hour = 3600_000;

function answerFor(address: string): DirectoryAnswer {
  return { entries: [{ dn: `cn=${address},dc=example,dc=org`, kind: 'person', addresses: [address], certificates: [] }], truncated: false };
}

function directory(fail?: () => Error | undefined) {
  const asked: string[] = [];
  return {
    asked,
    ask: (address: string): Promise<DirectoryAnswer> => {
      asked.push(address);
      const error = fail?.();
      return error ? Promise.reject(error) : Promise.resolve(answerFor(address));
    },
  };
}

function memoryStore(): AnswerStore & { readonly items: Map<string, unknown> } {
  const items = new Map<string, unknown>();
  return {
    items,
    get: (key) => Promise.resolve(items.get(key)),
    set: (key, value) => {
      items.set(key, JSON.parse(JSON.stringify(value)) as unknown);
      return Promise.resolve();
    },
    remove: (key) => {
      items.delete(key);
      return Promise.resolve();
    },
  };
}

describe('directory answer cache', () => {
  it('answers the same address from the cache until cacheSeconds have passed', async () => {
    let now = 1_000_000;
    const cache = createDirectoryCache({ now: () => now });
    const server = directory();
    const lookUp = cache.searchFor(search, hour, server.ask);
    expect(await lookUp('bob@example.org')).toEqual(answerFor('bob@example.org'));
    now += hour - 1;
    expect(await lookUp('Bob@Example.ORG')).toEqual(answerFor('bob@example.org'));
    expect(server.asked).toEqual(['bob@example.org']);
    now += 1;
    await lookUp('bob@example.org');
    expect(server.asked).toEqual(['bob@example.org', 'bob@example.org']);
  });

  it('keeps answers apart per address and per search settings, but not per time limit', async () => {
    const cache = createDirectoryCache({});
    const server = directory();
    await cache.searchFor(search, hour, server.ask)('bob@example.org');
    await cache.searchFor(search, hour, server.ask)('carol@example.org');
    await cache.searchFor({ ...search, baseDn: 'ou=Other,dc=example,dc=org' }, hour, server.ask)('bob@example.org');
    await cache.searchFor({ ...search, timeoutMs: 9000 }, hour, server.ask)('bob@example.org');
    expect(server.asked).toEqual(['bob@example.org', 'carol@example.org', 'bob@example.org']);
  });

  it('never keeps a failure: a directory that was down is asked again', async () => {
    let down = true;
    const cache = createDirectoryCache({});
    const server = directory(() => (down ? new CachetError('directory/unreachable', 'refused') : undefined));
    const lookUp = cache.searchFor(search, hour, server.ask);
    await expect(lookUp('bob@example.org')).rejects.toThrow('refused');
    down = false;
    await expect(lookUp('bob@example.org')).resolves.toEqual(answerFor('bob@example.org'));
    expect(server.asked).toHaveLength(2);
  });

  it('with cacheSeconds 0 asks every time', async () => {
    const cache = createDirectoryCache({});
    const server = directory();
    const lookUp = cache.searchFor(search, 0, server.ask);
    await lookUp('bob@example.org');
    await lookUp('bob@example.org');
    expect(server.asked).toHaveLength(2);
  });

  it('outlives the service worker through the session store, within the same time', async () => {
    let now = 5_000_000;
    const store = memoryStore();
    const server = directory();
    await createDirectoryCache({ now: () => now, store }).searchFor(search, hour, server.ask)('bob@example.org');
    expect(store.items.has(answerKey(search, 'bob@example.org'))).toBe(true);
    // A new worker: nothing in memory, the stored answer is used.
    const restarted = createDirectoryCache({ now: () => now, store });
    expect(await restarted.searchFor(search, hour, server.ask)('bob@example.org')).toEqual(answerFor('bob@example.org'));
    expect(server.asked).toHaveLength(1);
    now += hour;
    await createDirectoryCache({ now: () => now, store }).searchFor(search, hour, server.ask)('bob@example.org');
    expect(server.asked).toHaveLength(2);
  });

  it('does not believe a stored answer that is not one, nor one from the future, and drops it', async () => {
    const store = memoryStore();
    const key = answerKey(search, 'bob@example.org');
    const server = directory();
    for (const bad of [
      'text',
      { atMs: 1000, answer: { entries: 'none', truncated: false } },
      { atMs: 1000, answer: { entries: [{ dn: 7, kind: 'person', addresses: [], certificates: [] }], truncated: false } },
      { atMs: 1000, answer: { entries: [{ dn: 'cn=x', kind: 'person', addresses: [], certificates: [{ attribute: 'userCertificate', der: 'not base64!' }] }], truncated: false } },
      { atMs: 9_000_000, answer: answerFor('mallory@example.org') },
    ]) {
      store.items.set(key, bad);
      const answer = await createDirectoryCache({ now: () => 2000, store }).searchFor(search, hour, server.ask)('bob@example.org');
      expect(answer, JSON.stringify(bad)).toEqual(answerFor('bob@example.org'));
    }
    expect(server.asked).toHaveLength(5);
  });

  it('keeps answering when the session store refuses to keep more', async () => {
    const store: AnswerStore = {
      get: () => Promise.resolve(undefined),
      set: () => Promise.reject(new Error('QUOTA_BYTES quota exceeded')),
      remove: () => Promise.resolve(),
    };
    const server = directory();
    const lookUp = createDirectoryCache({ store }).searchFor(search, hour, server.ask);
    await lookUp('bob@example.org');
    await lookUp('bob@example.org');
    expect(server.asked).toHaveLength(1);
  });
});
