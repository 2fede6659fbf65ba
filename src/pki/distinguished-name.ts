import { OID } from './oids';
import { TAG, bytesEqual, children, decodeOid, decodeString, expectUniversal, malformed, readTlv, toHex, type Tlv } from './der';

/** One attribute of a relative distinguished name. */
export interface AttributeValue {
  readonly type: string;
  /** The value decoded as text when it is a directory string, else undefined. */
  readonly text: string | undefined;
  /** Normalised form for comparison (RFC 5280 §7.1), or the hex of the DER value. */
  readonly key: string;
}

/** A Name: RDNs in encoded order, each a set of attribute values. */
export interface DistinguishedName {
  readonly rdns: readonly (readonly AttributeValue[])[];
  readonly der: Uint8Array;
}

const MAX_RDNS = 64;

/**
 * RFC 5280 §7.1 compares names with the LDAP string preparation of RFC 4518: case folding
 * and insignificant-space handling on directory strings, so PrintableString "Test  CA"
 * and UTF8String "test ca" are the same name (PKITS 4.3.3–4.3.11).
 */
export function prepareString(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export function parseName(der: Uint8Array): DistinguishedName {
  const seq = readTlv(der);
  expectUniversal(seq, TAG.SEQUENCE, 'Name');
  const rdns = children(seq, MAX_RDNS).map((set) => {
    expectUniversal(set, TAG.SET, 'RelativeDistinguishedName');
    const avas = children(set, 64);
    if (avas.length === 0) throw malformed('Name: empty RDN');
    return avas.map(parseAttributeValue);
  });
  return { rdns, der };
}

export function parseAttributeValue(ava: Tlv): AttributeValue {
  const [typeTlv, valueTlv, extra] = children(expectUniversal(ava, TAG.SEQUENCE, 'AttributeTypeAndValue'));
  if (!typeTlv || !valueTlv || extra) throw malformed('Name: bad AttributeTypeAndValue');
  const type = decodeOid(expectUniversal(typeTlv, TAG.OID, 'attribute type').value);
  const text = decodeString(valueTlv);
  const key = text !== undefined ? `s:${prepareString(text)}` : `b:${toHex(valueTlv.encoded)}`;
  return { type, text, key };
}

function rdnEqual(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  if (a.length !== b.length) return false;
  // Multi-valued RDNs are sets: every value of one must appear in the other.
  return a.every((x) => b.some((y) => x.type === y.type && x.key === y.key));
}

/** Name equality per RFC 5280 §7.1. */
export function namesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a.der.length > 0 && bytesEqual(a.der, b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  return a.rdns.every((rdn, i) => rdnEqual(rdn, b.rdns[i] ?? []));
}

/** True when `name` lies in the subtree rooted at `base` (RFC 5280 §4.2.1.10, directoryName). */
export function nameWithinSubtree(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => rdnEqual(rdn, name.rdns[i] ?? []));
}

export function isEmptyName(name: DistinguishedName): boolean {
  return name.rdns.length === 0;
}

/** A name with one more RDN appended (nameRelativeToCRLIssuer, RFC 5280 §4.2.1.13). */
export function appendRdn(name: DistinguishedName, rdn: readonly AttributeValue[]): DistinguishedName {
  return { rdns: [...name.rdns, rdn], der: new Uint8Array(0) };
}

/** Values of one attribute type, for e-mail addresses in the subject (RFC 5280 §4.1.2.6). */
export function attributeTexts(name: DistinguishedName, type: string): string[] {
  return name.rdns.flatMap((rdn) => rdn.filter((a) => a.type === type && a.text !== undefined).map((a) => a.text ?? ''));
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
  [OID.emailAddress]: 'emailAddress',
};

/** A readable form for messages and the CLI (not for comparison). */
export function formatName(name: DistinguishedName): string {
  return name.rdns
    .map((rdn) => rdn.map((a) => `${SHORT[a.type] ?? a.type}=${a.text ?? '#' + a.key.slice(2)}`).join('+'))
    .join(', ');
}
