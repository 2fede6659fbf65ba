/** The S/MIME attribute codecs and the ECDSA signature form conversion on their own. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../src/cms/ecdsa-signature';
import { OID_AES256_CBC, OID_ATTR_ENCRYPTION_KEY_PREFERENCE, OID_ATTR_SIGNING_TIME, OID_RSAES_OAEP } from '../../src/cms/oids';
import {
  decodeEncryptionKeyPreference,
  decodeSigningTime,
  decodeSmimeCapabilities,
  encodeEncryptionKeyPreference,
  encodeSigningTime,
  encodeSmimeCapabilities,
} from '../../src/cms/smime-attributes';
import { isCachetError } from '../../src/errors';

/** Encodes and re-parses an attribute, as a receiver sees it. */
function roundTrip(attribute: pkijs.Attribute): pkijs.Attribute {
  const der = attribute.toSchema().toBER(false);
  return new pkijs.Attribute({ schema: asn1js.fromBER(der).result });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

function certificate(): pkijs.Certificate {
  const cert = new pkijs.Certificate();
  cert.serialNumber = new asn1js.Integer({ valueHex: new Uint8Array([0x00, 0x9c, 0x01]).buffer });
  cert.issuer.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'Issuer CA' }) }));
  return cert;
}

describe('SMIMECapabilities (RFC 8551 §2.5.2)', () => {
  it('round-trips identifiers with and without parameters, in order', () => {
    const oaepParams = new Uint8Array(new asn1js.Sequence({ value: [] }).toBER(false));
    const caps = [{ oid: OID_AES256_CBC }, { oid: OID_RSAES_OAEP, parameters: oaepParams }];
    expect(decodeSmimeCapabilities(roundTrip(encodeSmimeCapabilities(caps)))).toEqual(caps);
  });

  it('refuses a value that is not a SEQUENCE OF SMIMECapability', () => {
    const bad = new pkijs.Attribute({ type: '1.2.840.113549.1.9.15', values: [new asn1js.Integer({ value: 3 })] });
    expect(code(() => decodeSmimeCapabilities(roundTrip(bad)))).toBe('cms/malformed');
  });
});

describe('encryption-key preference (RFC 8551 §2.5.3 and Microsoft)', () => {
  it('writes both forms naming the certificate, and reads each back', () => {
    const cert = certificate();
    const issuerAndSerial = new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber });
    const [rfc, microsoft] = encodeEncryptionKeyPreference(new Uint8Array(issuerAndSerial.toSchema().toBER(false)))
      .map((der) => new pkijs.Attribute({ schema: asn1js.fromBER(der).result }));
    for (const [attr, isMicrosoft] of [[rfc!, false], [microsoft!, true]] as const) {
      const pref = decodeEncryptionKeyPreference(attr);
      expect(pref.kind).toBe('issuerAndSerialNumber');
      if (pref.kind !== 'issuerAndSerialNumber') continue;
      expect(pref.microsoft).toBe(isMicrosoft);
      expect(Array.from(pref.value.serialNumber)).toEqual([0x00, 0x9c, 0x01]);
      expect(Buffer.from(pref.value.issuer).equals(Buffer.from(cert.issuer.toSchema().toBER(false)))).toBe(true);
    }
  });

  it('reads the subjectAltKeyIdentifier choice', () => {
    const value = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: new Uint8Array([1, 2, 3]).buffer });
    const pref = decodeEncryptionKeyPreference(roundTrip(new pkijs.Attribute({ type: OID_ATTR_ENCRYPTION_KEY_PREFERENCE, values: [value] })));
    expect(pref).toEqual({ kind: 'subjectAltKeyIdentifier', subjectKeyIdentifier: new Uint8Array([1, 2, 3]) });
  });

  it('refuses an unknown choice', () => {
    const value = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 7 }, valueHex: new Uint8Array([1]).buffer });
    expect(code(() => decodeEncryptionKeyPreference(roundTrip(new pkijs.Attribute({ type: OID_ATTR_ENCRYPTION_KEY_PREFERENCE, values: [value] }))))).toBe('cms/malformed');
  });
});

describe('signingTime (RFC 5652 §11.3)', () => {
  for (const iso of ['1950-01-01T00:00:00Z', '2026-01-26T14:40:10Z', '2049-12-31T23:59:59Z', '1949-12-31T23:59:59Z', '2050-01-01T00:00:00Z']) {
    it(`round-trips ${iso} with the right ASN.1 type`, () => {
      const date = new Date(iso);
      const attr = roundTrip(encodeSigningTime(date));
      const year = date.getUTCFullYear();
      // Exact class: asn1js' GeneralizedTime is a subclass of its UTCTime.
      expect((attr.values[0] as object).constructor).toBe(year >= 1950 && year < 2050 ? asn1js.UTCTime : asn1js.GeneralizedTime);
      expect(decodeSigningTime(attr).toISOString()).toBe(date.toISOString());
    });
  }

  for (const text of ['260230120000Z', '2601261440Z', '260126144010+0100', '26012614401Z']) {
    it(`refuses UTCTime ${text}`, () => {
      const attr = new pkijs.Attribute({ type: OID_ATTR_SIGNING_TIME, values: [new asn1js.UTCTime({ value: text })] });
      expect(code(() => decodeSigningTime(roundTrip(attr)))).toBe('cms/malformed');
    });
  }

  it('refuses two values', () => {
    const attr = new pkijs.Attribute({ type: OID_ATTR_SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: new Date() }), new asn1js.UTCTime({ valueDate: new Date() })] });
    expect(code(() => decodeSigningTime(roundTrip(attr)))).toBe('cms/malformed');
  });
});

describe('ECDSA signature forms', () => {
  it('converts DER to fixed-width r||s and back, padding and sign bytes included', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80; // high bit: DER needs a leading zero
    raw[31] = 1;
    raw[63] = 7; // s = 7: DER strips the leading zeros
    const der = ecdsaRawToDer(raw);
    expect(Array.from(der.subarray(0, 5))).toEqual([0x30, 0x26, 0x02, 0x21, 0x00]);
    expect(ecdsaDerToRaw(der, 'P-256')).toEqual(raw);
  });

  it('uses a two-byte length for P-521', () => {
    const raw = new Uint8Array(132).fill(0xff);
    const der = ecdsaRawToDer(raw);
    expect(der[1]).toBe(0x81);
    expect(ecdsaDerToRaw(der, 'P-521')).toEqual(raw);
  });

  it('refuses negative, oversized and trailing-garbage encodings', () => {
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]), 'P-256')).toBeUndefined();
    const big = ecdsaRawToDer(new Uint8Array(96).fill(0x11));
    expect(ecdsaDerToRaw(big, 'P-256')).toBeUndefined();
    const good = ecdsaRawToDer(new Uint8Array(64).fill(0x11));
    expect(ecdsaDerToRaw(new Uint8Array([...good, 0]), 'P-256')).toBeUndefined();
    expect(ecdsaDerToRaw(new Uint8Array([0x30, 0x00]), 'P-256')).toBeUndefined();
  });
});
