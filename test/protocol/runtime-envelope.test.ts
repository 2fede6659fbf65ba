import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachetError, isCachetError } from '../../src/errors';
import { createRuntimeSend, errorResponse, unwrapResponse } from '../../src/protocol/runtime-envelope';
import { base64ToBytes, bytesToBase64 } from '../../src/protocol/runtime-bytes';

describe('runtime envelope', () => {
  it('sends { cachet: 1, type, req } and returns the result', async () => {
    const posted: unknown[] = [];
    const send = createRuntimeSend((m) => {
      posted.push(m);
      return Promise.resolve({ ok: true, res: { statuses: [] } });
    });
    expect(await send('address/status', { addresses: ['a@example.org'] })).toEqual({ statuses: [] });
    expect(posted).toEqual([{ cachet: 1, type: 'address/status', req: { addresses: ['a@example.org'] } }]);
  });

  it('turns an error reply into a CachetError with its code', async () => {
    const send = createRuntimeSend(() => Promise.resolve(errorResponse(new CachetError('policy/locked', 'set by admin'))));
    await expect(send('policy/get', {})).rejects.toSatisfy((e) => isCachetError(e) && e.code === 'policy/locked' && e.message === 'set by admin');
  });

  it.each([undefined, null, 'ok', { ok: false }, { ok: false, error: { code: 'Not A Code', message: 5 } }])('treats %j as an error', (raw) => {
    let caught: unknown;
    try {
      unwrapResponse(raw);
    } catch (error) {
      caught = error;
    }
    expect(isCachetError(caught)).toBe(true);
    expect((caught as CachetError).code).toBe('runtime/internal');
  });

  it('does not leak the message of unexpected errors', () => {
    expect(errorResponse(new Error('/home/user/secret'))).toEqual({ ok: false, error: { code: 'runtime/internal', message: 'internal error in the background' } });
  });
});

describe('runtime bytes', () => {
  it('round-trips any bytes through base64', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    }));
  });

  it('encodes large inputs without overflowing the stack', () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    expect(base64ToBytes(bytesToBase64(big)).length).toBe(big.length);
  });

  it.each(['abc', 'ab!d', 'a===', '=AAA'])('refuses %s', (text) => {
    expect(() => base64ToBytes(text)).toThrow(CachetError);
  });
});
