/**
 * The framed reader's early request (src/ui/pages/reader/early-open.ts): the boot script
 * asks for the message with the frame's token before the page's bundle loads, and the
 * page takes that request once, its reply unwrapped as the page's own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCachetError } from '../../../src/errors';
import type { RuntimeRequestMessage } from '../../../src/protocol/runtime-envelope';
import { askEarly, takeEarlyOpening } from '../../../src/ui/pages/reader/early-open';

/** A page at `hash`, framed by another window or standing alone. */
function pageAt(hash: string, framed: boolean): void {
  const self = {} as { top?: unknown };
  self.top = framed ? {} : self;
  vi.stubGlobal('window', self);
  vi.stubGlobal('location', { hash });
}

afterEach(() => {
  takeEarlyOpening()?.catch(() => undefined);
  vi.unstubAllGlobals();
});

describe('the reader\'s early request', () => {
  it('asks with the frame\'s token, and is handed to the page once', async () => {
    pageAt('#token-1', true);
    const posted: RuntimeRequestMessage[] = [];
    askEarly((message) => {
      posted.push(message);
      return Promise.resolve({ ok: true, res: { sessionId: 's1' } });
    });
    expect(posted).toEqual([{ cachet: 1, type: 'reader/open-frame', req: { token: 'token-1' } }]);
    await expect(takeEarlyOpening()).resolves.toEqual({ sessionId: 's1' });
    // The token is spent: a second taker must not think it holds the message.
    expect(takeEarlyOpening()).toBeUndefined();
  });

  it('hands over a refusal as the page\'s own typed error', async () => {
    pageAt('#guessed', true);
    askEarly(() => Promise.resolve({ ok: false, error: { code: 'runtime/forbidden', message: 'unknown reader frame' } }));
    const error = await takeEarlyOpening()?.catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('runtime/forbidden');
  });

  it('asks nothing for a page that is not framed, or framed without a token', () => {
    const post = vi.fn(() => Promise.resolve({ ok: true, res: {} }));
    pageAt('#token-1', false);
    askEarly(post);
    pageAt('', true);
    askEarly(post);
    pageAt('#', true);
    askEarly(post);
    expect(post).not.toHaveBeenCalled();
    expect(takeEarlyOpening()).toBeUndefined();
  });
});
