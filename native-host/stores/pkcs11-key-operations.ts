/**
 * The three private-key operations on a PKCS#11 key, with the mechanism gaps of common
 * tokens filled in the host: RSA v1.5 signatures sign a DigestInfo built here, ECDSA signs
 * the digest with CKM_ECDSA and the r||s result becomes DER, and RSA-OAEP is decoded here
 * over CKM_RSA_X_509 where the token offers raw RSA.
 */
import { ECDH } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { CachetError } from '../../src/errors';
import type { HashName, NamedCurve } from '../../src/cms/key-operator';
import type { WireKeyTransportScheme, WireSignatureScheme } from '../../src/protocol/native';
import type { CertificateInfo } from './certificate-info';
import { checkDigestLength, digestInfo } from './digest-info';
import { ecdsaRawToDer } from './ecdsa-der';
import { oaepDecode } from './oaep-decode';
import { pkcs11ErrorName } from './pkcs11-errors';
import type { KeyHandle } from './pkcs11-token';

const HASH_MECHANISM: Readonly<Record<HashName, () => number>> = {
  'SHA-1': () => pkcs11js.CKM_SHA_1,
  'SHA-256': () => pkcs11js.CKM_SHA256,
  'SHA-384': () => pkcs11js.CKM_SHA384,
  'SHA-512': () => pkcs11js.CKM_SHA512,
};

const MGF1: Readonly<Record<HashName, () => number>> = {
  'SHA-1': () => pkcs11js.CKG_MGF1_SHA1,
  'SHA-256': () => pkcs11js.CKG_MGF1_SHA256,
  'SHA-384': () => pkcs11js.CKG_MGF1_SHA384,
  'SHA-512': () => pkcs11js.CKG_MGF1_SHA512,
};

const NODE_CURVE: Readonly<Record<NamedCurve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** PKCS#11 CKZ_DATA_SPECIFIED: the OAEP label is given in sourceData (pkcs11js lacks the name). */
const CKZ_DATA_SPECIFIED = 1;

export async function signDigest({ api, session, key }: KeyHandle, info: CertificateInfo, digest: Buffer, scheme: WireSignatureScheme): Promise<Uint8Array> {
  checkDigestLength(digest, scheme.hash);
  if (scheme.name === 'ECDSA') {
    if (info.keyType !== 'EC') throw new CachetError('input/invalid', 'ECDSA needs an EC key');
    api.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key);
    const raw = await api.C_SignAsync(session, digest, Buffer.alloc(2 * info.keyBytes + 8));
    return ecdsaRawToDer(raw);
  }
  if (info.keyType !== 'RSA') throw new CachetError('input/invalid', `${scheme.name} needs an RSA key`);
  if (scheme.name === 'RSASSA-PKCS1-v1_5') {
    api.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key);
    return api.C_SignAsync(session, digestInfo(digest, scheme.hash), Buffer.alloc(info.keyBytes));
  }
  const params: pkcs11js.RsaPSS = { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: HASH_MECHANISM[scheme.hash](), mgf: MGF1[scheme.hash](), saltLen: scheme.saltLength };
  api.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter: params }, key);
  return api.C_SignAsync(session, digest, Buffer.alloc(info.keyBytes));
}

export async function decryptKey({ api, session, key, mechanisms }: KeyHandle, info: CertificateInfo, wrapped: Buffer, scheme: WireKeyTransportScheme): Promise<Uint8Array> {
  if (info.keyType !== 'RSA') throw new CachetError('input/invalid', 'key transport needs an RSA key');
  if (wrapped.length !== info.keyBytes) throw new CachetError('input/invalid', `wrapped key has ${wrapped.length} bytes; the modulus has ${info.keyBytes}`);
  if (scheme.name === 'RSAES-PKCS1-v1_5') {
    api.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key);
    return api.C_DecryptAsync(session, wrapped, Buffer.alloc(info.keyBytes));
  }
  const label = scheme.label === undefined ? Buffer.alloc(0) : Buffer.from(scheme.label, 'base64');
  // Tokens differ in which OAEP hashes and labels they honour (SoftHSM2: SHA-1 only, and
  // a label makes it fail), so where raw RSA is offered the decoding is done here, the
  // same for every hash and label; tokens without raw RSA get the OAEP mechanism.
  if (mechanisms.has(pkcs11js.CKM_RSA_X_509)) {
    api.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_X_509 }, key);
    const raw = await api.C_DecryptAsync(session, wrapped, Buffer.alloc(info.keyBytes));
    return oaepDecode(raw, info.keyBytes, scheme.hash, label, scheme.mgf1Hash ?? scheme.hash);
  }
  const params: pkcs11js.RsaOAEP = {
    type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: HASH_MECHANISM[scheme.hash](), mgf: MGF1[scheme.mgf1Hash ?? scheme.hash](),
    source: CKZ_DATA_SPECIFIED, ...(label.length > 0 ? { sourceData: label } : {}),
  };
  try {
    api.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter: params }, key);
  } catch (error) {
    // Refused before any ciphertext was seen: the parameters, not the message, are the problem.
    const name = pkcs11ErrorName(error);
    if (name === 'CKR_ARGUMENTS_BAD' || name === 'CKR_MECHANISM_PARAM_INVALID' || name === 'CKR_MECHANISM_INVALID') {
      const mgf = scheme.mgf1Hash && scheme.mgf1Hash !== scheme.hash ? `, MGF1 with ${scheme.mgf1Hash}` : '';
      throw new CachetError('key/unsupported', `the token has no RSA-OAEP with ${scheme.hash}${mgf}${label.length > 0 ? ' and a label' : ''} (${name})`);
    }
    throw error;
  }
  return api.C_DecryptAsync(session, wrapped, Buffer.alloc(info.keyBytes));
}

export async function deriveSecret({ api, session, key }: KeyHandle, info: CertificateInfo, point: Buffer, curve: NamedCurve): Promise<Uint8Array> {
  if (info.keyType !== 'EC' || info.curve !== curve) throw new CachetError('input/invalid', `the key is not on ${curve}`);
  if (point.length !== 1 + 2 * info.keyBytes || point[0] !== 0x04) throw new CachetError('input/invalid', 'the public point must be uncompressed and on the key\'s curve');
  try {
    // Rejects points off the curve before the token sees them (invalid-curve attacks).
    ECDH.convertKey(point, NODE_CURVE[curve], undefined, undefined, 'uncompressed');
  } catch {
    throw new CachetError('input/invalid', `the public point is not on ${curve}`);
  }
  const params: pkcs11js.ECDH1 = { type: pkcs11js.CK_PARAMS_EC_DH, kdf: pkcs11js.CKD_NULL, publicData: point };
  const template: pkcs11js.Template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_SENSITIVE, value: false },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    { type: pkcs11js.CKA_VALUE_LEN, value: info.keyBytes },
  ];
  const secret = await api.C_DeriveKeyAsync(session, { mechanism: pkcs11js.CKM_ECDH1_DERIVE, parameter: params }, key, template);
  try {
    const [value] = api.C_GetAttributeValue(session, secret, [{ type: pkcs11js.CKA_VALUE }]);
    if (!value?.value || value.value.length !== info.keyBytes) throw new CachetError('key/operation-failed', 'the token returned no shared secret');
    return Buffer.from(value.value);
  } finally {
    api.C_DestroyObject(session, secret);
  }
}
