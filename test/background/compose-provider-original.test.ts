/**
 * A Secure reply in Outlook on the web: the content script names the original by its
 * Microsoft Graph id and gets only an opaque compose frame URL; the compose frame in the
 * same tab gets the quote, read by Cachet's reader from the copy the site's fetch
 * transport took from a loopback Graph that implements the documented contract. The
 * original is encrypted; its plaintext reaches the compose frame only (DESIGN.md invariant 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeFrames } from '../../background/compose-frames';
import { createHandlers } from '../../background/handlers';
import { graphScopes } from '../../background/oauth/oauth-providers';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { createRouter, type Route } from '../../background/router';
import type { MessageSenderLike } from '../../background/sender';
import type { BackgroundServices } from '../../background/services';
import { createGraphTransport } from '../../background/transports/graph-transport';
import { createSiteTransports } from '../../background/transports/site-transports';
import type { MailTransport } from '../../background/transports/transport';
import type { ComposeFrameView } from '../../src/protocol/runtime';
import { startGraphServer, type GraphServer } from '../transports/support/graph-server';
import { oauthWorld, type OAuthWorld } from '../transports/support/oauth-harness';
import { smimeFixture, type SmimeFixture } from '../transports/support/smime-fixture';
import { memoryStorage } from './memory-storage';

const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const outlook = 'https://outlook.office.com';
const webmailTab: MessageSenderLike = { id: self.id, url: `${outlook}/mail/inbox/id/AAMkAD`, origin: outlook, frameId: 0, tab: { id: 6 } };
const composeFrame: MessageSenderLike = { id: self.id, url: `${self.origin}/compose.html`, frameId: 3, tab: { id: 6 } };
const fields = { from: 'dave@example.org', to: ['rsa@example.org'], cc: [], bcc: [], subject: 'RE: Quarterly figures' };

let oauth: OAuthWorld;
let graph: GraphServer;
let fixture: SmimeFixture;
let original: Uint8Array;
let graphId: string;

beforeAll(async () => {
  oauth = await oauthWorld('microsoft');
  graph = await startGraphServer(oauth.server);
  fixture = smimeFixture();
  // The original lands in the loopback Graph's store as Exchange would keep it.
  original = (await fixture.build({ attachmentBytes: 100, subject: 'Quarterly figures' })).message;
  await graphTransport().submit(outlook, original, { from: 'rsa@example.org', to: ['dave@example.org'] });
  graphId = graph.sent.at(-1)?.id ?? '';
});
afterAll(async () => {
  await graph.close();
  await oauth.close();
  fixture.remove();
});

function graphTransport(): MailTransport {
  return createGraphTransport({ tokens: oauth.tokens, apiBase: `${graph.origin}/v1.0`, fetch: (input, init) => fetch(input, init) });
}

const unused: MailTransport = {
  submit: () => Promise.reject(new Error('not used')),
  fetchByMessageId: () => Promise.reject(new Error('not used')),
};

/** The background as the webmail tab and its compose frame reach it; Outlook fetches through `fetchThrough`. */
async function background(fetchThrough: 'graph' | 'host-mail'): Promise<Route> {
  const policy = createPolicyStore(memoryStorage(), memoryStorage({
    [userOptionsKey]: { siteTransports: [{ origin: outlook, send: 'graph', fetch: fetchThrough }] },
  }));
  let n = 0;
  const services = {
    composeFrames: createComposeFrames(`${self.origin}/compose.html`, memoryStorage(), () => `token${++n}token${n}token${n}`),
    policy,
    transport: createSiteTransports(policy, { 'host-mail': unused, gmail: unused, graph: graphTransport(), jmap: unused }),
    reader: await fixture.reader(),
    pageSource: () => Promise.reject(new Error('the page\'s session is not used for a Graph message')),
  } as unknown as BackgroundServices;
  return createRouter(self, createHandlers(services));
}

async function secureReply(route: Route, id: string): Promise<{ opened: unknown; view: ComposeFrameView }> {
  const opened = await route({ cachet: 1, type: 'frame/open-compose', req: { fields, mode: 'reply', originalProvider: { provider: 'graph', id } } }, webmailTab);
  if (!opened.ok) throw new Error(opened.error.message);
  const { url } = opened.res as { url: string };
  const redeemed = await route({ cachet: 1, type: 'compose/open-frame', req: { token: url.split('#')[1] } }, composeFrame);
  if (!redeemed.ok) throw new Error(redeemed.error.message);
  return { opened: opened.res, view: redeemed.res as ComposeFrameView };
}

describe('the original of a Secure reply in Outlook, named by its Graph id', () => {
  it('is fetched through Graph\'s $value with Mail.Read and quoted from Cachet\'s own decrypted copy, in the compose frame only', async () => {
    const route = await background('graph');
    const { opened, view } = await secureReply(route, graphId);
    // The webmail tab gets an opaque URL and a slot, nothing of the message.
    expect(Object.keys(opened as object).sort()).toEqual(['slot', 'url']);
    expect(JSON.stringify(opened)).not.toContain('figures are attached');
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.from(original).toString('latin1'))?.[1];
    expect(view).toMatchObject({
      mode: 'reply', site: outlook, fields,
      quote: { from: 'Rsa Sender <rsa@example.org>', subject: 'Quarterly figures', text: expect.stringMatching(/^The figures are attached\.\r?\n$/) as unknown, messageId, references: '' },
    });
    expect(view.quoteProblem).toBeUndefined();
    const asked = graph.loopback.received.filter((r) => r.url.pathname.endsWith('/$value'));
    expect(asked.map((r) => decodeURIComponent(r.url.pathname))).toEqual([`/v1.0/me/messages/${graphId}/$value`]);
    expect(oauth.server.tokens.get(asked[0]?.headers.authorization?.replace(/^Bearer /, '') ?? '')?.scopes).toContain(graphScopes.read);
  });

  it('says in the compose frame why there is no quote when Graph has no such message', async () => {
    const { view } = await secureReply(await background('graph'), 'AAMkADgone');
    expect(view.quote).toBeUndefined();
    expect(view.quoteProblem).toMatch(/^Microsoft Graph has no such message/);
  });

  it('says which setting to change when the site fetches through the mail server, which knows no Graph ids', async () => {
    const { view } = await secureReply(await background('host-mail'), graphId);
    expect(view.quote).toBeUndefined();
    expect(view.quoteProblem).toMatch(/fetches through host-mail.*Sending and fetching/);
  });

  it('is refused on receipt beside another way to name the original', async () => {
    const route = await background('graph');
    const reply = await route({
      cachet: 1, type: 'frame/open-compose',
      req: { fields, mode: 'reply', originalMessageId: '<m1@example.org>', originalProvider: { provider: 'graph', id: graphId } },
    }, webmailTab);
    expect(reply).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
  });
});
