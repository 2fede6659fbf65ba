/**
 * S/MIME signed attributes: SMIMECapabilities (RFC 8551 §2.5.2), SMIMEEncryptionKeyPreference
 * (RFC 8551 §2.5.3) with Microsoft's older variant, and signingTime (RFC 5652 §11.3).
 * Encoders produce pkijs `Attribute`s for signing (the encryption-key preference its DER);
 * decoders take the attribute's values as received and throw `cms/malformed` for anything
 * that does not fit the ASN.1.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CachetError } from '../errors';
import { oid, sequence, tlv } from './der-writer';
import {
  OID_AES128_CBC,
  OID_AES128_GCM,
  OID_AES256_CBC,
  OID_AES256_GCM,
  OID_ATTR_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_SIGNING_TIME,
  OID_ATTR_SMIME_CAPABILITIES,
} from './oids';

/** SMIMECapability ::= SEQUENCE { capabilityID OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
export interface SmimeCapability {
  readonly oid: string;
  /** DER of the parameters when present. */
  readonly parameters?: Uint8Array;
}

/** What Cachet can decrypt, strongest first (RFC 8551 §2.5.2: listed in order of preference). */
export const DEFAULT_SMIME_CAPABILITIES: readonly SmimeCapability[] = [
  { oid: OID_AES256_GCM },
  { oid: OID_AES128_GCM },
  { oid: OID_AES256_CBC },
  { oid: OID_AES128_CBC },
];

export interface IssuerAndSerial {
  /** DER of the issuer Name. */
  readonly issuer: Uint8Array;
  /** Content octets of the serialNumber INTEGER, as encoded. */
  readonly serialNumber: Uint8Array;
}

/** SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3); `microsoft` marks the 1.3.6.1.4.1.311.16.4 form. */
export type EncryptionKeyPreference =
  | { readonly kind: 'issuerAndSerialNumber'; readonly value: IssuerAndSerial; readonly microsoft: boolean }
  | { readonly kind: 'recipientKeyId'; readonly subjectKeyIdentifier: Uint8Array }
  | { readonly kind: 'subjectAltKeyIdentifier'; readonly subjectKeyIdentifier: Uint8Array };

function malformed(what: string): CachetError {
  return new CachetError('cms/malformed', `malformed ${what} attribute`);
}

function der(value: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(value.toBER(false));
}

function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.length) throw malformed(what);
  return parsed.result;
}

/** The single value of a single-valued attribute (RFC 5652 §11: signingTime, contentType, messageDigest). */
export function singleValue(attribute: pkijs.Attribute, what: string): unknown {
  // PKI.js leaves `values` undefined, not empty, when the SET OF AttributeValue is empty.
  const values: unknown = attribute.values;
  if (!Array.isArray(values) || values.length !== 1) throw malformed(what);
  return values[0] as unknown;
}

export function encodeSmimeCapabilities(capabilities: readonly SmimeCapability[]): pkijs.Attribute {
  const sequence = new asn1js.Sequence({
    value: capabilities.map((cap) => {
      const items: asn1js.BaseBlock[] = [new asn1js.ObjectIdentifier({ value: cap.oid })];
      if (cap.parameters) items.push(parseDer(cap.parameters, 'SMIMECapabilities'));
      return new asn1js.Sequence({ value: items });
    }),
  });
  return new pkijs.Attribute({ type: OID_ATTR_SMIME_CAPABILITIES, values: [sequence] });
}

export function decodeSmimeCapabilities(attribute: pkijs.Attribute): SmimeCapability[] {
  const value = singleValue(attribute, 'SMIMECapabilities');
  if (!(value instanceof asn1js.Sequence)) throw malformed('SMIMECapabilities');
  return value.valueBlock.value.map((item) => {
    if (!(item instanceof asn1js.Sequence)) throw malformed('SMIMECapabilities');
    const [id, params, ...rest] = item.valueBlock.value;
    if (!(id instanceof asn1js.ObjectIdentifier) || rest.length > 0) throw malformed('SMIMECapabilities');
    return params ? { oid: id.valueBlock.toString(), parameters: der(params) } : { oid: id.valueBlock.toString() };
  });
}

/**
 * Both forms of the encryption-key preference naming a certificate by its
 * IssuerAndSerialNumber (given as DER): RFC 8551's `[0] IMPLICIT IssuerAndSerialNumber`
 * and Microsoft's plain IssuerAndSerialNumber, which Outlook uses to pick the certificate
 * to encrypt replies to. Each Attribute is returned as its DER.
 */
export function encodeEncryptionKeyPreference(issuerAndSerialNumber: Uint8Array): Uint8Array[] {
  const tagged = issuerAndSerialNumber.slice();
  tagged[0] = 0xa0;
  return [
    sequence(oid(OID_ATTR_ENCRYPTION_KEY_PREFERENCE), tlv(0x31, tagged)),
    sequence(oid(OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE), tlv(0x31, issuerAndSerialNumber)),
  ];
}

function readIssuerAndSerial(items: readonly asn1js.BaseBlock[], what: string): IssuerAndSerial {
  const [issuer, serial, ...rest] = items;
  if (!(issuer instanceof asn1js.Sequence) || !(serial instanceof asn1js.Integer) || rest.length > 0) throw malformed(what);
  return { issuer: der(issuer), serialNumber: new Uint8Array(serial.valueBlock.valueHexView) };
}

export function decodeEncryptionKeyPreference(attribute: pkijs.Attribute): EncryptionKeyPreference {
  const what = 'encryption key preference';
  const value = singleValue(attribute, what);
  if (attribute.type === OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE) {
    if (!(value instanceof asn1js.Sequence)) throw malformed(what);
    return { kind: 'issuerAndSerialNumber', value: readIssuerAndSerial(value.valueBlock.value, what), microsoft: true };
  }
  if (!(value instanceof asn1js.BaseBlock) || value.idBlock.tagClass !== 3) throw malformed(what);
  switch (value.idBlock.tagNumber) {
    case 0: {
      if (!(value instanceof asn1js.Constructed)) throw malformed(what);
      return { kind: 'issuerAndSerialNumber', value: readIssuerAndSerial(value.valueBlock.value, what), microsoft: false };
    }
    case 1: {
      // RecipientKeyIdentifier ::= SEQUENCE { subjectKeyIdentifier, date OPTIONAL, other OPTIONAL } (RFC 5652 §6.2.2)
      if (!(value instanceof asn1js.Constructed)) throw malformed(what);
      const first = value.valueBlock.value[0];
      if (!(first instanceof asn1js.OctetString)) throw malformed(what);
      return { kind: 'recipientKeyId', subjectKeyIdentifier: new Uint8Array(first.valueBlock.valueHexView) };
    }
    case 2: {
      if (value instanceof asn1js.Constructed) throw malformed(what);
      const primitive = value as asn1js.Primitive;
      return { kind: 'subjectAltKeyIdentifier', subjectKeyIdentifier: new Uint8Array(primitive.valueBlock.valueHexView) };
    }
    default:
      throw malformed(what);
  }
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise. */
export function encodeSigningTime(time: Date): pkijs.Attribute {
  const year = time.getUTCFullYear();
  const seconds = new Date(Math.floor(time.getTime() / 1000) * 1000);
  const value = year >= 1950 && year < 2050
    ? new asn1js.UTCTime({ valueDate: seconds })
    : new asn1js.GeneralizedTime({ valueDate: seconds });
  return new pkijs.Attribute({ type: OID_ATTR_SIGNING_TIME, values: [value] });
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Reads signingTime strictly: one value, UTCTime or GeneralizedTime in the DER forms of
 * RFC 5280 §4.1.2.5 (seconds present, "Z"), with a real calendar date.
 */
export function decodeSigningTime(attribute: pkijs.Attribute): Date {
  const what = 'signingTime';
  const value = singleValue(attribute, what);
  if (!(value instanceof asn1js.UTCTime) && !(value instanceof asn1js.GeneralizedTime)) throw malformed(what);
  const raw = value.valueBlock.valueHexView;
  if (raw.length > 32) throw malformed(what);
  const text = String.fromCharCode(...raw);
  let match: RegExpExecArray | null;
  let year: number;
  // asn1js' GeneralizedTime is a subclass of its UTCTime: test it first.
  if (value instanceof asn1js.GeneralizedTime) {
    match = GENERALIZED_TIME.exec(text);
    if (!match) throw malformed(what);
    year = Number(match[1]);
  } else {
    match = UTC_TIME.exec(text);
    if (!match) throw malformed(what);
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  }
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day
    || hour > 23 || minute > 59 || second > 59
  ) {
    throw malformed(what);
  }
  return date;
}
