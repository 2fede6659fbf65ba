import { expect } from 'vitest';
import { isCachetError } from '../../../src/errors';

/** Awaits `promise` and requires it to reject with a CachetError of `code` whose message matches `message`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<string> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(isCachetError(caught) ? `${caught.code}: ${caught.message}` : caught).toMatch(new RegExp(`^${code.replace('/', '\\/')}: `));
  const text = isCachetError(caught) ? caught.message : '';
  if (message !== undefined) expect(text).toMatch(message);
  return text;
}
