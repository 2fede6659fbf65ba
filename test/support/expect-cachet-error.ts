import { expect } from 'vitest';
import { isCachetError } from '../../src/errors';

/** Runs `action` and requires it to throw a CachetError with `code`. */
export function expectCachetError(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    expect(isCachetError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected a CachetError ${code}`);
}
