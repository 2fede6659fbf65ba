/**
 * The fields of a recipient's certificate that enveloping needs: the RecipientIdentifier
 * values (RFC 5652 §6.2.1: issuerAndSerialNumber or subjectKeyIdentifier) and the
 * public key, taken from the exact received DER.
 */
import { CachetError } from '../errors';
import { bytesToBigInt } from '../pki/bigint-arithmetic';
import { decodeOid, expectUniversal, isUniversal, readTlv, sequenceOf, TAG } from '../pki/der';
import { readCertificateParts, subjectKeyIdentifierOf, type CertificateParts } from './certificate-parts';
import { curveFromOid, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from './oids';
import type { NamedCurve } from './key-operator';

export type RecipientKey =
  | { readonly kind: 'rsa'; readonly spki: Uint8Array; readonly modulus: bigint; readonly exponent: bigint; readonly modulusLength: number }
  | { readonly kind: 'ec'; readonly spki: Uint8Array; readonly curve: NamedCurve; readonly point: Uint8Array };

export interface RecipientCertificate {
  readonly der: Uint8Array;
  /** Exact encoding of the issuer Name. */
  readonly issuer: Uint8Array;
  /** Content octets of the serialNumber INTEGER. */
  readonly serial: Uint8Array;
  /** subjectKeyIdentifier extension value, when the certificate has one. */
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  readonly key: RecipientKey;
}

function readKey(certificate: CertificateParts): RecipientKey {
  const { spki, keyAlgorithm, keyParameters, publicKey } = certificate;
  if (keyAlgorithm === OID_RSA_ENCRYPTION) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
    const [n, e] = sequenceOf(publicKey, 'RSAPublicKey');
    const modulus = bytesToBigInt(expectUniversal(n, TAG.INTEGER, 'RSA modulus').value);
    const exponent = bytesToBigInt(expectUniversal(e, TAG.INTEGER, 'RSA exponent').value);
    const modulusLength = Math.ceil(modulus.toString(2).length / 8);
    if (modulusLength < 128 || exponent < 3n || exponent % 2n === 0n) {
      throw new CachetError('cms/unsupported', 'recipient RSA key is too small or malformed');
    }
    return { kind: 'rsa', spki, modulus, exponent, modulusLength };
  }
  if (keyAlgorithm === OID_EC_PUBLIC_KEY) {
    const curve = keyParameters && isUniversal(keyParameters, TAG.OID) ? curveFromOid(decodeOid(keyParameters.value)) : undefined;
    if (!curve) throw new CachetError('cms/unsupported', 'recipient key is on an unsupported curve');
    return { kind: 'ec', spki, curve, point: publicKey };
  }
  throw new CachetError('cms/unsupported', `recipient key algorithm ${keyAlgorithm} cannot receive encrypted mail`);
}

export function readRecipientCertificate(der: Uint8Array): RecipientCertificate {
  const certificate = readCertificateParts(der, 'the recipient certificate');
  let subjectKeyId: Uint8Array | undefined;
  try {
    subjectKeyId = subjectKeyIdentifierOf(certificate);
  } catch (error) {
    throw new CachetError('pki/malformed', 'the recipient certificate has a malformed subjectKeyIdentifier', { cause: error });
  }
  return {
    der,
    issuer: certificate.issuer,
    // The INTEGER's content octets: RecipientIdentifier matching compares those.
    serial: readTlv(certificate.serialNumber).value,
    subjectKeyIdentifier: subjectKeyId,
    key: readKey(certificate),
  };
}
