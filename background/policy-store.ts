/**
 * Policy = managed storage (set by the admin: Chromium's 3rdparty extension policy,
 * Firefox's policies.json) over the user's options in storage.local. Both are read fresh
 * for every view, so an admin change applies without restarting the service worker.
 */
import { CachetError } from '../src/errors';
import { checkPolicyValue, mergePolicy, type MergedPolicy, type Policy, type PolicyKey } from '../src/policy';
import type { ReadableStorageArea, StorageArea } from './storage-area';

/** storage.local key holding the user's options as one object. */
export const userOptionsKey = 'policy.user';

export interface PolicyStore {
  view(): Promise<MergedPolicy>;
  current(): Promise<Policy>;
  /** Validates and stores one user option; a key the admin set cannot be changed. */
  setUser<K extends PolicyKey>(key: K, value: unknown): Promise<MergedPolicy>;
  resetUser(key: PolicyKey): Promise<MergedPolicy>;
}

export function createPolicyStore(managed: ReadableStorageArea, local: StorageArea): PolicyStore {
  async function readManaged(): Promise<unknown> {
    try {
      return await managed.get(null);
    } catch {
      // Firefox rejects when no policies.json names the extension; that means no managed keys.
      return {};
    }
  }

  async function readUser(): Promise<Record<string, unknown>> {
    const stored = (await local.get(userOptionsKey))[userOptionsKey];
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  }

  async function view(): Promise<MergedPolicy> {
    return mergePolicy(await readManaged(), await readUser());
  }

  async function assertUnlocked(key: PolicyKey): Promise<void> {
    if ((await view()).locked.includes(key)) throw new CachetError('policy/locked', `${key} is set by your organisation`);
  }

  return {
    view,
    current: async () => (await view()).policy,
    async setUser(key, value) {
      await assertUnlocked(key);
      const checked = checkPolicyValue(key, value);
      if (!checked.ok) throw new CachetError('input/invalid', `${key} ${checked.message}`);
      const user = await readUser();
      user[key] = checked.value;
      await local.set({ [userOptionsKey]: user });
      return view();
    },
    async resetUser(key) {
      await assertUnlocked(key);
      const user = await readUser();
      delete user[key];
      await local.set({ [userOptionsKey]: user });
      return view();
    },
  };
}
