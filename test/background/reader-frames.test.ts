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
    const url = frames.open(5, 'message-<id>@example.org');
    expect(url).toBe('chrome-extension://x/reader.html#token0');
    expect(url).not.toContain('message');
    expect(frames.redeem('token0', 5)).toBe('message-<id>@example.org');
    expect(() => frames.redeem('token0', 5)).toThrow();
  });

  it('refuses a token from another tab, and burns it', () => {
    const frames = createReaderFrames('r', tokens());
    frames.open(5, 'm');
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
    for (let i = 0; i < 65; i++) frames.open(1, `m${i}`);
    expect(() => frames.redeem('token0', 1)).toThrow();
    expect(frames.redeem('token1', 1)).toBe('m1');
    expect(frames.redeem('token64', 1)).toBe('m64');
  });
});
