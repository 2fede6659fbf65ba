/**
 * RSAES-PKCS1-v1_5 encryption of a content-encryption key to a recipient (RFC 8017 §7.2.1,
 * RFC 3370 §4.2.1). WebCrypto has no v1.5 encryption, yet it is the key transport that
 * Thunderbird, Outlook, OpenSSL and gpgsm all read, so the public-key operation is done
 * here with BigInt. Only public values are involved, so timing leaks nothing secret.
 */
import { CachetError } from '../errors';
import { randomBytes, type CmsCrypto } from './cms-crypto';
import { bigIntToBytes, bytesToBigInt, modPow } from '../pki/bigint-arithmetic';

export interface RsaPublicKey {
  readonly modulus: bigint;
  readonly exponent: bigint;
  /** k, the modulus length in bytes. */
  readonly modulusLength: number;
}


export function rsaPkcs1Encrypt(key: RsaPublicKey, message: Uint8Array, crypto: CmsCrypto): Uint8Array {
  const k = key.modulusLength;
  if (message.length > k - 11) throw new CachetError('cms/unsupported', 'key too long for the recipient RSA modulus');
  // EM = 0x00 || 0x02 || PS || 0x00 || M, PS at least eight random nonzero octets.
  const em = new Uint8Array(k);
  em[1] = 0x02;
  const psLength = k - message.length - 3;
  let filled = 0;
  while (filled < psLength) {
    for (const b of randomBytes(crypto, psLength - filled + 16)) {
      if (b !== 0 && filled < psLength) em[2 + filled++] = b;
    }
  }
  em.set(message, k - message.length);
  return bigIntToBytes(modPow(bytesToBigInt(em), key.exponent, key.modulus), k);
}
