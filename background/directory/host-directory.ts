/**
 * The organisation directory of the `directory` policy, searched through the native host
 * (`directory/search`, native-host/PROTOCOL.md "Directory") and answered from the cache
 * for `cacheSeconds` (src/directory/directory-cache.ts).
 *
 * With a bind DN, the host keeps the password; when it has none or the server refuses it,
 * the user is asked in Cachet's password page, the answer goes to the host with
 * `directory/set-password`, and the search is tried again. Compose looks up every
 * recipient at once, so one prompt serves all the searches waiting for it; and a prompt
 * the user cancelled is not put up again at every key press for a while.
 */
import { CachetError, isCachetError } from '../../src/errors';
import { directorySearchOf, type DirectorySearchFunction } from '../../src/directory/directory-source';
import type { DirectoryCache } from '../../src/directory/directory-cache';
import type { DirectoryPolicy } from '../../src/policy';
import type { DirectorySearch, NativeReq, NativeRequestType, NativeRes } from '../../src/protocol/native';
import type { PasswordPrompts } from '../password-prompts';

export type NativeRequest = <K extends Exclude<NativeRequestType, 'hello'>>(type: K, req: NativeReq<K>) => Promise<NativeRes<K>>;

export interface HostDirectory {
  /** The search of this directory policy: cached, asking for the bind password when needed. */
  searchFor(policy: DirectoryPolicy): DirectorySearchFunction;
}

export interface HostDirectoryDeps {
  readonly request: NativeRequest;
  readonly passwords: PasswordPrompts;
  readonly cache: DirectoryCache;
  readonly now?: () => number;
}

/** Wrong passwords asked again before a search gives up; the user can always cancel. */
const maxPasswordTries = 3;
/** After a cancelled prompt, searches go without the directory this long instead of asking again. */
export const declinedPromptMs = 5 * 60_000;

export function createHostDirectory(deps: HostDirectoryDeps): HostDirectory {
  const now = deps.now ?? (() => Date.now());
  /** One prompt per directory and DN at a time; every search that needs it waits for it. */
  const asking = new Map<string, Promise<void>>();
  const declinedUntil = new Map<string, number>();

  function obtainPassword(search: DirectorySearch & { readonly bindDn: string }, failed: boolean): Promise<void> {
    const key = JSON.stringify([search.url.toLowerCase(), search.bindDn]);
    const pending = asking.get(key);
    if (pending !== undefined) return pending;
    if ((declinedUntil.get(key) ?? 0) > now()) {
      return Promise.reject(new CachetError('directory/password-needed',
        `the password for ${search.bindDn} at ${search.url} was not given a moment ago, so the directory is left out for now`));
    }
    const prompt = (async () => {
      try {
        const answer = await deps.passwords.ask(search.url, search.bindDn, failed, 'directory');
        await deps.request('directory/set-password', { url: search.url, bindDn: search.bindDn, password: answer.password, remember: answer.remember });
        declinedUntil.delete(key);
      } catch (error) {
        if (isCachetError(error) && error.code === 'directory/password-needed') declinedUntil.set(key, now() + declinedPromptMs);
        throw error;
      } finally {
        asking.delete(key);
      }
    })();
    asking.set(key, prompt);
    return prompt;
  }

  async function search(directory: DirectorySearch, address: string): Promise<NativeRes<'directory/search'>> {
    for (let tries = 0; ; tries++) {
      try {
        return await deps.request('directory/search', { directory, address });
      } catch (error) {
        const needsPassword = isCachetError(error) && (error.code === 'directory/password-needed' || error.code === 'directory/bind-failed');
        if (!needsPassword || directory.bindDn === null || tries >= maxPasswordTries) throw error;
        await obtainPassword({ ...directory, bindDn: directory.bindDn }, error.code === 'directory/bind-failed');
      }
    }
  }

  return {
    searchFor(policy) {
      const directory = directorySearchOf(policy);
      return deps.cache.searchFor(directory, policy.cacheSeconds * 1000, (address) => search(directory, address));
    },
  };
}
