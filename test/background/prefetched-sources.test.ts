/**
 * A source fetched when the user selects a message is the one the reader frame gets a
 * moment later, once; a stale, failed or unknown one is fetched afresh, and only a few
 * are ever kept.
 */
import { describe, expect, it } from 'vitest';
import { framePrefetchSource } from '../../background/handlers/frame-prefetch-source';
import { createPrefetchedSources } from '../../background/prefetched-sources';
import type { BackgroundServices } from '../../background/services';
import { rejectsWith } from '../transports/support/rejects-with';

const site = 'https://webmail.example.org';
const url = (uid: number) => `${site}/?_task=mail&_action=viewsource&_uid=${uid}&_mbox=INBOX&_save=1`;

function world() {
  let clock = 0;
  let fail = false;
  const fetched: string[] = [];
  const sources = createPrefetchedSources((origin, u) => {
    fetched.push(u);
    if (fail) return Promise.reject(new Error('down'));
    return Promise.resolve(new TextEncoder().encode(`${origin} ${u} #${fetched.length}`));
  }, () => clock);
  return { sources, fetched, tick: (ms: number) => { clock += ms; }, failing: (on: boolean) => { fail = on; } };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('prefetched sources', () => {
  it('gives the reader the source fetched at selection, once, without a second request', async () => {
    const { sources, fetched } = world();
    sources.prefetch(site, url(1));
    sources.prefetch(site, url(1));
    expect(text(await sources.fetch(site, url(1)))).toBe(`${site} ${url(1)} #1`);
    expect(fetched).toEqual([url(1)]);
    // Opened again: fetched afresh.
    expect(text(await sources.fetch(site, url(1)))).toBe(`${site} ${url(1)} #2`);
  });

  it('fetches afresh what was prefetched too long ago, or for another origin', async () => {
    const { sources, fetched, tick } = world();
    sources.prefetch(site, url(1));
    tick(21_000);
    await sources.fetch(site, url(1));
    sources.prefetch(site, url(2));
    await sources.fetch('https://other.example.org', url(2));
    expect(fetched).toEqual([url(1), url(1), url(2), url(2)]);
  });

  it('fetches again when the prefetch failed, and the reader hears of the new fetch\'s failure only', async () => {
    const { sources, fetched, failing } = world();
    failing(true);
    sources.prefetch(site, url(1));
    await expect(sources.fetch(site, url(1))).rejects.toThrow('down');
    expect(fetched).toEqual([url(1), url(1)]);
  });

  it('keeps the last two selections only', async () => {
    const { sources, fetched } = world();
    for (const uid of [1, 2, 3]) sources.prefetch(site, url(uid));
    await sources.fetch(site, url(1));
    await sources.fetch(site, url(3));
    expect(fetched).toEqual([url(1), url(2), url(3), url(1)]);
  });
});

describe('frame/prefetch-source', () => {
  const asked: string[] = [];
  const handler = framePrefetchSource({ prefetchSource: (origin: string, u: string) => asked.push(`${origin} ${u}`) } as unknown as BackgroundServices);
  const tab = { kind: 'content-script', tabId: 4, frameId: 0, origin: site } as const;

  it('starts the fetch for the sender\'s own origin only', async () => {
    expect(await handler({ sourceUrl: url(1) }, tab)).toEqual({});
    await rejectsWith(handler({ sourceUrl: 'https://elsewhere.example.net/?_uid=1' }, tab), 'runtime/forbidden');
    await rejectsWith(handler({ sourceUrl: url(2) }, { kind: 'secure-frame', page: '/reader.html', tabId: 4, frameId: 1 }), 'runtime/forbidden');
    expect(asked).toEqual([`${site} ${url(1)}`]);
  });
});

