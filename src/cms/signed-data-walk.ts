/**
 * SignedData split into its fields by a BER walk (ber-walk.ts), so that asn1js parses only
 * what the verifier reads through it: version, digestAlgorithms, encapContentInfo and
 * signerInfos. The certificates and CRLs, most of the octets and most of the elements of
 * a typical signature, are handed on as their received encodings without a tree being
 * built for them; each certificate is parsed on its own later, as it was already. Input
 * the walk does not understand gives undefined, and the caller parses the whole
 * ContentInfo the thorough way, with its errors. More fields, certificates or CRLs than
 * any SignedData has are refused with 'cms/malformed'.
 */
import { CachetError } from '../errors';
import { berWalker, WalkRefused, type Tlv } from './ber-walk';
import { oidOf, parseBer, type Block } from './der-reader';
import { OID_SIGNED_DATA } from './oids';

const SEQUENCE = 0x30;
const CONTEXT_0_CONSTRUCTED = 0xa0;
const CONTEXT_1_CONSTRUCTED = 0xa1;
/** RFC 5652 §5.1: version, digestAlgorithms, encapContentInfo, certificates, crls, signerInfos. */
const MAX_FIELDS = 6;

/**
 * Certificates, or CRLs, one SignedData may carry: a chain is a handful and a CA bundle a
 * few hundred. Each is a signer candidate to look through, so without a bound a megabyte
 * of tiny elements made a verification run for seconds (found by fuzzing).
 */
export const MAX_CERTIFICATE_SET = 1000;

/** Throws 'cms/malformed' when a SignedData carries more certificates or CRLs than the bound. */
export function checkCertificateSet(count: number, what: 'certificates' | 'CRLs'): void {
  if (count > MAX_CERTIFICATE_SET) throw new CachetError('cms/malformed', `SignedData carries more than ${MAX_CERTIFICATE_SET} ${what}`);
}

export interface WalkedSignedData {
  /** The fields other than certificates and CRLs, in order, each parsed by asn1js. */
  readonly fields: readonly Block[];
  /** The plain X.509 certificates (CertificateChoices' untagged choice), as received. */
  readonly certificates: readonly Uint8Array[];
  /** The CertificateList CRLs (RevocationInfoChoice's untagged choice), as received. */
  readonly crls: readonly Uint8Array[];
}

/** The SignedData of a ContentInfo, or undefined when it is something else or not walkable. */
export function walkSignedData(cms: Uint8Array): WalkedSignedData | undefined {
  const view = (tlv: Tlv): Uint8Array => cms.subarray(tlv.start, tlv.end);
  const block = (tlv: Tlv): Block => parseBer(view(tlv), 'SignedData field', 'cms/malformed');
  try {
    const walk = berWalker(cms);
    const contentInfo = walk.element(0, cms.length);
    if (contentInfo.identifier !== SEQUENCE || contentInfo.end !== cms.length) return undefined;
    const [typeTlv, contentTlv] = walk.children(contentInfo);
    if (!typeTlv || contentTlv?.identifier !== CONTEXT_0_CONSTRUCTED) return undefined;
    if (oidOf(block(typeTlv), 'ContentInfo contentType') !== OID_SIGNED_DATA) return undefined;
    const [signedData] = walk.children(contentTlv);
    if (signedData?.identifier !== SEQUENCE) return undefined;
    const fields: Block[] = [];
    const certificates: Uint8Array[] = [];
    const crls: Uint8Array[] = [];
    const all = walk.children(signedData);
    // Each field is parsed on its own, outside asn1js' bound on the elements of one parse.
    if (all.length > MAX_FIELDS) throw new CachetError('cms/malformed', `SignedData has ${all.length} fields; RFC 5652 §5.1 allows ${MAX_FIELDS}`);
    all.forEach((field, i) => {
      // RFC 5652 §5.1: certificates [0] and crls [1] come after encapContentInfo.
      const bag = i < 3 ? undefined : field.identifier === CONTEXT_0_CONSTRUCTED ? certificates : field.identifier === CONTEXT_1_CONSTRUCTED ? crls : undefined;
      if (!bag) {
        fields.push(block(field));
        return;
      }
      for (const item of walk.children(field)) if (item.identifier === SEQUENCE) bag.push(view(item));
    });
    checkCertificateSet(certificates.length, 'certificates');
    checkCertificateSet(crls.length, 'CRLs');
    return { fields, certificates, crls };
  } catch (error) {
    if (error instanceof WalkRefused) return undefined;
    throw error;
  }
}
