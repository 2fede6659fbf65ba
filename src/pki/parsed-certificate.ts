import { isBase64 } from '../mime/base64-form';
import * as pkijs from 'pkijs';

import { CachetError } from '../errors';
import { namesEqual, parseName, type DistinguishedName } from './distinguished-name';
import {
  TAG, children, decodeBitString, decodeSmallUnsigned, decodeTime, expectUniversal, isContext, isUniversal,
  malformed, readOid, readTlv, toHex, type Tlv,
} from './der';
import {
  decodeAltNames, decodeAuthorityKeyIdentifier, decodeBasicConstraints, decodeBits, decodeCertificatePolicies,
  decodeCrlDistributionPoints, decodeExtKeyUsage, decodeInfoAccess, decodeInhibitAnyPolicy, decodeNameConstraints,
  decodePolicyConstraints, decodePolicyMappings, decodeSubjectKeyIdentifier,
  type AccessDescription, type BasicConstraints, type DistributionPoint, type NameConstraints,
  type PolicyConstraints, type PolicyInformation, type PolicyMapping,
} from './extension-decoders';
import type { GeneralName } from './general-name';
import { OID } from './oids';

/** An AlgorithmIdentifier with its parameters kept as DER (absent, NULL or a structure). */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly params: Tlv | undefined;
}

export interface SubjectPublicKeyInfo {
  readonly der: Uint8Array;
  readonly algorithm: AlgorithmIdentifier;
  readonly publicKey: Uint8Array;
}

export interface RawExtension {
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Upper bounds that keep hostile certificates cheap to reject. */
export const CERTIFICATE_LIMITS = { maxBytes: 1 << 20, maxExtensions: 200, maxAltNames: 10_000 } as const;

/**
 * The extensions this implementation processes (RFC 5280 §4.2: a critical extension that
 * is not recognised makes the certificate invalid, §6.1.4 (o) / §6.1.5 (f)).
 */
const UNDERSTOOD = new Set<string>([
  OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.keyUsage, OID.certificatePolicies, OID.policyMappings,
  OID.subjectAltName, OID.issuerAltName, OID.basicConstraints, OID.nameConstraints, OID.policyConstraints,
  OID.extKeyUsage, OID.crlDistributionPoints, OID.inhibitAnyPolicy, OID.freshestCrl, OID.authorityInfoAccess,
  OID.subjectInfoAccess, OID.subjectDirectoryAttributes,
]);

/**
 * A certificate decoded once into the fields path validation, selection and display need.
 * Raw bytes stay alongside so signatures are checked over what was received.
 */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** Hex of the DER; identity of the certificate in pools and caches. */
  readonly id: string;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly serialNumber: Uint8Array;
  readonly serialHex: string;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: SubjectPublicKeyInfo;
  readonly extensions: ReadonlyMap<string, RawExtension>;
  readonly basicConstraints: BasicConstraints | undefined;
  readonly keyUsage: ReadonlySet<number> | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly policies: readonly PolicyInformation[] | undefined;
  readonly policyMappings: readonly PolicyMapping[] | undefined;
  readonly policyConstraints: PolicyConstraints | undefined;
  readonly inhibitAnyPolicy: number | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly subjectAltNames: readonly GeneralName[] | undefined;
  readonly crlDistributionPoints: readonly DistributionPoint[] | undefined;
  readonly freshestCrl: readonly DistributionPoint[] | undefined;
  readonly authorityInfoAccess: readonly AccessDescription[] | undefined;
  readonly subjectKeyIdentifier: Uint8Array | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
  /** Critical extensions this implementation does not process. */
  readonly unknownCriticalExtensions: readonly string[];
  readonly selfIssued: boolean;
}

export function parseAlgorithmIdentifier(tlv: Tlv | undefined, what: string): AlgorithmIdentifier {
  const [oidTlv, params, extra] = children(expectUniversal(tlv, TAG.SEQUENCE, what));
  if (extra) throw malformed(`${what}: extra element`);
  return { oid: readOid(oidTlv, what), params };
}

export function parseSpki(tlv: Tlv | undefined): SubjectPublicKeyInfo {
  const [alg, key, extra] = children(expectUniversal(tlv, TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  if (extra) throw malformed('SubjectPublicKeyInfo: extra element');
  const bits = expectUniversal(key, TAG.BIT_STRING, 'subjectPublicKey').value;
  if (bits[0] !== 0) throw malformed('subjectPublicKey: unused bits');
  return { der: (tlv as Tlv).encoded, algorithm: parseAlgorithmIdentifier(alg, 'SubjectPublicKeyInfo algorithm'), publicKey: bits.subarray(1) };
}

/** Parses extensions, rejecting duplicates (RFC 5280 §4.2). */
export function parseExtensions(wrapper: Tlv, what: string): Map<string, RawExtension> {
  const map = new Map<string, RawExtension>();
  for (const ext of children(expectUniversal(wrapper, TAG.SEQUENCE, what), CERTIFICATE_LIMITS.maxExtensions)) {
    const parts = children(expectUniversal(ext, TAG.SEQUENCE, 'Extension'));
    const oid = readOid(parts[0], 'extnID');
    let critical = false;
    let valueTlv = parts[1];
    if (valueTlv && isUniversal(valueTlv, TAG.BOOLEAN)) {
      critical = valueTlv.value[0] !== 0;
      valueTlv = parts[2];
    }
    const value = expectUniversal(valueTlv, TAG.OCTET_STRING, 'extnValue').value;
    if (map.has(oid)) throw malformed(`${what}: extension ${oid} appears twice`);
    map.set(oid, { critical, value });
  }
  return map;
}

function decodeOptional<T>(extensions: ReadonlyMap<string, RawExtension>, oid: string, decode: (value: Uint8Array) => T): T | undefined {
  const ext = extensions.get(oid);
  return ext ? decode(ext.value) : undefined;
}

/** Strips PEM armour if present; DER passes through. */
export function pemOrDer(input: Uint8Array, label = 'CERTIFICATE'): Uint8Array[] {
  if (input[0] === 0x30) return [input];
  const text = new TextDecoder('latin1').decode(input);
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(re)) {
    const b64 = (m[1] ?? '').replace(/\s+/g, '');
    if (!isBase64(b64)) throw malformed(`PEM ${label}: bad base64`);
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    out.push(bytes);
  }
  if (out.length === 0) throw malformed(`neither DER nor PEM ${label}`);
  return out;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  if (der.length > CERTIFICATE_LIMITS.maxBytes) throw malformed('certificate too large');
  try {
    return parseCertificateUnchecked(der);
  } catch (error) {
    if (error instanceof CachetError) throw error;
    throw new CachetError('pki/malformed', 'certificate could not be decoded', { cause: error });
  }
}

function parseCertificateUnchecked(der: Uint8Array): ParsedCertificate {
  const [tbsTlv, sigAlgTlv, sigTlv, extra] = children(expectUniversal(readTlv(der), TAG.SEQUENCE, 'Certificate'));
  if (extra) throw malformed('Certificate: extra element');
  const tbsParts = children(expectUniversal(tbsTlv, TAG.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  let version = 1;
  const first = tbsParts[0];
  if (first && isContext(first, 0)) {
    const [v] = children(first);
    version = decodeSmallUnsigned(expectUniversal(v, TAG.INTEGER, 'version').value, 'version') + 1;
    if (version > 3) throw malformed('unknown certificate version');
    i = 1;
  }
  const serial = expectUniversal(tbsParts[i++], TAG.INTEGER, 'serialNumber').value;
  if (serial.length === 0 || serial.length > 64) throw malformed('serialNumber: bad length');
  const innerAlgTlv = tbsParts[i++];
  parseAlgorithmIdentifier(innerAlgTlv, 'signature');
  const issuerTlv = expectUniversal(tbsParts[i++], TAG.SEQUENCE, 'issuer');
  const [nb, na, vExtra] = children(expectUniversal(tbsParts[i++], TAG.SEQUENCE, 'validity'));
  if (!nb || !na || vExtra) throw malformed('validity: bad encoding');
  const subjectTlv = expectUniversal(tbsParts[i++], TAG.SEQUENCE, 'subject');
  const spki = parseSpki(tbsParts[i++]);
  let extensions = new Map<string, RawExtension>();
  for (; i < tbsParts.length; i++) {
    const part = tbsParts[i] as Tlv;
    if (isContext(part, 1) || isContext(part, 2)) continue; // issuer/subject unique IDs
    if (isContext(part, 3)) {
      if (version !== 3) throw malformed('extensions in a certificate before v3');
      const [wrapped, more] = children(part);
      if (!wrapped || more) throw malformed('extensions: bad encoding');
      extensions = parseExtensions(wrapped, 'certificate extensions');
    } else throw malformed('TBSCertificate: unexpected element');
  }
  const signatureAlgorithm = parseAlgorithmIdentifier(sigAlgTlv, 'signatureAlgorithm');
  // RFC 5280 §4.1.1.2: the outer algorithm must equal the signed one.
  if (toHex((sigAlgTlv as Tlv).encoded) !== toHex((innerAlgTlv as Tlv).encoded)) {
    throw malformed('signatureAlgorithm differs from the signed algorithm');
  }
  const sigBits = expectUniversal(sigTlv, TAG.BIT_STRING, 'signatureValue').value;
  decodeBitString(sigBits);
  const issuer = parseName(issuerTlv.encoded);
  const subject = parseName(subjectTlv.encoded);
  const keyUsage = decodeOptional(extensions, OID.keyUsage, (v) => decodeBits(v, 'keyUsage'));
  const aki = decodeOptional(extensions, OID.authorityKeyIdentifier, decodeAuthorityKeyIdentifier);
  const unknownCriticalExtensions = [...extensions].filter(([oid, e]) => e.critical && !UNDERSTOOD.has(oid)).map(([oid]) => oid);
  return {
    der,
    id: toHex(der),
    tbs: (tbsTlv as Tlv).encoded,
    version,
    serialNumber: serial,
    serialHex: toHex(serial),
    signatureAlgorithm,
    // A signature with unused bits cannot be a valid signature: keep it empty so it fails to verify.
    signature: sigBits[0] === 0 ? sigBits.subarray(1) : new Uint8Array(0),
    issuer,
    subject,
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    spki,
    extensions,
    basicConstraints: decodeOptional(extensions, OID.basicConstraints, decodeBasicConstraints),
    keyUsage,
    extKeyUsage: decodeOptional(extensions, OID.extKeyUsage, decodeExtKeyUsage),
    policies: decodeOptional(extensions, OID.certificatePolicies, decodeCertificatePolicies),
    policyMappings: decodeOptional(extensions, OID.policyMappings, decodePolicyMappings),
    policyConstraints: decodeOptional(extensions, OID.policyConstraints, decodePolicyConstraints),
    inhibitAnyPolicy: decodeOptional(extensions, OID.inhibitAnyPolicy, decodeInhibitAnyPolicy),
    nameConstraints: decodeOptional(extensions, OID.nameConstraints, decodeNameConstraints),
    subjectAltNames: decodeOptional(extensions, OID.subjectAltName, (v) => decodeAltNames(v, CERTIFICATE_LIMITS.maxAltNames)),
    crlDistributionPoints: decodeOptional(extensions, OID.crlDistributionPoints, decodeCrlDistributionPoints),
    freshestCrl: decodeOptional(extensions, OID.freshestCrl, decodeCrlDistributionPoints),
    authorityInfoAccess: decodeOptional(extensions, OID.authorityInfoAccess, decodeInfoAccess),
    subjectKeyIdentifier: decodeOptional(extensions, OID.subjectKeyIdentifier, decodeSubjectKeyIdentifier),
    authorityKeyIdentifier: aki?.keyIdentifier,
    unknownCriticalExtensions,
    selfIssued: namesEqual(issuer, subject),
  };
}

/**
 * The same certificate as a PKI.js object, for the CMS code that works with PKI.js types.
 * PKI.js reads some fields more strictly than parseCertificate (found by fuzzing: random
 * octets in DSA parameters), so its refusal is turned into the typed error here.
 */
export function toPkijsCertificate(cert: ParsedCertificate): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(new Uint8Array(cert.der));
  } catch (cause) {
    throw new CachetError('pki/malformed', 'the certificate cannot be read as an X.509 Certificate', { cause });
  }
}

/** True when the certificate is a CA certificate (basicConstraints cA, RFC 5280 §4.2.1.9). */
export function isCa(cert: ParsedCertificate): boolean {
  return cert.basicConstraints?.ca === true;
}
