import { describe, expect, it } from 'vitest';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { isCachetError } from '../../src/errors';
import { defaultPolicy } from '../../src/policy';
import { memoryStorage } from './memory-storage';

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
}

describe('policy store', () => {
  it('gives the defaults with nothing stored', async () => {
    const store = createPolicyStore(memoryStorage(), memoryStorage());
    expect(await store.current()).toEqual(defaultPolicy);
  });

  it('stores a user option and reads it back', async () => {
    const local = memoryStorage();
    const store = createPolicyStore(memoryStorage(), local);
    const view = await store.setUser('alwaysSign', true);
    expect(view.policy.alwaysSign).toBe(true);
    expect(local.data[userOptionsKey]).toEqual({ alwaysSign: true });
    expect((await createPolicyStore(memoryStorage(), local).current()).alwaysSign).toBe(true);
  });

  it('stores the normalised value, not the raw one', async () => {
    const local = memoryStorage();
    await createPolicyStore(memoryStorage(), local).setUser('allowedWebmailOrigins', ['https://Mail.Example.org/']);
    expect(local.data[userOptionsKey]).toEqual({ allowedWebmailOrigins: ['https://mail.example.org'] });
  });

  it('refuses invalid values without storing them', async () => {
    const local = memoryStorage();
    const store = createPolicyStore(memoryStorage(), local);
    expect(await codeOf(() => store.setUser('signingAlgorithms', ['sha1']))).toBe('input/invalid');
    expect(local.data[userOptionsKey]).toBeUndefined();
  });

  it('refuses to change or reset a key the admin set, and reports it locked', async () => {
    const local = memoryStorage({ [userOptionsKey]: { alwaysEncrypt: false } });
    const store = createPolicyStore(memoryStorage({ alwaysEncrypt: true }), local);
    const view = await store.view();
    expect(view.policy.alwaysEncrypt).toBe(true);
    expect(view.locked).toEqual(['alwaysEncrypt']);
    expect(await codeOf(() => store.setUser('alwaysEncrypt', false))).toBe('policy/locked');
    expect(await codeOf(() => store.resetUser('alwaysEncrypt'))).toBe('policy/locked');
    expect(local.data[userOptionsKey]).toEqual({ alwaysEncrypt: false });
  });

  it('resets one user option to the default', async () => {
    const local = memoryStorage({ [userOptionsKey]: { alwaysSign: true, clearSign: false } });
    const view = await createPolicyStore(memoryStorage(), local).resetUser('clearSign');
    expect(view.policy.clearSign).toBe(true);
    expect(local.data[userOptionsKey]).toEqual({ alwaysSign: true });
  });

  it('treats a managed area that cannot be read (Firefox without policies) as empty', async () => {
    const managed = { get: () => Promise.reject(new Error('Managed storage manifest not found')) };
    expect((await createPolicyStore(managed, memoryStorage()).view()).locked).toEqual([]);
  });

  it('survives corrupt user storage', async () => {
    for (const corrupt of ['text', 42, [true], null]) {
      const store = createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: corrupt }));
      expect(await store.current(), JSON.stringify(corrupt)).toEqual(defaultPolicy);
    }
  });

  it('keeps a user option that is valid when another stored one is not', async () => {
    const local = memoryStorage({ [userOptionsKey]: { alwaysSign: true, checkCrl: 'yes' } });
    const view = await createPolicyStore(memoryStorage(), local).view();
    expect(view.policy.alwaysSign).toBe(true);
    expect(view.warnings.map((w) => [w.key, w.source])).toEqual([['checkCrl', 'user']]);
  });
});
