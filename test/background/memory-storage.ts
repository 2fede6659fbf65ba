import type { StorageArea } from '../../background/storage-area';

/** An in-memory storage area that copies values in and out, as the browser's does. */
export function memoryStorage(initial: Record<string, unknown> = {}): StorageArea & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    get(keys) {
      if (keys === null || keys === undefined) return Promise.resolve(structuredClone(data));
      const wanted = typeof keys === 'string' ? [keys] : keys;
      return Promise.resolve(Object.fromEntries(wanted.filter((k) => k in data).map((k) => [k, structuredClone(data[k])])));
    },
    set(items) {
      Object.assign(data, structuredClone(items));
      return Promise.resolve();
    },
  };
}
