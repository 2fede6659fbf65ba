/**
 * Object identifiers used by the CMS engine, with the maps between them and the names
 * WebCrypto and the KeyOperator use. One place, so that signing, verifying and
 * enveloping agree on spelling.
 */
import type { HashName, NamedCurve } from './key-operator';

/** RFC 5652 §4–§9 content types, and RFC 5083 §1 for AuthEnvelopedData. */
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
export const OID_AUTH_ENVELOPED_DATA = '1.2.840.113549.1.9.16.1.23';

/** RFC 5652 §11 attributes, RFC 8551 §2.5 S/MIME attributes. */
export const OID_ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_ATTR_SMIME_CAPABILITIES = '1.2.840.113549.1.9.15';
export const OID_ATTR_ENCRYPTION_KEY_PREFERENCE = '1.2.840.113549.1.9.16.2.11';
/** Microsoft's older encryption-certificate attribute (an IssuerAndSerialNumber), still read by Outlook. */
export const OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE = '1.3.6.1.4.1.311.16.4';

/** Digest algorithms (RFC 5754 §2, RFC 3370 §2). */
export const OID_MD5 = '1.2.840.113549.2.5';
export const OID_MD4 = '1.2.840.113549.2.4';
export const OID_SHA1 = '1.3.14.3.2.26';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
export const OID_SHA512 = '2.16.840.1.101.3.4.2.3';
export const OID_SHA224 = '2.16.840.1.101.3.4.2.4';

/** RSA (RFC 8017 Appendix C, RFC 4055). */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_MD5_WITH_RSA = '1.2.840.113549.1.1.4';
export const OID_SHA1_WITH_RSA = '1.2.840.113549.1.1.5';
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_SHA384_WITH_RSA = '1.2.840.113549.1.1.12';
export const OID_SHA512_WITH_RSA = '1.2.840.113549.1.1.13';
export const OID_SHA224_WITH_RSA = '1.2.840.113549.1.1.14';

/** Elliptic curves (RFC 5480 §2.1.1, RFC 5758 §3.2). */
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_ECDSA_WITH_SHA1 = '1.2.840.10045.4.1';
export const OID_ECDSA_WITH_SHA224 = '1.2.840.10045.4.3.1';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';
export const OID_ECDSA_WITH_SHA512 = '1.2.840.10045.4.3.4';
export const OID_CURVE_P256 = '1.2.840.10045.3.1.7';
export const OID_CURVE_P384 = '1.3.132.0.34';
export const OID_CURVE_P521 = '1.3.132.0.35';

/** DSA (RFC 3279 §2.2.2, RFC 5758 §3.1): verified for old mail and PKIs, never written. */
export const OID_DSA = '1.2.840.10040.4.1';
export const OID_DSA_WITH_SHA1 = '1.2.840.10040.4.3';
export const OID_DSA_WITH_SHA224 = '2.16.840.1.101.3.4.3.1';
export const OID_DSA_WITH_SHA256 = '2.16.840.1.101.3.4.3.2';

/** Content-encryption algorithms announced in SMIMECapabilities (RFC 8551 §2.7, RFC 5084). */
export const OID_AES128_CBC = '2.16.840.1.101.3.4.1.2';
export const OID_AES192_CBC = '2.16.840.1.101.3.4.1.22';
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
export const OID_AES128_GCM = '2.16.840.1.101.3.4.1.6';
export const OID_AES192_GCM = '2.16.840.1.101.3.4.1.26';
export const OID_AES256_GCM = '2.16.840.1.101.3.4.1.46';
export const OID_DES_EDE3_CBC = '1.2.840.113549.3.7';

/** Certificate fields (RFC 5280 §4.1.2.6, §4.2.1.2, §4.2.1.6). */
export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_COMMON_NAME = '2.5.4.3';

export const HASH_OIDS: Readonly<Record<HashName, string>> = {
  'SHA-1': OID_SHA1,
  'SHA-256': OID_SHA256,
  'SHA-384': OID_SHA384,
  'SHA-512': OID_SHA512,
};

/** Output length in bytes, used for PSS salt lengths and ECDSA/DigestInfo checks. */
export const HASH_LENGTHS: Readonly<Record<HashName, number>> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

/** `micalg` parameter values of multipart/signed (RFC 8551 §3.5.3). */
export const MICALG_NAMES: Readonly<Record<HashName, string>> = {
  'SHA-1': 'sha-1',
  'SHA-256': 'sha-256',
  'SHA-384': 'sha-384',
  'SHA-512': 'sha-512',
};

export const CURVE_OIDS: Readonly<Record<NamedCurve, string>> = {
  'P-256': OID_CURVE_P256,
  'P-384': OID_CURVE_P384,
  'P-521': OID_CURVE_P521,
};

export const ECDSA_OIDS: Readonly<Record<HashName, string>> = {
  'SHA-1': OID_ECDSA_WITH_SHA1,
  'SHA-256': OID_ECDSA_WITH_SHA256,
  'SHA-384': OID_ECDSA_WITH_SHA384,
  'SHA-512': OID_ECDSA_WITH_SHA512,
};

export const RSA_PKCS1_OIDS: Readonly<Record<HashName, string>> = {
  'SHA-1': OID_SHA1_WITH_RSA,
  'SHA-256': OID_SHA256_WITH_RSA,
  'SHA-384': OID_SHA384_WITH_RSA,
  'SHA-512': OID_SHA512_WITH_RSA,
};

function invert<K extends string>(map: Readonly<Record<K, string>>): ReadonlyMap<string, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as string, k as K]));
}

const hashByOid = invert(HASH_OIDS);
const curveByOid = invert(CURVE_OIDS);
const ecdsaHashByOid = invert(ECDSA_OIDS);
const rsaHashByOid = invert(RSA_PKCS1_OIDS);

export function hashNameFromOid(oid: string): HashName | undefined {
  return hashByOid.get(oid);
}

export function curveFromOid(oid: string): NamedCurve | undefined {
  return curveByOid.get(oid);
}

export function ecdsaHashFromOid(oid: string): HashName | undefined {
  return ecdsaHashByOid.get(oid);
}

export function rsaPkcs1HashFromOid(oid: string): HashName | undefined {
  return rsaHashByOid.get(oid);
}

/** Digest or signature algorithms whose hash is broken enough that a signature is only ever "weak". */
export const BROKEN_HASH_OIDS: ReadonlySet<string> = new Set([OID_MD5, OID_MD4, OID_MD5_WITH_RSA]);

/** Key wrap (RFC 3394 via RFC 3565 §2.3.2) and RSAES-OAEP parameters (RFC 8017 Appendix A.2.1). */
export const OID_AES128_WRAP = '2.16.840.1.101.3.4.1.5';
export const OID_AES192_WRAP = '2.16.840.1.101.3.4.1.25';
export const OID_AES256_WRAP = '2.16.840.1.101.3.4.1.45';
export const OID_P_SPECIFIED = '1.2.840.113549.1.1.9';

/** ECDH key agreement schemes of RFC 5753 §7.1.4 (SEC 1 / X9.63 KDF with the named hash). */
export const OID_DH_SINGLE_PASS_STD_DH_SHA1KDF = '1.3.133.16.840.63.0.2';
export const OID_DH_SINGLE_PASS_STD_DH_SHA224KDF = '1.3.132.1.11.0';
export const OID_DH_SINGLE_PASS_STD_DH_SHA256KDF = '1.3.132.1.11.1';
export const OID_DH_SINGLE_PASS_STD_DH_SHA384KDF = '1.3.132.1.11.2';
export const OID_DH_SINGLE_PASS_STD_DH_SHA512KDF = '1.3.132.1.11.3';
export const OID_DH_SINGLE_PASS_COFACTOR_DH_SHA1KDF = '1.3.133.16.840.63.0.3';
export const OID_DH_SINGLE_PASS_COFACTOR_DH_SHA256KDF = '1.3.132.1.14.1';
export const OID_DH_SINGLE_PASS_COFACTOR_DH_SHA384KDF = '1.3.132.1.14.2';
export const OID_DH_SINGLE_PASS_COFACTOR_DH_SHA512KDF = '1.3.132.1.14.3';
/** Triple-DES key wrap (RFC 3217 §3), read for old ECDH messages with 3DES content. */
export const OID_CMS3DES_WRAP = '1.2.840.113549.1.9.16.3.6';
