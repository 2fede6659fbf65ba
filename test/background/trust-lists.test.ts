import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../background/address-book/certificate-summary';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { createTrustLists } from '../../background/trust-lists';
import { isCachetError } from '../../src/errors';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { memoryStorage } from './memory-storage';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.cleanup());

describe('trust lists', () => {
  it('adds a trusted root from a PEM file, shows it, and removes it by fingerprint', async () => {
    const local = memoryStorage();
    const trust = createTrustLists(createPolicyStore(memoryStorage(), local), crypto.subtle);
    const view = await trust.add('trustedRoots', certs.alice.pem);
    expect(view.roots.map((r) => [r.subject, r.locked])).toEqual([['CN=Alice Example', false]]);
    expect(local.data[userOptionsKey]).toEqual({ trustedRoots: [bytesToBase64(certs.alice.der)] });
    const fingerprint = await fingerprintOf(certs.alice.der, crypto.subtle);
    expect((await trust.remove('trustedRoots', fingerprint)).roots).toEqual([]);
  });

  it('marks certificates untrusted by fingerprint, without duplicates', async () => {
    const trust = createTrustLists(createPolicyStore(memoryStorage(), memoryStorage()), crypto.subtle);
    await trust.add('untrustedCertificates', certs.bob.der);
    const view = await trust.add('untrustedCertificates', certs.bundleP7c);
    expect(view.untrusted.map((u) => u.fingerprint)).toEqual([
      await fingerprintOf(certs.bob.der, crypto.subtle),
      await fingerprintOf(certs.alice.der, crypto.subtle),
    ]);
  });

  it('shows a managed list as locked and refuses to change it', async () => {
    const managed = memoryStorage({ trustedRoots: [bytesToBase64(certs.bob.der)] });
    const trust = createTrustLists(createPolicyStore(managed, memoryStorage()), crypto.subtle);
    expect((await trust.view()).roots.map((r) => [r.subject, r.locked])).toEqual([['CN=Bob Example, E=bob@example.org', true]]);
    await expect(trust.add('trustedRoots', certs.alice.pem)).rejects.toSatisfy((e) => isCachetError(e) && e.code === 'policy/locked');
  });

  it('refuses to remove what is not in the list', async () => {
    const trust = createTrustLists(createPolicyStore(memoryStorage(), memoryStorage()), crypto.subtle);
    await expect(trust.remove('untrustedCertificates', 'a'.repeat(64))).rejects.toSatisfy((e) => isCachetError(e) && e.code === 'input/invalid');
  });

  it('keeps an unreadable root visible so it can be removed', async () => {
    const bogus = 'MAMCAQE=';
    const trust = createTrustLists(createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { trustedRoots: [bogus] } })), crypto.subtle);
    const [root] = (await trust.view()).roots;
    expect(root?.subject).toBe('');
    expect((await trust.remove('trustedRoots', root?.fingerprint ?? '')).roots).toEqual([]);
  });
});
