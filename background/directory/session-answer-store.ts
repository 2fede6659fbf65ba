/**
 * Directory answers kept in `storage.session` (src/directory/directory-cache.ts): it
 * outlives the service worker, which the browser stops when idle, but not the browser
 * session, and it is never written to disk.
 */
import type { AnswerStore } from '../../src/directory/directory-cache';

export interface SessionArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

export function sessionAnswerStore(area: SessionArea): AnswerStore {
  return {
    async get(key) {
      return (await area.get(key))[key];
    },
    set: (key, value) => area.set({ [key]: value }),
    remove: (key) => area.remove(key),
  };
}
