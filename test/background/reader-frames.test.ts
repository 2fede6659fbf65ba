import { describe, expect, it } from 'vitest';
import { createReaderFrames, type FramedMessage } from '../../background/reader-frames';
import { isCachetError } from '../../src/errors';

function tokens() {
  let n = 0;
  return () => `token${n++}`;
}

/** A framed message that notes whether it was dropped. */
function message(name: string): FramedMessage & { readonly name: string; dropped: boolean } {
  const m = { name, dropped: false, drop: () => { m.dropped = true; } };
  return m;
}

describe('reader frames', () => {
  it('hands out a frame URL holding only a token, redeemable once by the same tab', () => {
    const frames = createReaderFrames('chrome-extension://x/reader.html', tokens());
    const framed = message('m');
    const url = frames.open(5, 'message-<id>@example.org', framed);
    expect(url).toBe('chrome-extension://x/reader.html#token0');
    expect(url).not.toContain('message');
    expect(frames.redeem('token0', 5)).toEqual({ messageId: 'message-<id>@example.org', message: framed });
    expect(framed.dropped).toBe(false);
    expect(() => frames.redeem('token0', 5)).toThrow();
  });

  it('refuses a token from another tab, and burns it, dropping its message', () => {
    const frames = createReaderFrames('r', tokens());
    const framed = message('m');
    frames.open(5, 'm', framed);
    let caught: unknown;
    try {
      frames.redeem('token0', 6);
    } catch (error) {
      caught = error;
    }
    expect(isCachetError(caught) && caught.code).toBe('runtime/forbidden');
    expect(framed.dropped).toBe(true);
    expect(() => frames.redeem('token0', 5)).toThrow();
  });

  it('drops the oldest unredeemed tokens beyond its bound, and their messages', () => {
    const frames = createReaderFrames('r', tokens());
    const framed = Array.from({ length: 65 }, (_, i) => message(`m${i}`));
    for (const [i, m] of framed.entries()) frames.open(1, `m${i}`, m);
    expect(framed.map((m) => m.dropped)).toEqual([true, ...Array<boolean>(64).fill(false)]);
    expect(() => frames.redeem('token0', 1)).toThrow();
    expect(frames.redeem('token1', 1).messageId).toBe('m1');
    expect(frames.redeem('token64', 1).messageId).toBe('m64');
  });
});
