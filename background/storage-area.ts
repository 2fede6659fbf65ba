/** The slice of `storage.StorageArea` the stores use, so tests can pass an in-memory one. */
export interface ReadableStorageArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
}

export interface StorageArea extends ReadableStorageArea {
  set(items: Record<string, unknown>): Promise<void>;
}
