/**
 * What a key store needs to know about a certificate found next to a private key: the key
 * type and curve (which mechanisms apply), the key usages it allows (B2), whether it is a
 * CA certificate (those are never the user's identity) and its e-mail addresses (B1).
 */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { NamedCurve } from '../../src/cms/key-operator';
import type { KeyUsageName } from '../../src/protocol/native';

export interface CertificateInfo {
  readonly keyType: 'RSA' | 'EC';
  readonly curve?: NamedCurve;
  /** Modulus or field size in bytes. */
  readonly keyBytes: number;
  readonly usages: readonly KeyUsageName[];
  readonly isCa: boolean;
  readonly subject: string;
  readonly addresses: readonly string[];
  readonly notAfter: Date;
}

const CURVES: Readonly<Record<string, NamedCurve>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const CURVE_BYTES: Readonly<Record<NamedCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const OID_KEY_USAGE = '2.5.29.15';
const OID_SAN = '2.5.29.17';
const OID_EMAIL = '1.2.840.113549.1.9.1';

/** Returns undefined for bytes that are not a usable RSA or EC certificate. */
export function certificateInfo(der: Uint8Array): CertificateInfo | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  const key = x509.publicKey;
  let keyType: 'RSA' | 'EC';
  let curve: NamedCurve | undefined;
  let keyBytes: number;
  if (key.asymmetricKeyType === 'rsa') {
    keyType = 'RSA';
    keyBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  } else if (key.asymmetricKeyType === 'ec') {
    keyType = 'EC';
    curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) return undefined;
    keyBytes = CURVE_BYTES[curve];
  } else {
    return undefined;
  }
  const model = parseModel(der);
  const bits = model ? keyUsageBits(model) : undefined;
  const usages: KeyUsageName[] = [];
  // No keyUsage extension means no restriction (RFC 5280 §4.2.1.3).
  const allows = (mask: number): boolean => bits === undefined || (bits & mask) !== 0;
  if (allows(0x80 | 0x40)) usages.push('sign');
  if (keyType === 'RSA' && allows(0x20)) usages.push('decrypt');
  if (keyType === 'EC' && allows(0x08)) usages.push('derive');
  const base = {
    keyType, keyBytes, usages, isCa: x509.ca, subject: x509.subject.replace(/\n/g, ', '),
    addresses: model ? addresses(model) : [], notAfter: new Date(x509.validTo),
  };
  return curve ? { ...base, curve } : base;
}

function parseModel(der: Uint8Array): pkijs.Certificate | undefined {
  try {
    const parsed = asn1js.fromBER(new Uint8Array(der));
    if (parsed.offset === -1) return undefined;
    return new pkijs.Certificate({ schema: parsed.result });
  } catch {
    return undefined;
  }
}

function keyUsageBits(model: pkijs.Certificate): number | undefined {
  const ext = model.extensions?.find((e) => e.extnID === OID_KEY_USAGE);
  if (!ext) return undefined;
  const value: unknown = ext.parsedValue;
  if (!(value instanceof asn1js.BitString)) return 0;
  return value.valueBlock.valueHexView[0] ?? 0;
}

function addresses(model: pkijs.Certificate): string[] {
  const found = new Set<string>();
  for (const rdn of model.subject.typesAndValues) {
    if (rdn.type === OID_EMAIL) {
      const v = (rdn.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      if (typeof v === 'string') found.add(v.toLowerCase());
    }
  }
  const san: unknown = model.extensions?.find((e) => e.extnID === OID_SAN)?.parsedValue;
  if (san instanceof pkijs.AltName) {
    for (const name of san.altNames) {
      // GeneralName [1] is rfc822Name.
      if (name.type === 1 && typeof name.value === 'string') found.add(name.value.toLowerCase());
    }
  }
  return [...found];
}
