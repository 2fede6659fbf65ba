/**
 * What an LDAP CRL distribution point or caIssuers URL may read (RFC 4523 §2): CRLs, CA
 * certificates and cross-certificate pairs, each value checked before it is handed on. A
 * CRL is only checked to be one DER SEQUENCE here: the validator parses it in full (and a
 * big CA's CRL twice would cost seconds). Certificates are parsed with Cachet's parser,
 * and a pair (X.509 §11.2.3, `CertificatePair ::= SEQUENCE { forward [0] Certificate
 * OPTIONAL, reverse [1] Certificate OPTIONAL }`) gives its two certificates as two values.
 */
import { CachetError } from '../../src/errors';
import { children, isContext, readTlv, TAG } from '../../src/pki/der';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { attributeType } from './attribute-values';
import type { SkipReport } from './directory-entry';

type PkiKind = 'crl' | 'certificate' | 'pair';

const KIND_OF: Readonly<Record<string, PkiKind>> = {
  certificaterevocationlist: 'crl',
  authorityrevocationlist: 'crl',
  deltarevocationlist: 'crl',
  cacertificate: 'certificate',
  usercertificate: 'certificate',
  crosscertificatepair: 'pair',
};

export interface PkiAttribute {
  /** As it is asked for: the URL's attribute type with ;binary (RFC 4523 §2 values travel that way). */
  readonly request: string;
  readonly kind: PkiKind;
}

/** The attribute a URL names, when it is one a CRL or issuer URL may read. */
export function pkiAttribute(description: string): PkiAttribute {
  const type = attributeType(description);
  const kind = KIND_OF[type];
  if (kind === undefined) {
    throw new CachetError('input/invalid', `the LDAP URL reads ${description}, which is not a CRL or certificate attribute Cachet reads`);
  }
  const name = description.split(';')[0] ?? description;
  return { request: `${name};binary`, kind };
}

function isSequence(value: Uint8Array): boolean {
  try {
    const tlv = readTlv(value);
    return tlv.tagClass === 0 && tlv.constructed && tlv.tagNumber === TAG.SEQUENCE;
  } catch {
    return false;
  }
}

function certificate(value: Uint8Array, where: string, skip: SkipReport): Uint8Array[] {
  try {
    parseCertificate(value);
    return [value];
  } catch (error) {
    skip(`${where}: not a certificate (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
}

function pairCertificates(value: Uint8Array, where: string, skip: SkipReport): Uint8Array[] {
  let members;
  try {
    const pair = readTlv(value);
    if (pair.tagClass !== 0 || pair.tagNumber !== TAG.SEQUENCE) throw new Error('not a SEQUENCE');
    members = children(pair, 2).map((member) => {
      if (!isContext(member, 0) && !isContext(member, 1)) throw new Error('a member is neither [0] forward nor [1] reverse');
      const [inner, extra] = children(member, 2);
      if (!inner || extra) throw new Error('a member does not hold one certificate');
      return { side: isContext(member, 0) ? 'forward' : 'reverse', der: inner.encoded };
    });
  } catch (error) {
    skip(`${where}: not a certificate pair (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
  return members.flatMap(({ side, der }) => certificate(der, `${where} ${side}`, skip));
}

/** The values to return for `kind`, each checked; a value that fails is reported and left out. */
export function pkiValues(values: readonly Uint8Array[], attribute: string, kind: PkiKind, skip: SkipReport): Uint8Array[] {
  return values.flatMap((value, n) => {
    const where = `${attribute} value ${n + 1}`;
    if (kind === 'certificate') return certificate(value, where, skip);
    if (kind === 'pair') return pairCertificates(value, where, skip);
    if (isSequence(value)) return [value];
    skip(`${where}: not a DER CRL`);
    return [];
  });
}
