/**
 * RecipientIdentifier (RFC 5652 §6.2.1) and KeyAgreeRecipientIdentifier (§6.2.2):
 * issuerAndSerialNumber, or a subjectKeyIdentifier, written from and matched against a
 * recipient's certificate.
 */
import { CachetError } from '../errors';
import { bytesEqual } from './digest';
import { childrenOf, encodingOf, isContext, isTag, octetsOf, primitiveBytes, sequenceOf, TAG_CLASS_UNIVERSAL, type Block } from './der-reader';
import { implicitConstructed, implicitPrimitive, octetString, sequence, tlv } from './der-writer';
import type { RecipientCertificate } from './recipient-certificate';

export type RecipientId =
  | { readonly kind: 'issuer-serial'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
  | { readonly kind: 'ski'; readonly keyIdentifier: Uint8Array };

/** Uses the subjectKeyIdentifier when asked and available, else issuer and serial. */
export function recipientIdFor(cert: RecipientCertificate, preferSki: boolean): RecipientId {
  if (preferSki && cert.subjectKeyIdentifier) return { kind: 'ski', keyIdentifier: cert.subjectKeyIdentifier };
  return { kind: 'issuer-serial', issuer: cert.issuer, serial: cert.serial };
}

function encodeIssuerAndSerial(id: { issuer: Uint8Array; serial: Uint8Array }): Uint8Array {
  return sequence(id.issuer, tlv(0x02, id.serial));
}

/** RecipientIdentifier of KeyTransRecipientInfo: SKI as [0] IMPLICIT OCTET STRING. */
export function encodeKtriRecipientId(id: RecipientId): Uint8Array {
  return id.kind === 'ski' ? implicitPrimitive(0, id.keyIdentifier) : encodeIssuerAndSerial(id);
}

/** KeyAgreeRecipientIdentifier: SKI as [0] IMPLICIT RecipientKeyIdentifier (a SEQUENCE). */
export function encodeKariRecipientId(id: RecipientId): Uint8Array {
  return id.kind === 'ski' ? implicitConstructed(0, octetString(id.keyIdentifier)) : encodeIssuerAndSerial(id);
}

function readIssuerAndSerial(block: Block): RecipientId {
  const [issuer, serial] = sequenceOf(block, 'IssuerAndSerialNumber');
  if (!issuer || !isTag(serial, TAG_CLASS_UNIVERSAL, 2)) throw new CachetError('cms/malformed', 'bad IssuerAndSerialNumber');
  return { kind: 'issuer-serial', issuer: encodingOf(issuer), serial: primitiveBytes(serial, 'serialNumber') };
}

export function readKtriRecipientId(block: Block | undefined): RecipientId {
  if (isContext(block, 0)) return { kind: 'ski', keyIdentifier: octetsOf(block, 'subjectKeyIdentifier') };
  if (!block) throw new CachetError('cms/malformed', 'missing RecipientIdentifier');
  return readIssuerAndSerial(block);
}

export function readKariRecipientId(block: Block | undefined): RecipientId {
  if (isContext(block, 0)) {
    const [ski] = childrenOf(block, 'RecipientKeyIdentifier');
    return { kind: 'ski', keyIdentifier: octetsOf(ski, 'subjectKeyIdentifier') };
  }
  if (!block) throw new CachetError('cms/malformed', 'missing KeyAgreeRecipientIdentifier');
  return readIssuerAndSerial(block);
}

/** Leading zero octets of an INTEGER do not change its value; compare without them. */
function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function recipientIdMatches(id: RecipientId, cert: RecipientCertificate): boolean {
  if (id.kind === 'ski') return cert.subjectKeyIdentifier !== undefined && bytesEqual(id.keyIdentifier, cert.subjectKeyIdentifier);
  return bytesEqual(stripZeros(id.serial), stripZeros(cert.serial)) && bytesEqual(id.issuer, cert.issuer);
}
