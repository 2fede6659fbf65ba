/** The default signing identity (B3, B4, `smartCardOnly`) and the user's choice of it. */
import { describe, expect, it } from 'vitest';
import { chooseSigningIdentity, createDefaultIdentity } from '../../background/default-identity';
import type { Identities } from '../../background/identities';
import { createPolicyStore } from '../../background/policy-store';
import { isCachetError } from '../../src/errors';
import type { IdentityView } from '../../src/protocol/runtime';
import { memoryStorage } from './memory-storage';

const now = new Date('2027-01-01T00:00:00Z');

function identity(id: string, overrides: Partial<IdentityView> = {}): IdentityView {
  return {
    id, fingerprint: id.padEnd(64, '0'), subject: `CN=${id}`, issuer: 'CN=CA', addresses: [`${id}@example.org`],
    notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2028-01-01T00:00:00.000Z',
    hardware: false, storeLabel: 'store', tokenLabel: 'token', canSign: true, canDecrypt: true, ...overrides,
  };
}

function fakeIdentities(list: IdentityView[]): Identities {
  return {
    list: () => Promise.resolve(list),
    operators: () => Promise.reject(new Error('not used')),
    operator: () => Promise.reject(new Error('not used')),
    invalidate: () => undefined,
  };
}

describe('default signing identity', () => {
  it('B4: hardware before software, only valid ones, only those that sign', () => {
    const soft = identity('soft', { notAfter: '2030-01-01T00:00:00.000Z' });
    const card = identity('card', { hardware: true });
    const expired = identity('old', { hardware: true, notAfter: '2026-06-01T00:00:00.000Z' });
    const decryptOnly = identity('enc', { hardware: true, canSign: false });
    expect(chooseSigningIdentity([soft, expired, decryptOnly, card], false, now)?.id).toBe('card');
    expect(chooseSigningIdentity([soft, expired, decryptOnly], false, now)?.id).toBe('soft');
    expect(chooseSigningIdentity([soft], true, now)).toBeUndefined();
  });

  it('keeps the user\'s choice while the host offers it, and falls back when the card is gone', async () => {
    const card = identity('card', { hardware: true });
    const soft = identity('soft');
    const list = [card, soft];
    const storage = memoryStorage();
    const defaults = createDefaultIdentity(fakeIdentities(list), createPolicyStore(memoryStorage(), memoryStorage()), storage, () => now);
    expect((await defaults.list()).defaultSigning).toBe('card');
    expect((await defaults.choose('soft')).defaultSigning).toBe('soft');
    expect((await defaults.list()).defaultSigning).toBe('soft');
    list.splice(1, 1);
    expect((await defaults.list()).defaultSigning).toBe('card');
  });

  it('with smartCardOnly a software choice is not used', async () => {
    const storage = memoryStorage({ defaultSigningIdentity: 'soft' });
    const managed = memoryStorage({ smartCardOnly: true });
    const defaults = createDefaultIdentity(fakeIdentities([identity('soft'), identity('card', { hardware: true })]), createPolicyStore(managed, memoryStorage()), storage, () => now);
    expect((await defaults.list()).defaultSigning).toBe('card');
  });

  it('refuses an identity that is not there or cannot sign', async () => {
    const defaults = createDefaultIdentity(fakeIdentities([identity('enc', { canSign: false })]), createPolicyStore(memoryStorage(), memoryStorage()), memoryStorage(), () => now);
    const missing = await defaults.choose('nope').catch((e: unknown) => e);
    expect(isCachetError(missing) && missing.code).toBe('key/unavailable');
    const cannot = await defaults.choose('enc').catch((e: unknown) => e);
    expect(isCachetError(cannot) && cannot.code).toBe('input/invalid');
  });
});
