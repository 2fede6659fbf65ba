/**
 * A private key (PKCS#8 DER) sealed with AES-256-GCM (NIST SP 800-38D) for the Cachet key
 * store. Each file gets a fresh 96-bit nonce; the file's clear part (certificate, chain,
 * scrypt parameters, check value, nonce) is the associated data, so none of it can be
 * changed or swapped between files without the tag failing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function newNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

/** Ciphertext followed by the 16-byte tag. */
export function sealPrivateKey(pkcs8: Uint8Array, key: Buffer, nonce: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  return Buffer.concat([cipher.update(pkcs8), cipher.final(), cipher.getAuthTag()]);
}

/** The PKCS#8 DER, or undefined when the tag does not verify (wrong key, or altered data). */
export function openPrivateKey(sealed: Uint8Array, key: Buffer, nonce: Uint8Array, associatedData: Uint8Array): Buffer | undefined {
  if (sealed.length <= TAG_BYTES || nonce.length !== NONCE_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    // GCM releases nothing it could not authenticate.
    plain.fill(0);
    return undefined;
  }
}
