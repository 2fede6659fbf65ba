/**
 * Where the background fetches a message's raw source from (background/raw-message.ts),
 * one rule for the reader frame and a reply's quote: through the webmail's API where the
 * site fetches through that API, else with the page's session, else by Message-ID from
 * the site's fetch transport; never a Graph id through another API.
 */
import { describe, expect, it } from 'vitest';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { fetchRawMessage, type RawMessageServices } from '../../background/raw-message';
import type { SiteTransportPolicy } from '../../src/policy';
import { memoryStorage } from './memory-storage';
import { rejectsWith } from '../transports/support/rejects-with';

const gmail = 'https://mail.google.com';
const pageUrl = `${gmail}/mail/u/0/?view=att&permmsgid=msg-f:1784456665234091493&attid=0&disp=comp&safe=1&zw`;
const provider = { provider: 'gmail', id: '18c3a9e1f05b2de5' } as const;

function world(siteTransports: readonly Partial<SiteTransportPolicy>[]) {
  const calls: string[] = [];
  const bytes = (what: string) => (calls.push(what), Promise.resolve(new TextEncoder().encode(what)));
  const services: RawMessageServices = {
    policy: createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { siteTransports } })),
    pageSource: (origin, url) => bytes(`page ${origin} ${url}`),
    transport: {
      submit: () => Promise.reject(new Error('not sending')),
      fetchByMessageId: (site, id) => bytes(`message-id ${site} ${id}`),
      fetchByProviderId: (site, id) => bytes(`api ${site} ${id}`),
    },
  };
  return { services, calls };
}

describe('raw message source', () => {
  it('takes the Gmail API when the site fetches through it, and the page\'s session is not used', async () => {
    const { services, calls } = world([{ origin: gmail, send: 'gmail', fetch: 'gmail' }]);
    await fetchRawMessage(services, gmail, { pageUrl, provider });
    expect(calls).toEqual([`api ${gmail} 18c3a9e1f05b2de5`]);
  });

  it('takes the page\'s own raw source when the site fetches otherwise, or is not listed', async () => {
    for (const listed of [[{ origin: gmail, send: 'gmail', fetch: 'host-mail' }], []] as const) {
      const { services, calls } = world(listed);
      await fetchRawMessage(services, gmail, { pageUrl, provider });
      expect(calls).toEqual([`page ${gmail} ${pageUrl}`]);
    }
  });

  it('fetches by Message-ID through the site\'s transport when that is all the page gives', async () => {
    const { services, calls } = world([]);
    await fetchRawMessage(services, 'https://webmail.example.org', { messageId: '<m1@example.org>' });
    expect(calls).toEqual(['message-id https://webmail.example.org <m1@example.org>']);
  });

  it('never hands one API\'s id to another, and says what to choose', async () => {
    const outlook = 'https://outlook.office.com';
    const { services, calls } = world([{ origin: outlook, send: 'gmail', fetch: 'gmail' }]);
    await rejectsWith(fetchRawMessage(services, outlook, { provider: { provider: 'graph', id: 'AAMkAD' } }), 'mail/no-account',
      /only through Microsoft Graph, and https:\/\/outlook\.office\.com fetches through gmail: choose Microsoft Graph under "Sending and fetching"/);
    expect(calls).toEqual([]);
  });

  it('refuses a request that names the message no way at all', async () => {
    await rejectsWith(fetchRawMessage(world([]).services, gmail, {}), 'input/invalid');
  });
});
