import { CachetError } from '../errors';
import { parseName, type DistinguishedName } from './distinguished-name';
import { TAG, children, decodeBitString, decodeSmallUnsigned, decodeTime, expectUniversal, isContext, isUniversal, malformed, readTlv, toHex, type Tlv } from './der';
import {
  decodeAltNames, decodeAuthorityKeyIdentifier, decodeCrlDistributionPoints, decodeCrlNumber,
  decodeIssuingDistributionPoint, decodeReasonCode, type DistributionPoint, type IssuingDistributionPoint,
} from './extension-decoders';
import { parseAlgorithmIdentifier, parseExtensions, type AlgorithmIdentifier, type RawExtension } from './parsed-certificate';
import { OID } from './oids';

/** CRL reason codes (RFC 5280 §5.3.1). */
export const CrlReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export interface RevokedEntry {
  readonly serialHex: string;
  readonly revocationDate: Date;
  readonly reason: number | undefined;
  /** The certificate issuer this entry applies to (RFC 5280 §5.3.3); the CRL issuer unless an indirect CRL says otherwise. */
  readonly certificateIssuer: DistinguishedName;
  /** A critical entry extension this implementation does not process (§5.3: the CRL then cannot be used). */
  readonly hasUnknownCriticalExtension: boolean;
}

export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly id: string;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Entries by serial number (hex of the INTEGER contents). */
  readonly entries: ReadonlyMap<string, readonly RevokedEntry[]>;
  readonly extensions: ReadonlyMap<string, RawExtension>;
  readonly crlNumber: bigint | undefined;
  /** Present on delta CRLs: the base CRL number (§5.2.4). */
  readonly baseCrlNumber: bigint | undefined;
  readonly issuingDistributionPoint: IssuingDistributionPoint | undefined;
  readonly freshestCrl: readonly DistributionPoint[] | undefined;
  readonly authorityKeyIdentifier: Uint8Array | undefined;
  readonly unknownCriticalExtensions: readonly string[];
  readonly hasUnknownCriticalEntryExtension: boolean;
}

export const CRL_LIMITS = { maxBytes: 64 << 20, maxEntries: 2_000_000 } as const;

const UNDERSTOOD_CRL = new Set<string>([
  OID.authorityKeyIdentifier, OID.issuerAltName, OID.crlNumber, OID.deltaCrlIndicator,
  OID.issuingDistributionPoint, OID.freshestCrl, OID.authorityInfoAccess,
]);
const UNDERSTOOD_ENTRY = new Set<string>([OID.reasonCode, OID.invalidityDate, OID.certificateIssuer, '2.5.29.23']);

export function parseCrl(der: Uint8Array): ParsedCrl {
  if (der.length > CRL_LIMITS.maxBytes) throw malformed('CRL too large');
  try {
    return parseCrlUnchecked(der);
  } catch (error) {
    if (error instanceof CachetError) throw error;
    throw new CachetError('pki/malformed', 'CRL could not be decoded', { cause: error });
  }
}

function parseCrlUnchecked(der: Uint8Array): ParsedCrl {
  const [tbsTlv, sigAlgTlv, sigTlv, extra] = children(expectUniversal(readTlv(der), TAG.SEQUENCE, 'CertificateList'));
  if (extra) throw malformed('CertificateList: extra element');
  const parts = children(expectUniversal(tbsTlv, TAG.SEQUENCE, 'TBSCertList'));
  let i = 0;
  if (parts[0] && isUniversal(parts[0], TAG.INTEGER)) {
    if (decodeSmallUnsigned(parts[0].value, 'CRL version') !== 1) throw malformed('unknown CRL version');
    i = 1;
  }
  const innerAlg = parts[i++];
  parseAlgorithmIdentifier(innerAlg, 'CRL signature');
  if (toHex((sigAlgTlv)?.encoded ?? new Uint8Array()) !== toHex((innerAlg as Tlv).encoded)) {
    throw malformed('CRL signatureAlgorithm differs from the signed algorithm');
  }
  const issuer = parseName(expectUniversal(parts[i++], TAG.SEQUENCE, 'CRL issuer').encoded);
  const thisUpdateTlv = parts[i++];
  if (!thisUpdateTlv) throw malformed('CRL: no thisUpdate');
  const thisUpdate = decodeTime(thisUpdateTlv);
  let nextUpdate: Date | undefined;
  const maybeNext = parts[i];
  if (maybeNext && (isUniversal(maybeNext, TAG.UTC_TIME) || isUniversal(maybeNext, TAG.GENERALIZED_TIME))) {
    nextUpdate = decodeTime(maybeNext);
    i++;
  }
  let revoked: Tlv | undefined;
  if (parts[i] && isUniversal(parts[i] as Tlv, TAG.SEQUENCE)) revoked = parts[i++];
  let extensions = new Map<string, RawExtension>();
  if (parts[i] && isContext(parts[i] as Tlv, 0)) {
    const [wrapped] = children(parts[i++] as Tlv);
    if (!wrapped) throw malformed('crlExtensions: empty');
    extensions = parseExtensions(wrapped, 'CRL extensions');
  }
  if (i !== parts.length) throw malformed('TBSCertList: unexpected element');
  const get = (oid: string): Uint8Array | undefined => extensions.get(oid)?.value;
  const idpValue = get(OID.issuingDistributionPoint);
  const issuingDistributionPoint = idpValue ? decodeIssuingDistributionPoint(idpValue) : undefined;

  const entries = new Map<string, RevokedEntry[]>();
  let hasUnknownCriticalEntryExtension = false;
  // RFC 5280 §5.3.3: on an indirect CRL, certificateIssuer carries over to the following entries.
  let currentIssuer = issuer;
  if (revoked) {
    for (const entry of children(revoked, CRL_LIMITS.maxEntries)) {
      const [serialTlv, dateTlv, extTlv, more] = children(expectUniversal(entry, TAG.SEQUENCE, 'revokedCertificate'));
      if (more || !dateTlv) throw malformed('revokedCertificate: bad encoding');
      const serialHex = toHex(expectUniversal(serialTlv, TAG.INTEGER, 'userCertificate').value);
      const revocationDate = decodeTime(dateTlv);
      let reason: number | undefined;
      let unknownCritical = false;
      if (extTlv) {
        const ext = parseExtensions(extTlv, 'CRL entry extensions');
        for (const [oid, e] of ext) if (e.critical && !UNDERSTOOD_ENTRY.has(oid)) unknownCritical = true;
        const reasonExt = ext.get(OID.reasonCode);
        if (reasonExt) reason = decodeReasonCode(reasonExt.value);
        const ci = ext.get(OID.certificateIssuer);
        if (ci) {
          if (!issuingDistributionPoint?.indirectCRL) throw malformed('certificateIssuer on a CRL that is not indirect');
          const dn = decodeAltNames(ci.value, 100).find((n) => n.kind === 'directory');
          if (!dn || dn.kind !== 'directory') throw malformed('certificateIssuer without a directory name');
          currentIssuer = dn.name;
        }
      }
      hasUnknownCriticalEntryExtension ||= unknownCritical;
      const record: RevokedEntry = { serialHex, revocationDate, reason, certificateIssuer: currentIssuer, hasUnknownCriticalExtension: unknownCritical };
      const list = entries.get(serialHex);
      if (list) list.push(record);
      else entries.set(serialHex, [record]);
    }
  }
  const sigBits = expectUniversal(sigTlv, TAG.BIT_STRING, 'CRL signatureValue').value;
  decodeBitString(sigBits);
  const freshest = get(OID.freshestCrl);
  const aki = get(OID.authorityKeyIdentifier);
  const number = get(OID.crlNumber);
  const delta = get(OID.deltaCrlIndicator);
  return {
    der,
    id: toHex(der),
    tbs: (tbsTlv as Tlv).encoded,
    signatureAlgorithm: parseAlgorithmIdentifier(sigAlgTlv, 'CRL signatureAlgorithm'),
    signature: sigBits[0] === 0 ? sigBits.subarray(1) : new Uint8Array(0),
    issuer,
    thisUpdate,
    nextUpdate,
    entries,
    extensions,
    crlNumber: number ? decodeCrlNumber(number) : undefined,
    baseCrlNumber: delta ? decodeCrlNumber(delta) : undefined,
    issuingDistributionPoint,
    freshestCrl: freshest ? decodeCrlDistributionPoints(freshest) : undefined,
    authorityKeyIdentifier: aki ? decodeAuthorityKeyIdentifier(aki).keyIdentifier : undefined,
    unknownCriticalExtensions: [...extensions].filter(([oid, e]) => e.critical && !UNDERSTOOD_CRL.has(oid)).map(([oid]) => oid),
    hasUnknownCriticalEntryExtension,
  };
}

export function isDeltaCrl(crl: ParsedCrl): boolean {
  return crl.baseCrlNumber !== undefined;
}
