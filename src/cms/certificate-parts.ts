/**
 * What signing and encrypting need from a certificate (the signer's, the chain's, a
 * recipient's): its issuer, serial number and subject exactly as encoded, its public key
 * and its extensions. Read with the bounded DER reader of src/pki: building a PKI.js
 * Certificate for this cost about a millisecond per certificate, several times per message.
 */
import { CachetError } from '../errors';
import { children, decodeOid, expectUniversal, isContext, isUniversal, readTlv, TAG, type Tlv } from '../pki/der';
import { decodeSubjectKeyIdentifier } from '../pki/extension-decoders';
import { parseSpki } from '../pki/parsed-certificate';
import { OID_SUBJECT_KEY_IDENTIFIER } from './oids';

export interface CertificateParts {
  readonly der: Uint8Array;
  /** The issuer Name's encoding. */
  readonly issuer: Uint8Array;
  /** The serialNumber INTEGER's encoding, identifier and length included. */
  readonly serialNumber: Uint8Array;
  /** The subject Name's encoding. */
  readonly subject: Uint8Array;
  /** The SubjectPublicKeyInfo's encoding. */
  readonly spki: Uint8Array;
  readonly keyAlgorithm: string;
  /** The key algorithm's parameters (an EC key's named curve), when present. */
  readonly keyParameters: Tlv | undefined;
  /** The subjectPublicKey bits (for RSA, the RSAPublicKey DER). */
  readonly publicKey: Uint8Array;
  /** The Extension SEQUENCEs of a v3 certificate; empty when it has none. */
  readonly extensions: readonly Tlv[];
}

function fields(der: Uint8Array): CertificateParts {
  const [tbs] = children(expectUniversal(readTlv(der), TAG.SEQUENCE, 'Certificate'));
  const parts = children(expectUniversal(tbs, TAG.SEQUENCE, 'TBSCertificate'));
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
  const first = parts[0] && isContext(parts[0], 0) ? 1 : 0;
  const serialNumber = expectUniversal(parts[first], TAG.INTEGER, 'serialNumber').encoded;
  const issuer = expectUniversal(parts[first + 2], TAG.SEQUENCE, 'issuer').encoded;
  const subject = expectUniversal(parts[first + 4], TAG.SEQUENCE, 'subject').encoded;
  const spki = parseSpki(parts[first + 5]);
  // After the key: issuerUniqueID [1], subjectUniqueID [2], extensions [3] (RFC 5280 §4.1).
  const wrapper = parts.slice(first + 6).find((part) => isContext(part, 3));
  const [list] = wrapper ? children(wrapper) : [];
  return {
    der,
    issuer,
    serialNumber,
    subject,
    spki: spki.der,
    keyAlgorithm: spki.algorithm.oid,
    keyParameters: spki.algorithm.params,
    publicKey: spki.publicKey,
    extensions: list ? children(expectUniversal(list, TAG.SEQUENCE, 'extensions')) : [],
  };
}

/** Throws `pki/malformed` naming `what` when `der` is not an X.509 certificate. */
export function readCertificateParts(der: Uint8Array, what: string): CertificateParts {
  try {
    return fields(der);
  } catch (error) {
    throw new CachetError('pki/malformed', `${what} is not an X.509 certificate`, { cause: error });
  }
}

/** Self-issued (issuer and subject encoded alike): a root, left out of the chain included (B18). */
export function isSelfIssuedCertificate(certificate: CertificateParts): boolean {
  const { issuer, subject } = certificate;
  return issuer.length === subject.length && issuer.every((octet, i) => octet === subject[i]);
}

/**
 * The subjectKeyIdentifier extension's value (RFC 5280 §4.2.1.2), when there is one.
 * Throws a DER error for a malformed extension; callers say what the certificate was.
 */
export function subjectKeyIdentifierOf(certificate: CertificateParts): Uint8Array | undefined {
  for (const extension of certificate.extensions) {
    const parts = children(expectUniversal(extension, TAG.SEQUENCE, 'Extension'));
    const [id] = parts;
    if (!id || !isUniversal(id, TAG.OID) || decodeOid(id.value) !== OID_SUBJECT_KEY_IDENTIFIER) continue;
    return decodeSubjectKeyIdentifier(expectUniversal(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue').value);
  }
  return undefined;
}
