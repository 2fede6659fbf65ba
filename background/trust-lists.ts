/**
 * The user's trust anchors and untrusted certificates (B11). They are policy keys
 * (`trustedRoots`, `untrustedCertificates`), so an admin can lock them; this module turns
 * imported certificate files into entries and entries into something a person can read.
 */
import { CachetError } from '../src/errors';
import type { PolicyView, TrustList, TrustView } from '../src/protocol/runtime';
import { base64ToBytes, bytesToBase64 } from '../src/protocol/runtime-bytes';
import { certificatesFromFile } from './address-book/certificate-files';
import { fingerprintOf, summariseCertificate } from './address-book/certificate-summary';
import type { PolicyStore } from './policy-store';

export interface TrustLists {
  view(): Promise<TrustView>;
  add(list: TrustList, file: Uint8Array): Promise<TrustView>;
  remove(list: TrustList, fingerprint: string): Promise<TrustView>;
}

export function createTrustLists(store: PolicyStore, subtle: SubtleCrypto): TrustLists {
  async function describeRoot(base64: string, locked: boolean) {
    const der = base64ToBytes(base64);
    try {
      const { fingerprint, subject, issuer, addresses, notBefore, notAfter } = await summariseCertificate(der, subtle);
      return { fingerprint, subject, issuer, addresses, notBefore, notAfter, locked };
    } catch {
      // Kept visible (and removable) rather than hidden: the user should see a broken entry.
      return { fingerprint: await fingerprintOf(der, subtle), subject: '', issuer: '', addresses: [], notBefore: '', notAfter: '', locked };
    }
  }

  async function view(): Promise<TrustView> {
    const { policy, locked } = await store.view();
    const rootsLocked = locked.includes('trustedRoots');
    const untrustedLocked = locked.includes('untrustedCertificates');
    return {
      roots: await Promise.all(policy.trustedRoots.map((b64) => describeRoot(b64, rootsLocked))),
      untrusted: policy.untrustedCertificates.map((fingerprint) => ({ fingerprint, locked: untrustedLocked })),
    };
  }

  function userList(view: Pick<PolicyView, 'user'>, list: TrustList): readonly string[] {
    return view.user[list] ?? [];
  }

  return {
    view,
    async add(list, file) {
      const current = userList(await store.view(), list);
      const certificates = certificatesFromFile(file);
      const entries = list === 'trustedRoots'
        ? certificates.map((der) => bytesToBase64(der))
        : await Promise.all(certificates.map((der) => fingerprintOf(der, subtle)));
      await store.setUser(list, [...current, ...entries.filter((e) => !current.includes(e))]);
      return view();
    },
    async remove(list, fingerprint) {
      const current = userList(await store.view(), list);
      const kept: string[] = [];
      for (const entry of current) {
        const fp = list === 'trustedRoots' ? await fingerprintOf(base64ToBytes(entry), subtle) : entry;
        if (fp !== fingerprint) kept.push(entry);
      }
      if (kept.length === current.length) throw new CachetError('input/invalid', 'no such certificate in your list');
      await store.setUser(list, kept);
      return view();
    },
  };
}
