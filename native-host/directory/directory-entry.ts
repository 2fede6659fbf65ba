/**
 * One search result entry turned into what `directory/search` returns (PROTOCOL.md,
 * DirectoryEntry): whether it is a person or a contact, its addresses, and its
 * certificates in the order B6 reads them. Every value is hostile: each is bounded and
 * parsed with Cachet's own parsers, and one that fails is skipped with its reason given to
 * `skip`, never thrown; the rest of the entry stands.
 */
import type { Entry } from 'ldapts';
import { parseSignedData } from '../../src/cms/signed-data-verify';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import type { DirectoryEntry, DirectorySearch } from '../../src/protocol/native';
import { MAX_DIRECTORY_CERTIFICATE_BYTES, MAX_ENTRY_ADDRESSES, MAX_ENTRY_CERTIFICATES } from '../../src/protocol/native-directory-validators';
import { attributeType, textValuesOf, valuesOf } from './attribute-values';

/** Tells why a value or an entry was left out. */
export type SkipReport = (reason: string) => void;

const MAX_SMIME_VALUE_BYTES = 256 * 1024;
const MAX_CERTIFICATES_PER_SMIME_VALUE = 16;
const MAX_DN_LENGTH = 4096;
const MAX_ADDRESS_LENGTH = 254;
// eslint-disable-next-line no-control-regex -- spaces and control characters are what is refused
const ADDRESS = /^[^\s@\x00-\x1f\x7f]+@[^\s@\x00-\x1f\x7f]+$/;
/** Active Directory's proxyAddresses: the kind, a colon, the address; SMTP: marks the primary one. */
const SMTP_PROXY = /^smtp:/i;

function kindOf(entry: Entry, search: DirectorySearch): DirectoryEntry['kind'] {
  const classes = new Set(textValuesOf(entry, 'objectClass').map((c) => c.toLowerCase()));
  const any = (names: readonly string[]): boolean => names.some((n) => classes.has(n.toLowerCase()));
  // Contacts first: Active Directory's contact class derives from person and organizationalPerson.
  if (any(search.contactClasses)) return 'contact';
  if (any(search.personClasses)) return 'person';
  return 'other';
}

/** RFC 1274's otherMailbox is `type $ mailbox`; Active Directory's is the address alone. */
function otherMailboxAddress(value: string): string | undefined {
  const dollar = value.indexOf('$');
  if (dollar < 0) return value;
  const type = value.slice(0, dollar).trim().toLowerCase();
  return type === 'internet' || type === 'smtp' || type === 'rfc822' ? value.slice(dollar + 1).trim() : undefined;
}

function addressesOf(entry: Entry, skip: SkipReport): string[] {
  const candidates = [
    ...textValuesOf(entry, 'mail').map((v) => ({ attribute: 'mail', address: v })),
    ...textValuesOf(entry, 'proxyAddresses').filter((v) => SMTP_PROXY.test(v)).map((v) => ({ attribute: 'proxyAddresses', address: v.slice(5) })),
    ...textValuesOf(entry, 'otherMailbox').map((v) => ({ attribute: 'otherMailbox', address: otherMailboxAddress(v) })),
  ];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { attribute, address } of candidates) {
    if (address === undefined) continue;
    if (address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address)) {
      skip(`${attribute}: ${JSON.stringify(address.slice(0, 80))} is not an e-mail address`);
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    if (out.length >= MAX_ENTRY_ADDRESSES) {
      skip(`${attribute}: more than ${MAX_ENTRY_ADDRESSES} addresses; the rest are left out`);
      break;
    }
    seen.add(key);
    out.push(address);
  }
  return out;
}

function isSmimeAttribute(description: string): boolean {
  return attributeType(description).split(';')[0] === 'usersmimecertificate';
}

function certificateOrSkip(der: Uint8Array, where: string, skip: SkipReport): Uint8Array | undefined {
  if (der.length > MAX_DIRECTORY_CERTIFICATE_BYTES) {
    skip(`${where}: ${der.length} bytes, over the ${MAX_DIRECTORY_CERTIFICATE_BYTES} a certificate may have`);
    return undefined;
  }
  try {
    parseCertificate(der);
    return der;
  } catch (error) {
    skip(`${where}: not a certificate (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** The certificates a userSMIMECertificate value (a CMS SignedData, RFC 2798 §2.8) holds. */
function smimeCertificates(value: Uint8Array, where: string, skip: SkipReport): Uint8Array[] {
  if (value.length > MAX_SMIME_VALUE_BYTES) {
    skip(`${where}: ${value.length} bytes, over the ${MAX_SMIME_VALUE_BYTES} a userSMIMECertificate may have`);
    return [];
  }
  let inside: readonly Uint8Array[];
  try {
    inside = parseSignedData(value).certificates;
  } catch (error) {
    skip(`${where}: not a CMS SignedData (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
  if (inside.length > MAX_CERTIFICATES_PER_SMIME_VALUE) {
    skip(`${where}: holds ${inside.length} certificates; only the first ${MAX_CERTIFICATES_PER_SMIME_VALUE} are read`);
  }
  const out: Uint8Array[] = [];
  inside.slice(0, MAX_CERTIFICATES_PER_SMIME_VALUE).forEach((der, n) => {
    const kept = certificateOrSkip(der, `${where} certificate ${n + 1}`, skip);
    if (kept) out.push(kept);
  });
  return out;
}

function certificatesOf(entry: Entry, attributes: readonly string[], skip: SkipReport): DirectoryEntry['certificates'] {
  const out: { attribute: string; der: string }[] = [];
  for (const attribute of attributes) {
    const smime = isSmimeAttribute(attribute);
    valuesOf(entry, attribute).forEach((value, n) => {
      const where = `${attribute} value ${n + 1}`;
      const found = smime ? smimeCertificates(value, where, skip) : [certificateOrSkip(value, where, skip)].filter((d) => d !== undefined);
      for (const der of found) {
        if (out.length >= MAX_ENTRY_CERTIFICATES) {
          skip(`${where}: more than ${MAX_ENTRY_CERTIFICATES} certificates; the rest are left out`);
          return;
        }
        out.push({ attribute, der: Buffer.from(der).toString('base64') });
      }
    });
  }
  return out;
}

/** The entry as the protocol gives it, or undefined (reported) when it cannot be named. */
export function readDirectoryEntry(entry: Entry, search: DirectorySearch, report: (dn: string, reason: string) => void): DirectoryEntry | undefined {
  const dn = entry.dn;
  if (typeof dn !== 'string' || dn.length > MAX_DN_LENGTH) {
    report('(unnamed)', `an entry whose DN is not a string of at most ${MAX_DN_LENGTH} characters was left out`);
    return undefined;
  }
  const skip: SkipReport = (reason) => report(dn, reason);
  return { dn, kind: kindOf(entry, search), addresses: addressesOf(entry, skip), certificates: certificatesOf(entry, search.certificateAttributes, skip) };
}
