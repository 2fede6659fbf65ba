import { describe, expect, it } from 'vitest';
import { createReaderFrames } from '../../background/reader-frames';
import { isCachetError } from '../../src/errors';

function tokens() {
  let n = 0;
  return () => `token${n++}`;
}

describe('reader frames', () => {
  it('hands out a frame URL holding only a token, redeemable once by the same tab', () => {
    const frames = createReaderFrames('chrome-extension://x/reader.html', tokens());
    const source = new Uint8Array([1, 2, 3]);
    const url = frames.open(5, 'message-<id>@example.org', source);
    expect(url).toBe('chrome-extension://x/reader.html#token0');
    expect(url).not.toContain('message');
    expect(frames.redeem('token0', 5)).toEqual({ messageId: 'message-<id>@example.org', source });
    expect(() => frames.redeem('token0', 5)).toThrow();
  });

  it('refuses a token from another tab, and burns it', () => {
    const frames = createReaderFrames('r', tokens());
    frames.open(5, 'm', new Uint8Array());
    let caught: unknown;
    try {
      frames.redeem('token0', 6);
    } catch (error) {
      caught = error;
    }
    expect(isCachetError(caught) && caught.code).toBe('runtime/forbidden');
    expect(() => frames.redeem('token0', 5)).toThrow();
  });

  it('drops the oldest unredeemed tokens beyond its bound', () => {
    const frames = createReaderFrames('r', tokens());
    for (let i = 0; i < 65; i++) frames.open(1, `m${i}`, new Uint8Array([i]));
    expect(() => frames.redeem('token0', 1)).toThrow();
    expect(frames.redeem('token1', 1).messageId).toBe('m1');
    expect(frames.redeem('token64', 1).messageId).toBe('m64');
  });
});
