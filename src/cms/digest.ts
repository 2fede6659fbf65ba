/**
 * Message digests through an injected WebCrypto `SubtleCrypto`, so the core stays
 * platform-free (DESIGN.md, Layout) and runs the same in the service worker and in Node.
 */
import type { HashName } from './key-operator';

export async function digest(subtle: SubtleCrypto, hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/** Byte-wise equality; digests compared here are public values, so timing does not matter. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
