/**
 * The default signing identity: the one the user chose in the options page while it is
 * still offered by the host, else B4's choice among the identities that can sign and are
 * inside their validity (B3): hardware before software, only hardware with
 * `smartCardOnly`, then the one valid longest.
 */
import { CachetError } from '../src/errors';
import type { IdentityList, IdentityView } from '../src/protocol/runtime';
import type { Identities } from './identities';
import type { PolicyStore } from './policy-store';
import type { StorageArea } from './storage-area';

/** storage.local key of the user's choice. */
const storageKey = 'defaultSigningIdentity';

export interface DefaultIdentity {
  list(): Promise<IdentityList>;
  choose(id: string): Promise<IdentityList>;
}

export function chooseSigningIdentity(identities: readonly IdentityView[], smartCardOnly: boolean, now: Date): IdentityView | undefined {
  const usable = identities.filter((i) => i.canSign && (!smartCardOnly || i.hardware)
    && Date.parse(i.notBefore) <= now.getTime() && now.getTime() <= Date.parse(i.notAfter));
  return [...usable].sort((a, b) => Number(b.hardware) - Number(a.hardware) || Date.parse(b.notAfter) - Date.parse(a.notAfter))[0];
}

export function createDefaultIdentity(identities: Identities, policy: PolicyStore, storage: StorageArea, now: () => Date = () => new Date()): DefaultIdentity {
  async function list(): Promise<IdentityList> {
    const [all, stored, view] = await Promise.all([identities.list(), storage.get(storageKey), policy.view()]);
    const chosen = stored[storageKey];
    const smartCardOnly = view.policy.smartCardOnly;
    const kept = all.find((i) => i.id === chosen && i.canSign && (!smartCardOnly || i.hardware));
    return { identities: all, defaultSigning: (kept ?? chooseSigningIdentity(all, smartCardOnly, now()))?.id ?? null };
  }
  return {
    list,
    async choose(id) {
      const all = await identities.list();
      const identity = all.find((i) => i.id === id);
      if (!identity) throw new CachetError('key/unavailable', 'that certificate is not available: is the smart card inserted?');
      if (!identity.canSign) throw new CachetError('input/invalid', 'that certificate cannot sign');
      await storage.set({ [storageKey]: id });
      return list();
    },
  };
}
