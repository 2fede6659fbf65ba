/**
 * What the address book and the options page need to know about a certificate: its
 * fingerprint, names, e-mail addresses (B1: subject emailAddress and subjectAltName
 * rfc822Name) and validity window (B3).
 */
import * as pkijs from 'pkijs';
import { CachetError } from '../../src/errors';
import type { CertificateSummary } from '../../src/protocol/runtime';
import { ownBuffer } from './own-buffer';

const emailAddressOid = '1.2.840.113549.1.9.1';
const subjectAltNameOid = '2.5.29.17';
const rfc822NameTag = 1;

const attributeLabels: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  [emailAddressOid]: 'E',
};

function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof block === 'string' ? block : '';
}

function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${attributeLabels[tv.type] ?? tv.type}=${attributeText(tv.value)}`)
    .join(', ');
}

/**
 * B1 compares the domain case-insensitively; the local part is kept as written, since
 * RFC 5321 leaves its case to the receiving system.
 */
export function normaliseAddress(address: string): string | undefined {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1 || trimmed.length > 320 || /[\s<>]/.test(trimmed)) return undefined;
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

function addressesOf(cert: pkijs.Certificate): string[] {
  const found: string[] = [];
  for (const tv of cert.subject.typesAndValues) {
    if (tv.type === emailAddressOid) found.push(attributeText(tv.value));
  }
  const san = cert.extensions?.find((e) => e.extnID === subjectAltNameOid)?.parsedValue as pkijs.AltName | undefined;
  for (const name of san?.altNames ?? []) {
    if (name.type === rfc822NameTag && typeof name.value === 'string') found.push(name.value);
  }
  const out: string[] = [];
  for (const raw of found) {
    const address = normaliseAddress(raw);
    if (address !== undefined && !out.includes(address)) out.push(address);
  }
  return out;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function fingerprintOf(der: Uint8Array, subtle: SubtleCrypto): Promise<string> {
  return hex(await subtle.digest('SHA-256', ownBuffer(der)));
}

export interface ParsedSummary extends CertificateSummary {
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/** The fields that cross the runtime boundary, without the parsed times. */
export function summaryOnly(record: CertificateSummary): CertificateSummary {
  const { fingerprint, subject, issuer, addresses, notBefore, notAfter } = record;
  return { fingerprint, subject, issuer, addresses, notBefore, notAfter };
}

export async function summariseCertificate(der: Uint8Array, subtle: SubtleCrypto): Promise<ParsedSummary> {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(ownBuffer(der));
  } catch (cause) {
    throw new CachetError('pki/malformed', 'not an X.509 certificate', { cause });
  }
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new CachetError('pki/malformed', 'the certificate has an unreadable validity period');
  }
  return {
    fingerprint: await fingerprintOf(der, subtle),
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    addresses: addressesOf(cert),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    notBeforeMs: notBefore.getTime(),
    notAfterMs: notAfter.getTime(),
  };
}
