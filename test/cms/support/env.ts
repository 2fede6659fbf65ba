/** Shared test plumbing: WebCrypto for the platform-free core, corpus paths, temp files. */
import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const subtle = webcrypto.subtle as SubtleCrypto;

/** `../shared/corpora` seen from the project root. */
export const corpora = fileURLToPath(new URL('../../../../shared/corpora/', import.meta.url));

export const thunderbirdDir = `${corpora}thunderbird-smime/`;
export const opensslCertsDir = `${corpora}openssl/smime-certs/`;
export const opensslCmsDataDir = `${corpora}openssl/cms-data/`;

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** XORs one byte in place (index checked by the caller). */
export function xorByte(bytes: Uint8Array, index: number, mask: number): void {
  bytes[index] = (bytes[index] ?? 0) ^ mask;
}
