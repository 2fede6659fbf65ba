/**
 * The JMAP server's login, asked in Cachet's password page (never in the webmail page)
 * and kept for the browser session only, in storage.session, which content scripts
 * cannot read and the browser empties when it closes: the native host, which seals
 * remembered mail passwords, has no part in JMAP.
 */
import type { PasswordPrompts } from '../password-prompts';
import type { StorageArea } from '../storage-area';

export interface JmapLogin {
  readonly user: string;
  readonly password: string;
}

export interface JmapCredentials {
  /** The kept login, or the user's answer when none is kept or `failed` says the last one was refused. */
  login(site: string, user: string | null, failed: boolean): Promise<JmapLogin>;
}

const storageKey = 'jmap.logins';

function isLogin(value: unknown): value is JmapLogin {
  return typeof value === 'object' && value !== null
    && typeof (value as Record<string, unknown>)['user'] === 'string' && typeof (value as Record<string, unknown>)['password'] === 'string';
}

export function createJmapCredentials(passwords: PasswordPrompts, session: StorageArea): JmapCredentials {
  async function kept(): Promise<Record<string, unknown>> {
    const stored = (await session.get(storageKey))[storageKey];
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...(stored as Record<string, unknown>) } : {};
  }

  return {
    async login(site, user, failed) {
      const all = await kept();
      const held = all[site];
      if (!failed && isLogin(held) && (user === null || held.user === user)) return held;
      const answer = await passwords.ask(site, user ?? (isLogin(held) ? held.user : null), failed);
      const login = { user: answer.user, password: answer.password };
      all[site] = login;
      await session.set({ [storageKey]: all });
      return login;
    },
  };
}
