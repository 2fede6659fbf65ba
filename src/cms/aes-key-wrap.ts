/**
 * AES key wrap (RFC 3394, RFC 3565 §2.3.2) through WebCrypto's AES-KW. WebCrypto wraps and
 * unwraps CryptoKeys, not bytes, so the content key travels as an extractable HMAC key,
 * which accepts any length (AES-128/256 keys, and 3DES keys when reading old mail).
 */
import { CachetError } from '../errors';
import { ownBytes, type CmsCrypto } from './cms-crypto';

const CARRIER = { name: 'HMAC', hash: 'SHA-256' } as const;

async function kekKey(crypto: CmsCrypto, kek: Uint8Array, usage: 'wrapKey' | 'unwrapKey'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', ownBytes(kek), 'AES-KW', false, [usage]);
}

export async function aesKeyWrap(crypto: CmsCrypto, kek: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
  const carrier = await crypto.subtle.importKey('raw', ownBytes(key), CARRIER, true, ['sign']);
  return new Uint8Array(await crypto.subtle.wrapKey('raw', carrier, await kekKey(crypto, kek, 'wrapKey'), 'AES-KW'));
}

export async function aesKeyUnwrap(crypto: CmsCrypto, kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array> {
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) throw new CachetError('cms/decrypt-failed', 'wrapped key has an impossible length');
  try {
    const key = await crypto.subtle.unwrapKey('raw', ownBytes(wrapped), await kekKey(crypto, kek, 'unwrapKey'), 'AES-KW', CARRIER, true, ['sign']);
    return new Uint8Array(await crypto.subtle.exportKey('raw', key));
  } catch (error) {
    throw new CachetError('cms/decrypt-failed', 'key unwrap failed (wrong key or tampered message)', { cause: error });
  }
}
