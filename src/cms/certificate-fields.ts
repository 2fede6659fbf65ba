/**
 * The few certificate fields the CMS layer needs: e-mail addresses for the From match
 * (B1: subject emailAddress, then SAN rfc822Name) and issuer/serial comparison
 * (RFC 5652 §5.3). The subject key identifier is read from the bounded DER reader's
 * parts (certificate-parts.ts).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseBer } from './asn1-input';
import { bytesEqual } from './digest';
import { OID_EMAIL_ADDRESS, OID_SUBJECT_ALT_NAME } from './oids';

/** A certificate as received (exact DER) with its parsed model. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly model: pkijs.Certificate;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate | undefined {
  try {
    return { der, model: new pkijs.Certificate({ schema: parseBer(der, 'certificate', 'pki/malformed') }) };
  } catch {
    return undefined;
  }
}

/**
 * A Name as PKI.js encodes it again, or undefined when PKI.js cannot: it reparses the
 * octets it kept, and throws (an AsnError, or a plain Error when they are no SEQUENCE)
 * for some it had accepted the first time (found by fuzzing). Only that one library call
 * is guarded. A Name that cannot be encoded equals no other.
 */
function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array | undefined {
  let encoded: ArrayBuffer;
  try {
    encoded = name.toSchema().toBER(false);
  } catch {
    return undefined;
  }
  return new Uint8Array(encoded);
}

export function issuerDer(certificate: pkijs.Certificate): Uint8Array | undefined {
  return nameDer(certificate.issuer);
}

export function subjectDer(certificate: pkijs.Certificate): Uint8Array | undefined {
  return nameDer(certificate.subject);
}

/** Two Name encodings that exist and are equal. */
export function sameName(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}

/** RFC 5652 §5.3 IssuerAndSerialNumber match: same issuer Name encoding, same serial. */
export function matchesIssuerAndSerial(certificate: pkijs.Certificate, sid: pkijs.IssuerAndSerialNumber): boolean {
  if (!certificate.serialNumber.isEqual(sid.serialNumber)) return false;
  return sameName(nameDer(certificate.issuer), nameDer(sid.issuer)) || certificate.issuer.isEqual(sid.issuer);
}

/** Subject emailAddress values then SAN rfc822Names, de-duplicated case-insensitively, in order. */
export function emailAddresses(certificate: pkijs.Certificate): string[] {
  const found: string[] = [];
  for (const tv of certificate.subject.typesAndValues) {
    if (tv.type !== OID_EMAIL_ADDRESS) continue;
    const value: unknown = tv.value;
    if (value instanceof asn1js.IA5String || value instanceof asn1js.Utf8String || value instanceof asn1js.PrintableString) {
      found.push(value.valueBlock.value);
    }
  }
  const san = certificate.extensions?.find((e) => e.extnID === OID_SUBJECT_ALT_NAME);
  const names: unknown = san?.parsedValue;
  if (names instanceof pkijs.AltName) {
    for (const name of names.altNames) {
      // GeneralName rfc822Name is [1] IA5String (RFC 5280 §4.2.1.6).
      if (name.type === 1 && typeof name.value === 'string') found.push(name.value);
    }
  }
  const seen = new Set<string>();
  return found.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
