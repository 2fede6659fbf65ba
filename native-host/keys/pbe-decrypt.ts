/**
 * Password-based decryption for PKCS#8 EncryptedPrivateKeyInfo and PKCS#12 bags:
 * PBES2 with PBKDF2 (RFC 8018 §6.2; OpenSSL 3 and NSS) and the PKCS#12 PBE schemes of
 * RFC 7292 Appendix C (pbeWithSHAAnd3-KeyTripleDES-CBC for keys, pbeWithSHAAnd40BitRC2-CBC
 * for certificates in Windows and pre-3.0 OpenSSL exports).
 */
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { CachetError } from '../../src/errors';
import {
  algorithmOf,
  octetStringOf,
  sequenceOf,
  smallIntOf,
  type AlgorithmIdentifierView,
} from '../../src/cms/der-reader';
import { bmpPassword, pkcs12Kdf, PKCS12_IV_MATERIAL, PKCS12_KEY_MATERIAL } from './pkcs12-kdf';
import { rc2CbcDecrypt } from './rc2-cbc';

/** Far above what any exporter uses (OpenSSL 2048, NSS/OpenSSL 3 10 000, Windows 2000). */
const MAX_ITERATIONS = 10_000_000;

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';

const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};

/** RFC 7292 Appendix C: pkcs-12PbeIds. */
const PKCS12_PBE: Record<string, { cipher: 'des-ede3-cbc' | 'rc2'; keyLength: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede3-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
};

const WRONG_PASSWORD = 'wrong password or corrupt encrypted data';

function nodeDecrypt(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch (error) {
    throw new CachetError('key/unavailable', WRONG_PASSWORD, { cause: error });
  }
}

function decryptPbes2(algorithm: AlgorithmIdentifierView, password: string, data: Uint8Array): Uint8Array {
  const [kdfBlock, encBlock] = sequenceOf(algorithm.params, 'PBES2-params', 'key/unavailable');
  const kdf = algorithmOf(kdfBlock, 'PBES2 keyDerivationFunc', 'key/unavailable');
  const enc = algorithmOf(encBlock, 'PBES2 encryptionScheme', 'key/unavailable');
  if (kdf.oid !== PBKDF2) throw new CachetError('key/unavailable', `unsupported key derivation ${kdf.oid}`);
  const cipher = PBES2_CIPHERS[enc.oid];
  if (!cipher) throw new CachetError('key/unavailable', `unsupported PBES2 cipher ${enc.oid}`);
  const kdfParams = sequenceOf(kdf.params, 'PBKDF2-params', 'key/unavailable');
  const salt = octetStringOf(kdfParams[0], 'PBKDF2 salt', 'key/unavailable');
  const iterations = smallIntOf(kdfParams[1], 'PBKDF2 iterationCount', MAX_ITERATIONS, 'key/unavailable');
  let prf = 'sha1';
  let keyLength = cipher.keyLength;
  for (const extra of kdfParams.slice(2)) {
    if (extra.idBlock.tagNumber === 2 && extra.idBlock.tagClass === 1) {
      keyLength = smallIntOf(extra, 'PBKDF2 keyLength', 64, 'key/unavailable');
    } else {
      const prfAlg = algorithmOf(extra, 'PBKDF2 prf', 'key/unavailable');
      const name = PRFS[prfAlg.oid];
      if (!name) throw new CachetError('key/unavailable', `unsupported PBKDF2 PRF ${prfAlg.oid}`);
      prf = name;
    }
  }
  if (keyLength !== cipher.keyLength || iterations < 1) throw new CachetError('key/unavailable', 'inconsistent PBKDF2 parameters');
  const iv = octetStringOf(enc.params, 'PBES2 IV', 'key/unavailable');
  if (iv.length !== cipher.ivLength) throw new CachetError('key/unavailable', 'PBES2 IV has the wrong length');
  // RFC 8018 leaves the password encoding open; OpenSSL and NSS use the UTF-8 bytes.
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLength, prf);
  return nodeDecrypt(cipher.name, key, iv, data);
}

function decryptPkcs12Pbe(algorithm: AlgorithmIdentifierView, password: string, data: Uint8Array): Uint8Array {
  const scheme = PKCS12_PBE[algorithm.oid];
  if (!scheme) throw new CachetError('key/unavailable', `unsupported encryption ${algorithm.oid}`);
  const params = sequenceOf(algorithm.params, 'pkcs-12PbeParams', 'key/unavailable');
  const salt = octetStringOf(params[0], 'pkcs-12PbeParams salt', 'key/unavailable');
  const iterations = smallIntOf(params[1], 'pkcs-12PbeParams iterations', MAX_ITERATIONS, 'key/unavailable');
  if (iterations < 1) throw new CachetError('key/unavailable', 'PKCS#12 iteration count is zero');
  const bmp = bmpPassword(password);
  const key = pkcs12Kdf('sha1', bmp, salt, iterations, PKCS12_KEY_MATERIAL, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', bmp, salt, iterations, PKCS12_IV_MATERIAL, 8);
  if (scheme.cipher === 'rc2') return rc2CbcDecrypt(key, scheme.rc2Bits ?? 128, iv, data);
  // Two-key 3DES is K1 K2 K1.
  const desKey = key.length === 16 ? new Uint8Array([...key, ...key.subarray(0, 8)]) : key;
  return nodeDecrypt('des-ede3-cbc', desKey, iv, data);
}

export function pbeDecrypt(algorithm: AlgorithmIdentifierView, password: string, data: Uint8Array): Uint8Array {
  if (algorithm.oid === PBES2) return decryptPbes2(algorithm, password, data);
  return decryptPkcs12Pbe(algorithm, password, data);
}
