/**
 * The fields of a recipient's certificate that enveloping needs: the RecipientIdentifier
 * values (RFC 5652 §6.2.1: issuerAndSerialNumber or subjectKeyIdentifier) and the
 * public key, taken from the exact received DER.
 */
import { CachetError } from '../errors';
import {
  algorithmOf,
  bitStringBytes,
  childrenOf,
  encodingOf,
  isContext,
  oidOf,
  octetStringOf,
  parseBer,
  primitiveBytes,
  sequenceOf,
  type Block,
} from './der-reader';
import { curveFromOid, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_SUBJECT_KEY_IDENTIFIER } from './oids';
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

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

function readKey(spkiBlock: Block): RecipientKey {
  const [algBlock, keyBlock] = sequenceOf(spkiBlock, 'SubjectPublicKeyInfo', 'pki/malformed');
  const algorithm = algorithmOf(algBlock, 'SubjectPublicKeyInfo algorithm', 'pki/malformed');
  const bits = bitStringBytes(keyBlock, 'subjectPublicKey', 'pki/malformed');
  const spki = encodingOf(spkiBlock);
  if (algorithm.oid === OID_RSA_ENCRYPTION) {
    const [n, e] = sequenceOf(parseBer(bits, 'RSAPublicKey', 'pki/malformed'), 'RSAPublicKey', 'pki/malformed');
    const modulusBytes = primitiveBytes(n, 'RSA modulus', 'pki/malformed');
    const modulus = toBigInt(modulusBytes);
    const exponent = toBigInt(primitiveBytes(e, 'RSA exponent', 'pki/malformed'));
    const modulusLength = Math.ceil(modulus.toString(2).length / 8);
    if (modulusLength < 128 || exponent < 3n || exponent % 2n === 0n) {
      throw new CachetError('cms/unsupported', 'recipient RSA key is too small or malformed');
    }
    return { kind: 'rsa', spki, modulus, exponent, modulusLength };
  }
  if (algorithm.oid === OID_EC_PUBLIC_KEY) {
    const curve = curveFromOid(oidOf(algorithm.params, 'EC parameters', 'pki/malformed'));
    if (!curve) throw new CachetError('cms/unsupported', 'recipient key is on an unsupported curve');
    return { kind: 'ec', spki, curve, point: bits };
  }
  throw new CachetError('cms/unsupported', `recipient key algorithm ${algorithm.oid} cannot receive encrypted mail`);
}

export function readRecipientCertificate(der: Uint8Array): RecipientCertificate {
  const [tbs] = sequenceOf(parseBer(der, 'certificate', 'pki/malformed'), 'Certificate', 'pki/malformed');
  const fields = sequenceOf(tbs, 'TBSCertificate', 'pki/malformed');
  const offset = isContext(fields[0], 0) ? 1 : 0;
  const serialBlock = fields[offset];
  const issuerBlock = fields[offset + 2];
  const spkiBlock = fields[offset + 5];
  if (!serialBlock || !issuerBlock || !spkiBlock) throw new CachetError('pki/malformed', 'certificate is missing fields');
  let subjectKeyIdentifier: Uint8Array | undefined;
  const extensionsBlock = fields.slice(offset + 6).find((f) => isContext(f, 3));
  if (extensionsBlock) {
    const [list] = childrenOf(extensionsBlock, 'extensions', 'pki/malformed');
    for (const extension of sequenceOf(list, 'Extensions', 'pki/malformed')) {
      const parts = sequenceOf(extension, 'Extension', 'pki/malformed');
      if (oidOf(parts[0], 'extnID', 'pki/malformed') !== OID_SUBJECT_KEY_IDENTIFIER) continue;
      const value = octetStringOf(parts[parts.length - 1], 'extnValue', 'pki/malformed');
      subjectKeyIdentifier = octetStringOf(parseBer(value, 'SubjectKeyIdentifier', 'pki/malformed'), 'SubjectKeyIdentifier', 'pki/malformed');
    }
  }
  return {
    der,
    issuer: encodingOf(issuerBlock),
    serial: primitiveBytes(serialBlock, 'serialNumber', 'pki/malformed'),
    subjectKeyIdentifier,
    key: readKey(spkiBlock),
  };
}
