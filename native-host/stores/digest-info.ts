/**
 * DigestInfo for RSASSA-PKCS1-v1_5 over an already computed digest (RFC 8017 §9.2 note 1):
 * CKM_RSA_PKCS signs the DER DigestInfo as given, so the host builds it. The prefixes are
 * the fixed DER of `SEQUENCE { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING }`.
 */
import { CachetError } from '../../src/errors';
import type { HashName } from '../../src/cms/key-operator';

const PREFIX: Readonly<Record<HashName, string>> = {
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

export const DIGEST_BYTES: Readonly<Record<HashName, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export function checkDigestLength(digest: Uint8Array, hash: HashName): void {
  if (digest.length !== DIGEST_BYTES[hash]) {
    throw new CachetError('input/invalid', `a ${hash} digest has ${DIGEST_BYTES[hash]} bytes, not ${digest.length}`);
  }
}

export function digestInfo(digest: Uint8Array, hash: HashName): Buffer {
  checkDigestLength(digest, hash);
  return Buffer.concat([Buffer.from(PREFIX[hash], 'hex'), digest]);
}
