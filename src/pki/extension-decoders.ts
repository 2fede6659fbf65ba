import { parseAttributeValue, type AttributeValue } from './distinguished-name';
import { decodeGeneralName, decodeGeneralNames, type GeneralName } from './general-name';
import {
  TAG, children, decodeBitString, decodeBoolean, decodeSmallUnsigned, expectUniversal, isContext,
  isUniversal, malformed, readOid, readTlv, sequenceOf, type Tlv,
} from './der';

/** Decoders for the extension values of RFC 5280 §4.2 and §5.2 that validation reads. */

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen: number | undefined;
}

export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  let ca = false;
  let pathLen: number | undefined;
  for (const item of sequenceOf(value, 'basicConstraints')) {
    if (isUniversal(item, TAG.BOOLEAN)) ca = decodeBoolean(item);
    else if (isUniversal(item, TAG.INTEGER)) pathLen = decodeSmallUnsigned(item.value, 'pathLenConstraint');
    else throw malformed('basicConstraints: unexpected element');
  }
  return { ca, pathLen };
}

/** Key usage bits (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export function decodeBits(value: Uint8Array, what: string): Set<number> {
  const tlv = readTlv(value);
  return decodeBitString(expectUniversal(tlv, TAG.BIT_STRING, what).value).bits;
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  return sequenceOf(value, 'extKeyUsage', 1000).map((t) => readOid(t, 'extKeyUsage'));
}

export interface PolicyInformation {
  readonly policy: string;
}

export function decodeCertificatePolicies(value: Uint8Array): PolicyInformation[] {
  const seen = new Set<string>();
  return sequenceOf(value, 'certificatePolicies', 1000).map((info) => {
    const [id] = children(expectUniversal(info, TAG.SEQUENCE, 'PolicyInformation'));
    const policy = readOid(id, 'policyIdentifier');
    // RFC 5280 §4.2.1.4: a policy OID must not appear more than once.
    if (seen.has(policy)) throw malformed('certificatePolicies: repeated policy');
    seen.add(policy);
    return { policy };
  });
}

export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

export function decodePolicyMappings(value: Uint8Array): PolicyMapping[] {
  return sequenceOf(value, 'policyMappings', 1000).map((m) => {
    const [a, b, extra] = children(expectUniversal(m, TAG.SEQUENCE, 'policyMapping'));
    if (extra) throw malformed('policyMappings: extra element');
    return { issuerDomainPolicy: readOid(a, 'issuerDomainPolicy'), subjectDomainPolicy: readOid(b, 'subjectDomainPolicy') };
  });
}

export interface PolicyConstraints {
  readonly requireExplicitPolicy: number | undefined;
  readonly inhibitPolicyMapping: number | undefined;
}

export function decodePolicyConstraints(value: Uint8Array): PolicyConstraints {
  let requireExplicitPolicy: number | undefined;
  let inhibitPolicyMapping: number | undefined;
  const items = sequenceOf(value, 'policyConstraints');
  for (const item of items) {
    if (isContext(item, 0) && !item.constructed) requireExplicitPolicy = decodeSmallUnsigned(item.value, 'requireExplicitPolicy');
    else if (isContext(item, 1) && !item.constructed) inhibitPolicyMapping = decodeSmallUnsigned(item.value, 'inhibitPolicyMapping');
    else throw malformed('policyConstraints: unexpected element');
  }
  // RFC 5280 §4.2.1.11: an empty sequence is not allowed.
  if (items.length === 0) throw malformed('policyConstraints: empty');
  return { requireExplicitPolicy, inhibitPolicyMapping };
}

export function decodeInhibitAnyPolicy(value: Uint8Array): number {
  const tlv = expectUniversal(readTlv(value), TAG.INTEGER, 'inhibitAnyPolicy');
  return decodeSmallUnsigned(tlv.value, 'inhibitAnyPolicy');
}

export interface NameConstraints {
  readonly permitted: readonly GeneralName[] | undefined;
  readonly excluded: readonly GeneralName[] | undefined;
}

function decodeSubtrees(tlv: Tlv): GeneralName[] {
  return children(tlv, 10_000).map((subtree) => {
    const [base, ...rest] = children(expectUniversal(subtree, TAG.SEQUENCE, 'GeneralSubtree'));
    if (!base) throw malformed('GeneralSubtree: no base');
    // RFC 5280 §4.2.1.10: minimum is 0 and maximum absent in this profile.
    for (const r of rest) {
      if (isContext(r, 0) && decodeSmallUnsigned(r.value, 'minimum') === 0) continue;
      throw malformed('GeneralSubtree: minimum/maximum not supported');
    }
    return decodeGeneralName(base);
  });
}

export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  let permitted: GeneralName[] | undefined;
  let excluded: GeneralName[] | undefined;
  for (const item of sequenceOf(value, 'nameConstraints')) {
    if (isContext(item, 0)) permitted = decodeSubtrees(item);
    else if (isContext(item, 1)) excluded = decodeSubtrees(item);
    else throw malformed('nameConstraints: unexpected element');
  }
  return { permitted, excluded };
}

export function decodeAltNames(value: Uint8Array, limit = 10_000): GeneralName[] {
  const tlv = readTlv(value);
  expectUniversal(tlv, TAG.SEQUENCE, 'GeneralNames');
  return decodeGeneralNames(tlv, limit);
}

export type DistributionPointName =
  | { readonly kind: 'full'; readonly names: readonly GeneralName[] }
  | { readonly kind: 'relative'; readonly rdn: readonly AttributeValue[] };

function decodeDistributionPointName(wrapper: Tlv): DistributionPointName {
  const [choice, extra] = children(wrapper);
  if (!choice || extra) throw malformed('DistributionPointName: bad encoding');
  if (isContext(choice, 0)) return { kind: 'full', names: decodeGeneralNames(choice, 100) };
  if (isContext(choice, 1)) return { kind: 'relative', rdn: children(choice, 64).map(parseAttributeValue) };
  throw malformed('DistributionPointName: unknown choice');
}

export interface DistributionPoint {
  readonly name: DistributionPointName | undefined;
  readonly reasons: ReadonlySet<number> | undefined;
  readonly crlIssuer: readonly GeneralName[] | undefined;
}

export function decodeCrlDistributionPoints(value: Uint8Array): DistributionPoint[] {
  return sequenceOf(value, 'cRLDistributionPoints', 100).map((dp) => {
    let name: DistributionPointName | undefined;
    let reasons: Set<number> | undefined;
    let crlIssuer: GeneralName[] | undefined;
    for (const field of children(expectUniversal(dp, TAG.SEQUENCE, 'DistributionPoint'))) {
      if (isContext(field, 0)) name = decodeDistributionPointName(field);
      else if (isContext(field, 1)) reasons = decodeBitString(field.value).bits;
      else if (isContext(field, 2)) crlIssuer = decodeGeneralNames(field, 100);
      else throw malformed('DistributionPoint: unexpected element');
    }
    // RFC 5280 §4.2.1.13: a distribution point must name a point or a CRL issuer.
    if (!name && !crlIssuer) throw malformed('DistributionPoint: empty');
    return { name, reasons, crlIssuer };
  });
}

export interface IssuingDistributionPoint {
  readonly name: DistributionPointName | undefined;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons: ReadonlySet<number> | undefined;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

export function decodeIssuingDistributionPoint(value: Uint8Array): IssuingDistributionPoint {
  let name: DistributionPointName | undefined;
  let onlyContainsUserCerts = false;
  let onlyContainsCACerts = false;
  let onlySomeReasons: Set<number> | undefined;
  let indirectCRL = false;
  let onlyContainsAttributeCerts = false;
  for (const field of sequenceOf(value, 'issuingDistributionPoint')) {
    if (field.tagClass !== 2) throw malformed('issuingDistributionPoint: unexpected element');
    const flag = (): boolean => decodeBoolean(field);
    switch (field.tagNumber) {
      case 0: name = decodeDistributionPointName(field); break;
      case 1: onlyContainsUserCerts = flag(); break;
      case 2: onlyContainsCACerts = flag(); break;
      case 3: onlySomeReasons = decodeBitString(field.value).bits; break;
      case 4: indirectCRL = flag(); break;
      case 5: onlyContainsAttributeCerts = flag(); break;
      default: throw malformed('issuingDistributionPoint: unknown field');
    }
  }
  return { name, onlyContainsUserCerts, onlyContainsCACerts, onlySomeReasons, indirectCRL, onlyContainsAttributeCerts };
}

export interface AccessDescription {
  readonly method: string;
  readonly location: GeneralName;
}

export function decodeInfoAccess(value: Uint8Array): AccessDescription[] {
  return sequenceOf(value, 'authorityInfoAccess', 100).map((ad) => {
    const [method, location, extra] = children(expectUniversal(ad, TAG.SEQUENCE, 'AccessDescription'));
    if (!location || extra) throw malformed('AccessDescription: bad encoding');
    return { method: readOid(method, 'accessMethod'), location: decodeGeneralName(location) };
  });
}

export interface AuthorityKeyIdentifier {
  readonly keyIdentifier: Uint8Array | undefined;
}

export function decodeAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifier {
  let keyIdentifier: Uint8Array | undefined;
  for (const field of sequenceOf(value, 'authorityKeyIdentifier')) {
    if (isContext(field, 0)) keyIdentifier = field.value;
  }
  return { keyIdentifier };
}

export function decodeSubjectKeyIdentifier(value: Uint8Array): Uint8Array {
  return expectUniversal(readTlv(value), TAG.OCTET_STRING, 'subjectKeyIdentifier').value;
}

export function decodeCrlNumber(value: Uint8Array): bigint {
  const tlv = expectUniversal(readTlv(value), TAG.INTEGER, 'cRLNumber');
  if (tlv.value.length > 20) throw malformed('cRLNumber: longer than 20 octets');
  let n = 0n;
  for (const b of tlv.value) n = (n << 8n) | BigInt(b);
  return n;
}

export function decodeReasonCode(value: Uint8Array): number {
  const tlv = readTlv(value);
  if (!isUniversal(tlv, TAG.ENUMERATED)) throw malformed('reasonCode: expected ENUMERATED');
  return decodeSmallUnsigned(tlv.value, 'reasonCode');
}

/** The SmtpUTF8Mailbox otherName of RFC 8398 (internationalised e-mail in the SAN). */
export function smtpUtf8Mailbox(name: GeneralName): string | undefined {
  if (name.kind !== 'other' || name.typeId !== '1.3.6.1.5.5.7.8.9') return undefined;
  const [, valueWrapper] = children(readTlv(name.raw));
  if (!valueWrapper) return undefined;
  const [inner] = children(valueWrapper);
  if (!inner || !isUniversal(inner, TAG.UTF8_STRING)) return undefined;
  return new TextDecoder('utf-8', { fatal: true }).decode(inner.value);
}
