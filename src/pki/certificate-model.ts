import { attributeTexts, formatName } from './distinguished-name';
import { KeyUsageBit, smtpUtf8Mailbox } from './extension-decoders';
import { addressKey } from './email-address';
import { OID } from './oids';
import type { ParsedCertificate } from './parsed-certificate';

/** Where the private key of one of the user's certificates lives (B4). Recipients' certificates are `none`. */
export type KeyOrigin = 'hardware' | 'software' | 'none';

export type Operation = 'sign' | 'encrypt';

/** Where an address of the certificate came from (B1 looks at the subject first). */
export interface CertificateAddress {
  readonly address: string;
  readonly source: 'subject' | 'subjectAltName';
}

/** What selection and display need to know about one certificate. */
export interface CertificateModel {
  readonly certificate: ParsedCertificate;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly addresses: readonly CertificateAddress[];
  /** Key usage bits present, undefined when the extension is absent (any use). */
  readonly keyUsage: ReadonlySet<number> | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly canSign: boolean;
  readonly canEncrypt: boolean;
  readonly origin: KeyOrigin;
}

function extendedUsageAllowsEmail(eku: readonly string[] | undefined): boolean {
  // RFC 8550 §4.4.4: with an EKU extension, emailProtection (or anyExtendedKeyUsage) must be there.
  return eku === undefined || eku.includes(OID.emailProtection) || eku.includes(OID.anyExtendedKeyUsage);
}

function keyCanEncrypt(cert: ParsedCertificate): boolean {
  const ku = cert.keyUsage;
  if (!ku) return true;
  // RSA keys transport content keys (keyEncipherment); EC keys agree on them (keyAgreement).
  return cert.spki.algorithm.oid === OID.ecPublicKey ? ku.has(KeyUsageBit.keyAgreement) : ku.has(KeyUsageBit.keyEncipherment);
}

function keyCanSign(cert: ParsedCertificate): boolean {
  const ku = cert.keyUsage;
  return !ku || ku.has(KeyUsageBit.digitalSignature) || ku.has(KeyUsageBit.nonRepudiation);
}

export function certificateAddresses(cert: ParsedCertificate): CertificateAddress[] {
  const out: CertificateAddress[] = [];
  for (const address of attributeTexts(cert.subject, OID.emailAddress)) out.push({ address, source: 'subject' });
  for (const name of cert.subjectAltNames ?? []) {
    if (name.kind === 'rfc822') out.push({ address: name.value, source: 'subjectAltName' });
    else {
      const utf8 = smtpUtf8Mailbox(name);
      if (utf8 !== undefined) out.push({ address: utf8, source: 'subjectAltName' });
    }
  }
  return out;
}

export function certificateModel(cert: ParsedCertificate, origin: KeyOrigin = 'none'): CertificateModel {
  const emailOk = extendedUsageAllowsEmail(cert.extKeyUsage);
  return {
    certificate: cert,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serialNumber: cert.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    addresses: certificateAddresses(cert),
    keyUsage: cert.keyUsage,
    extendedKeyUsage: cert.extKeyUsage,
    canSign: emailOk && keyCanSign(cert),
    canEncrypt: emailOk && keyCanEncrypt(cert),
    origin,
  };
}

export function supports(model: CertificateModel, operation: Operation): boolean {
  return operation === 'sign' ? model.canSign : model.canEncrypt;
}

/** B2: the certificate's key usage covers this operation and not the other one. */
export function singleUsage(model: CertificateModel, operation: Operation): boolean {
  return operation === 'sign' ? model.canSign && !model.canEncrypt : model.canEncrypt && !model.canSign;
}

/** B3: inside the validity window at `time`. */
export function withinValidity(model: CertificateModel, time: Date): boolean {
  return time >= model.notBefore && time <= model.notAfter;
}

/**
 * B1: the certificate address equal to `address`, the subject's emailAddress first, then
 * subjectAltName rfc822Name; undefined when none is.
 */
export function matchingAddress(model: CertificateModel, address: string): CertificateAddress | undefined {
  const key = addressKey(address);
  if (key === undefined) return undefined;
  const equal = (a: CertificateAddress): boolean => addressKey(a.address) === key;
  return model.addresses.find((a) => a.source === 'subject' && equal(a)) ?? model.addresses.find(equal);
}
