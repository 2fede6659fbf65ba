/**
 * The personal security indicator in the background: drawn at random on first use and kept,
 * changed only from the options page, handed to Cachet pages and frames through the real
 * router and handlers, and never to the content script beside the webmail page.
 */
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../background/handlers';
import { INDICATOR_WORDS } from '../../background/indicator-words';
import { createRouter } from '../../background/router';
import { createSecurityIndicatorStore, randomIndicator } from '../../background/security-indicator-store';
import type { MessageSenderLike } from '../../background/sender';
import type { BackgroundServices } from '../../background/services';
import { checkSecurityIndicator, type SecurityIndicator } from '../../src/protocol/security-indicator';
import { memoryStorage } from './memory-storage';

const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const options: MessageSenderLike = { id: self.id, url: `${self.origin}/options.html`, frameId: 0, tab: { id: 2 } };
const readerFrame: MessageSenderLike = { id: self.id, url: `${self.origin}/reader.html`, frameId: 3, tab: { id: 6 } };
const composeFrame: MessageSenderLike = { id: self.id, url: `${self.origin}/compose.html`, frameId: 4, tab: { id: 6 } };
const content: MessageSenderLike = { id: self.id, url: 'https://mail.example.org/', frameId: 0, tab: { id: 6 } };

const randomBytes = (count: number) => crypto.getRandomValues(new Uint8Array(count));
const chosen: SecurityIndicator = { phrase: 'Blue kettle on the stove', colour: 'purple', glyph: '\u2605' };

function setup(initial: Record<string, unknown> = {}) {
  const storage = memoryStorage(initial);
  const indicator = createSecurityIndicatorStore(storage, randomBytes);
  const route = createRouter(self, createHandlers({ indicator } as unknown as BackgroundServices));
  const send = (type: string, req: unknown, sender: MessageSenderLike) => route({ cachet: 1, type, req }, sender);
  return { storage, indicator, send };
}

describe('security indicator store', () => {
  it('draws two words, a swatch and a letter on first use, keeps them, and gives every caller the same', async () => {
    const { storage, indicator } = setup();
    const [first, second] = await Promise.all([indicator.get(), indicator.get()]);
    expect(first).toEqual(second);
    const words = first?.phrase.split(' ') ?? [];
    expect(words).toHaveLength(2);
    for (const word of words) expect(INDICATOR_WORDS).toContain(word);
    expect(first?.glyph).toMatch(/^[A-Z]$/);
    expect(storage.data['securityIndicator']).toEqual(first);
    expect(await indicator.get()).toEqual(first);
  });

  it('keeps what the user chose', async () => {
    const { indicator } = setup();
    expect(await indicator.set(chosen)).toEqual(chosen);
    expect(await indicator.get()).toEqual(chosen);
  });

  it('draws a new one over something unreadable in storage', async () => {
    const { indicator, storage } = setup({ securityIndicator: { phrase: '', colour: 'chartreuse', glyph: '<' } });
    const drawn = await indicator.get();
    expect(checkSecurityIndicator(drawn)).toEqual(drawn);
    expect(storage.data['securityIndicator']).toEqual(drawn);
  });

  it('draws without bias: every swatch and word turns up', () => {
    const colours = new Set<string>();
    const words = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const drawn = randomIndicator(randomBytes);
      colours.add(drawn.colour);
      for (const word of drawn.phrase.split(' ')) words.add(word);
    }
    expect(colours.size).toBe(8);
    expect(words.size).toBe(INDICATOR_WORDS.length);
  });
});

describe('indicator/get and indicator/set through the router', () => {
  it('the options page sets it; the reader and compose frames get it', async () => {
    const { send } = setup();
    expect(await send('indicator/set', chosen, options)).toEqual({ ok: true, res: chosen });
    expect(await send('indicator/get', {}, readerFrame)).toEqual({ ok: true, res: chosen });
    expect(await send('indicator/get', {}, composeFrame)).toEqual({ ok: true, res: chosen });
  });

  it('a content script is refused both, and learns nothing', async () => {
    const { send, storage } = setup({ securityIndicator: chosen });
    for (const [type, req] of [['indicator/get', {}], ['indicator/set', { ...chosen, phrase: 'mine now' }]] as const) {
      const reply = await send(type, req, content);
      expect(reply).toEqual({ ok: false, error: { code: 'runtime/forbidden', message: `content-script may not send ${type}` } });
    }
    expect(storage.data['securityIndicator']).toEqual(chosen);
  });

  it('a frame cannot change it', async () => {
    const { send } = setup({ securityIndicator: chosen });
    const reply = await send('indicator/set', { ...chosen, phrase: 'framed' }, readerFrame);
    expect(reply.ok === false && reply.error.code).toBe('runtime/forbidden');
  });

  it('refuses an invalid indicator before it is stored', async () => {
    const { send, storage } = setup();
    const reply = await send('indicator/set', { ...chosen, phrase: ' padded ' }, options);
    expect(reply.ok === false && reply.error.code).toBe('input/invalid');
    expect(storage.data).toEqual({});
  });
});
