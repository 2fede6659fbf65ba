/**
 * Cachet's shared controls driven by the Outlook adapter on the reconstructed captures:
 * the reader hands the background Microsoft Graph's id of the message, which the request
 * validator takes and the site's fetch transport fetches by; the Secure button sits before
 * Send, and a Secure reply names its original by the same id, quoted in the compose frame
 * only; a page whose selectors no longer match is left as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createComposeFrames } from '../../background/compose-frames';
import { composeOpenFrame } from '../../background/handlers/compose-open-frame';
import { frameOpenCompose } from '../../background/handlers/frame-open-compose';
import { frameOpenReader } from '../../background/handlers/frame-open-reader';
import type { BackgroundServices } from '../../background/services';
import { outlookAdapter } from '../../content/adapters/outlook/adapter';
import type { PageController } from '../../content/page-controller';
import { validateRequest } from '../../src/protocol/runtime-requests';
import { memoryStorage } from '../background/memory-storage';
import { controlledCapture, settle, shadowButton } from './fake-platform';

const work = 'https://outlook.office.com';
const graphId = 'AAMkADAwZjQ5YTM4LWE1MmItNGQxZC1iOTZhLTIyNmY4ZWZmN2M0MQBGAAAAAAC8_Kw1t6zGQ7W0ySKfX3ZfBwBVsH-q3xGrTJ5y9cJkL2mPAAAAAAEMAABVsH-q3xGrTJ5y9cJkL2mPAAAe1TxRAAA=';
let controller: PageController | undefined;
afterEach(() => controller?.stop());

function start(name: string, edit?: (html: string) => string) {
  const started = controlledCapture(outlookAdapter, `outlook-2026-12/${name}.html`, work, edit);
  controller = started.controller;
  return started;
}

describe('Cachet in Outlook on the web', () => {
  it('puts the reader in place of the message body and asks for the message by its Graph id', async () => {
    const { doc, fake } = start('message-encrypted');
    await settle();
    const body = doc.getElementById('UniqueMessageBody_1') as HTMLElement;
    expect(body.previousElementSibling?.getAttribute('data-cachet')).toBe('reader');
    expect(body.style.display).toBe('none');
    expect(fake.requests).toEqual([{ type: 'frame/open-reader', req: { messageId: `outlook/${graphId}`, provider: { provider: 'graph', id: graphId } } }]);
  });

  it('hands over a request the background takes: the site\'s fetch transport gets the Graph id for the page\'s origin', async () => {
    const { fake } = start('message-encrypted');
    await settle();
    const req = validateRequest('frame/open-reader', fake.requests[0]?.req);
    expect(req).toEqual({ messageId: `outlook/${graphId}`, provider: { provider: 'graph', id: graphId } });
    const opened: unknown[] = [];
    const asked: unknown[] = [];
    const raw = new TextEncoder().encode('MIME-Version: 1.0\r\n\r\n');
    const prepared: Uint8Array[] = [];
    const pending = { open: () => Promise.reject(new Error('not asked here')), drop: () => undefined };
    const services = {
      readerFrames: { open: (...args: unknown[]) => opened.push(args) },
      reader: { prepare: (source: Uint8Array) => { prepared.push(source); return pending; } },
      policy: { current: () => Promise.resolve({ siteTransports: [{ origin: work, send: 'graph', fetch: 'graph', jmapUrl: null, jmapUser: null }] }) },
      pageSource: () => Promise.reject(new Error('not the page')),
      transport: { fetchByProviderId: (site: string, id: string) => { asked.push([site, id]); return Promise.resolve(raw); } },
    } as unknown as BackgroundServices;
    const sender = { kind: 'content-script', tabId: 6, frameId: 0, origin: work } as const;
    await frameOpenReader(services)(req, sender);
    expect(asked).toEqual([[work, graphId]]);
    expect(prepared).toEqual([raw]);
    expect(opened).toEqual([[6, `outlook/${graphId}`, pending]]);
  });

  it.each([
    ['the message and a place besides', { messageId: 'm', source: 'TUlNRQ==', provider: { provider: 'graph', id: graphId } }],
    ['no source at all', { messageId: 'm' }],
    ['an unknown provider', { messageId: 'm', provider: { provider: 'jmap', id: 'M1234' } }],
    ['a Gmail id that is not hexadecimal', { messageId: 'm', provider: { provider: 'gmail', id: '18c3a9e1f05b2dez' } }],
    ['an id that is no Graph id', { messageId: 'm', provider: { provider: 'graph', id: '../me/sendMail' } }],
    ['an id past reason', { messageId: 'm', provider: { provider: 'graph', id: 'A'.repeat(513) } }],
    ['an extra field', { messageId: 'm', provider: { provider: 'graph', id: graphId, folder: 'inbox' } }],
  ])('is refused on receipt with %s', (_what, req) => {
    expect(() => validateRequest('frame/open-reader', req)).toThrow(expect.objectContaining({ code: 'input/invalid' }) as Error);
  });

  it('puts Secure before Send and hands over the new message\'s fields', async () => {
    const { doc, fake } = start('compose-new');
    await settle();
    const bar = doc.querySelector('.OTADH') as HTMLElement;
    const host = bar.firstElementChild as HTMLElement;
    expect(host.getAttribute('data-cachet')).toBe('compose-button');
    shadowButton(host).click();
    await settle();
    expect(fake.requests).toEqual([{
      type: 'frame/open-compose',
      req: { fields: { from: 'carol@example.test', to: ['alice@example.com', 'bob@example.org'], cc: ['dave@example.test'], bcc: [], subject: 'Budget 2027' }, mode: 'new' },
    }]);
    expect([...bar.querySelectorAll('button')].map((b) => b.style.display)).toEqual(['none', 'none', 'none']);
    const editor = doc.querySelector('[contenteditable="true"][aria-label="Message body"]') as HTMLElement;
    expect(editor.style.display).toBe('none');
    fake.emit({ cachetEvent: 'compose/sent', slot: 'slot1' });
    await settle();
    expect(fake.navigations).toEqual([`${work}/mail/`]);
  });

  it('opens a Secure reply with the original named by its Graph id, which the background quotes in the compose frame alone', async () => {
    const { doc, fake } = start('compose-reply');
    await settle();
    const bar = doc.querySelector('.OTADH') as HTMLElement;
    shadowButton(bar.firstElementChild as HTMLElement).click();
    await settle();
    const asked = fake.requests.find((r) => r.type === 'frame/open-compose');
    expect(asked?.req).toEqual({
      fields: { from: 'carol@example.test', to: ['alice@example.com'], cc: [], bcc: [], subject: 'RE: Quarterly figures' },
      mode: 'reply',
      originalProvider: { provider: 'graph', id: graphId },
    });
    // The background takes it; the original is fetched only when the compose frame redeems its token.
    const req = validateRequest('frame/open-compose', asked?.req);
    const fetched: unknown[] = [];
    const plaintext = 'Q4 revenue: 4.2 million';
    const services = {
      composeFrames: createComposeFrames('chrome-extension://id/compose.html', memoryStorage(), () => `tok${fetched.length}tok`),
      policy: { current: () => Promise.resolve({ siteTransports: [{ origin: work, send: 'graph', fetch: 'graph', jmapUrl: null, jmapUser: null }] }) },
      pageSource: () => Promise.reject(new Error('not the page')),
      transport: { fetchByProviderId: (site: string, id: string) => { fetched.push([site, id]); return Promise.resolve(new TextEncoder().encode('Message-ID: <q4@example.com>\r\n\r\n')); } },
      reader: { open: () => Promise.resolve({ from: 'Alice <alice@example.com>', date: 'Mon, 7 Dec 2026 10:02:00 +0000', subject: 'Quarterly figures', html: null, text: plaintext }) },
    } as unknown as BackgroundServices;
    const opened = await frameOpenCompose(services)(req, { kind: 'content-script', tabId: 6, frameId: 0, origin: work });
    expect(fetched).toEqual([]);
    expect(JSON.stringify(opened)).not.toContain('Q4');
    const view = await composeOpenFrame(services)({ token: opened.url.split('#')[1] ?? '' }, { kind: 'secure-frame', page: '/compose.html', tabId: 6, frameId: 2 });
    expect(fetched).toEqual([[work, graphId]]);
    expect(view.quote).toMatchObject({ from: 'Alice <alice@example.com>', text: plaintext, messageId: '<q4@example.com>' });
    expect(doc.documentElement.outerHTML).not.toContain('Q4');
  });

  it.each([
    ['message-encrypted', 'id="UniqueMessageBody_1"', 'id="Body_1"'],
    ['message-encrypted', 'smime.p7m', 'report.pdf'],
    ['compose-new', 'aria-label="Send"', 'aria-label="Senden"'],
    ['compose-new', 'aria-label="Message body"', 'aria-label="Nachrichtentext"'],
  ])('leaves %s exactly as it was when %s is no longer found', async (name, from, to) => {
    const { doc, fake, before } = start(name, (html) => html.replaceAll(from, to));
    await settle();
    expect(doc.documentElement.outerHTML).toBe(before);
    expect(fake.requests).toEqual([]);
  });
});
