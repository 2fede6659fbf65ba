/**
 * A bare smime.p7m (RFC 5652 §3 ContentInfo without the message around it) is recognised
 * in DER, BER, base64 and PEM and wrapped as the application/pkcs7-mime entity it was cut
 * from; anything else is left as a message, and input plainly meant as CMS that is not a
 * usable ContentInfo is a typed error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wrapBareContentInfo } from '../../src/cms/bare-content-info';
import { explicit, integer, oid, sequence, tlv } from '../../src/cms/der-writer';
import { OID_AUTH_ENVELOPED_DATA, OID_DATA, OID_ENVELOPED_DATA, OID_SIGNED_DATA } from '../../src/cms/oids';
import { decodedBody, headerValue } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import { expectCachetError } from '../support/expect-cachet-error';
import { ascii, thunderbirdDir } from './support/env';

const smimeDir = `${thunderbirdDir}mailnews/test/data/smime/`;
/** NSS writes its bare files in BER with indefinite lengths. */
const berSignedData = new Uint8Array(readFileSync(`${smimeDir}alice.textplain.sig.SHA256`));

/** A ContentInfo of `type` whose content is a SEQUENCE starting with a version, padded past 127 octets. */
function contentInfo(type: string): Uint8Array {
  return sequence(oid(type), explicit(0, sequence(integer(0), tlv(0x04, new Uint8Array(160)))));
}

const base64Lines = (der: Uint8Array): string => Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\r\n');

function wrappedPart(input: Uint8Array) {
  const wrapped = wrapBareContentInfo(input);
  const part = parseMessage(wrapped.message);
  return { wrapped, part };
}

describe('wrapBareContentInfo: a bare ContentInfo becomes its application/pkcs7-mime entity', () => {
  it.each([
    [OID_ENVELOPED_DATA, 'enveloped-data', 'enveloped-data'],
    [OID_AUTH_ENVELOPED_DATA, 'authEnveloped-data', 'auth-enveloped-data'],
    [OID_SIGNED_DATA, 'signed-data', 'signed-data'],
  ])('DER of %s is smime-type %s', (type, smimeType, kind) => {
    const der = contentInfo(type);
    const { wrapped, part } = wrappedPart(der);
    expect(wrapped.bare).toBe('der');
    expect(part.contentType.mediaType).toBe('application/pkcs7-mime');
    expect(part.contentType.params['smime-type']).toBe(smimeType);
    expect(part.smimeKind).toBe(kind);
    expect(headerValue(part, 'content-transfer-encoding')).toBe('base64');
    expect(decodedBody(part)).toEqual(der);
  });

  it('reads BER with indefinite lengths, as NSS writes it', () => {
    const { wrapped, part } = wrappedPart(berSignedData);
    expect([wrapped.bare, part.smimeKind]).toEqual(['der', 'signed-data']);
    expect(decodedBody(part)).toEqual(berSignedData);
  });

  it('reads base64 text, with or without line breaks and blanks around it', () => {
    for (const text of [base64Lines(berSignedData), `\r\n  ${Buffer.from(berSignedData).toString('base64')}\n\n`]) {
      const { wrapped, part } = wrappedPart(ascii(text));
      expect([wrapped.bare, part.smimeKind]).toEqual(['base64', 'signed-data']);
      expect(decodedBody(part)).toEqual(berSignedData);
    }
  });

  it.each(['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'])('reads PEM armour labelled %s', (label) => {
    const pem = `-----BEGIN ${label}-----\n${base64Lines(berSignedData)}\n-----END ${label}-----\n`;
    const { wrapped, part } = wrappedPart(ascii(pem));
    expect([wrapped.bare, part.smimeKind]).toEqual(['pem', 'signed-data']);
    expect(decodedBody(part)).toEqual(berSignedData);
  });
});

describe('wrapBareContentInfo: other input is left as a message', () => {
  it.each([
    ['an RFC 5322 message', 'From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n'],
    ['a text of base64 that is not DER', 'SGVsbG8sIHRoaXMgaXMgbm90IENNUw==\r\n'],
    ['a text whose words are all base64 letters', 'Hello\r\nthere\r\n'],
    ['text with blanks', 'MIT is a place\n'],
    ['nothing', ''],
    ['blanks only', ' \r\n\t'],
  ])('%s', (_name, text) => {
    const input = ascii(text);
    const wrapped = wrapBareContentInfo(input);
    expect(wrapped.message).toBe(input);
    expect(wrapped.bare).toBeUndefined();
  });
});

describe('wrapBareContentInfo: input meant as CMS that is not usable is a typed error', () => {
  const enveloped = contentInfo(OID_ENVELOPED_DATA);

  it.each<[string, Uint8Array, string]>([
    ['truncated DER', enveloped.subarray(0, enveloped.length - 20), 'cms/malformed'],
    ['truncated BER', berSignedData.subarray(0, 600), 'cms/malformed'],
    ['trailing octets', Uint8Array.from([...enveloped, 0]), 'cms/malformed'],
    ['a SEQUENCE of an unknown content type', contentInfo('1.2.3.4.5'), 'cms/unsupported'],
    ['id-data, which is no message', contentInfo(OID_DATA), 'cms/unsupported'],
    ['CompressedData', contentInfo('1.2.840.113549.1.9.16.1.9'), 'cms/unsupported'],
    ['a SEQUENCE that is not a ContentInfo', sequence(integer(1), tlv(0x04, new Uint8Array(200))), 'cms/malformed'],
    ['a ContentInfo without its [0] content', sequence(oid(OID_ENVELOPED_DATA), tlv(0x04, new Uint8Array(200))), 'cms/malformed'],
    ['content that is no SEQUENCE', sequence(oid(OID_ENVELOPED_DATA), explicit(0, tlv(0x04, new Uint8Array(200)))), 'cms/malformed'],
    ['content without a version', sequence(oid(OID_ENVELOPED_DATA), explicit(0, sequence(tlv(0x04, new Uint8Array(200))))), 'cms/malformed'],
    ['two contents', sequence(oid(OID_ENVELOPED_DATA), explicit(0, sequence(integer(0)), sequence(integer(0))), tlv(0x04, new Uint8Array(150))), 'cms/malformed'],
    ['a content type that is no OID', sequence(tlv(0x06, Uint8Array.of(0x86)), explicit(0, sequence(integer(0), tlv(0x04, new Uint8Array(160))))), 'cms/malformed'],
    ['a length of five octets', Uint8Array.of(0x30, 0x85, 1, 0, 0, 0, 0, 6), 'cms/malformed'],
    ['an indefinite length never ended', Uint8Array.of(0x30, 0x80, 0x06, 0x09, ...oid(OID_SIGNED_DATA).subarray(2), 0xa0, 0x80, 0x30, 0x80), 'cms/malformed'],
    ['base64 of truncated DER', ascii(base64Lines(enveloped.subarray(0, 100))), 'cms/malformed'],
    ['base64 of a DER SEQUENCE of an unknown type', ascii(base64Lines(contentInfo('1.2.3.4'))), 'cms/unsupported'],
    ['PEM of another kind', ascii(`-----BEGIN CERTIFICATE-----\n${base64Lines(enveloped)}\n-----END CERTIFICATE-----\n`), 'input/invalid'],
    ['PEM without its end line', ascii(`-----BEGIN CMS-----\n${base64Lines(enveloped)}\n`), 'input/invalid'],
    ['PEM with text inside', ascii(`-----BEGIN CMS-----\nProc-Type: 4,ENCRYPTED\n${base64Lines(enveloped)}\n-----END CMS-----\n`), 'input/invalid'],
    ['PEM of garbage', ascii('-----BEGIN PKCS7-----\nAAAAAAAAAAAA\n-----END PKCS7-----\n'), 'cms/malformed'],
  ])('%s', (_name, input, code) => {
    expectCachetError(() => wrapBareContentInfo(input), code);
  });

  it('says what is wrong, naming an unknown content type', () => {
    expect(() => wrapBareContentInfo(contentInfo('1.2.3.4.5'))).toThrow(/smime\.p7m: content type 1\.2\.3\.4\.5 is not signed, enveloped or authEnveloped data/);
  });

  it('walks deeply nested indefinite lengths within its bounds', () => {
    const depth = 5000;
    const nested = new Uint8Array(2 + 11 + depth * 2 + depth * 2 + 4);
    nested.set([0x30, 0x80, 0x06, 0x09, ...oid(OID_SIGNED_DATA).subarray(2)]);
    for (let i = 0; i < depth; i++) nested.set([0xa0, 0x80], 13 + i * 2);
    expectCachetError(() => wrapBareContentInfo(nested), 'cms/malformed');
  });
});
