/**
 * SignedData written from encoded parts (src/cms/signed-data-der.ts): the fields of
 * RFC 5652 §5.1 and §5.3 in order, the certificates carried byte for byte as given and in
 * the given order, the eContent present only for an encapsulated signature, and the
 * result accepted by OpenSSL as well as by PKI.js.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, oid, sequence, setOf, tlv } from '../../src/cms/der-writer';
import { signedDataPieces, type SignedDataParts } from '../../src/cms/signed-data-der';
import { signSignedData } from '../../src/cms/signed-data-sign';
import { OID_ATTR_CONTENT_TYPE, OID_DATA, OID_SIGNED_DATA } from '../../src/cms/oids';
import { crypto } from './envelope-helpers';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** SignedAttributes with one attribute, contentType id-data, as a DER SET OF. */
const contentTypeOnly = (): Uint8Array => setOf([sequence(oid(OID_ATTR_CONTENT_TYPE), tlv(0x31, oid(OID_DATA)))]);

/** Made-up but well-formed parts: the writer only places them, it does not look inside. */
function parts(overrides: Partial<SignedDataParts> = {}): SignedDataParts {
  return {
    digestAlgorithm: Uint8Array.of(0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01),
    signerId: Uint8Array.of(0x30, 0x05, 0x30, 0x00, 0x02, 0x01, 0x07),
    signedAttributes: contentTypeOnly(),
    signatureAlgorithm: Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00),
    signature: Uint8Array.of(1, 2, 3, 4),
    certificates: [],
    ...overrides,
  };
}

function parse(der: Uint8Array): pkijs.SignedData {
  const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result });
  expect(info.contentType).toBe(OID_SIGNED_DATA);
  return new pkijs.SignedData({ schema: info.content });
}

describe('signedDataPieces', () => {
  it('writes version 1, the digest algorithm, a detached id-data content and one SignerInfo', () => {
    const signed = parse(concatBytes(signedDataPieces(parts())));
    expect(signed.version).toBe(1);
    expect(signed.digestAlgorithms.map((a) => a.algorithmId)).toEqual(['2.16.840.1.101.3.4.2.1']);
    expect(signed.encapContentInfo.eContentType).toBe(OID_DATA);
    expect(signed.encapContentInfo.eContent).toBeUndefined();
    expect(signed.certificates).toBeUndefined();
    const [signer] = signed.signerInfos;
    expect(signed.signerInfos).toHaveLength(1);
    expect(signer?.version).toBe(1);
    expect(signer?.signatureAlgorithm.algorithmId).toBe('1.2.840.113549.1.1.1');
    expect(Array.from(signer?.signature.valueBlock.valueHexView ?? [])).toEqual([1, 2, 3, 4]);
  });

  it('carries an encapsulated content as one piece, not copied', () => {
    const content = text('Content-Type: text/plain\r\n\r\nopaque\r\n');
    const pieces = signedDataPieces(parts({ content }));
    expect(pieces).toContain(content);
    const signed = parse(concatBytes(pieces));
    expect(Array.from(signed.encapContentInfo.eContent?.valueBlock.valueHexView ?? [])).toEqual(Array.from(content));
  });

  it('writes the signed attributes as [0] IMPLICIT, leaving the caller\'s SET OF unchanged', () => {
    const attributes = contentTypeOnly();
    const der = concatBytes(signedDataPieces(parts({ signedAttributes: attributes })));
    expect(attributes[0]).toBe(0x31);
    const signedAttrs = parse(der).signerInfos[0]?.signedAttrs;
    expect(signedAttrs?.type).toBe(0);
    expect(signedAttrs?.attributes.map((a) => a.type)).toEqual([OID_ATTR_CONTENT_TYPE]);
  });
});

describe('signed with a real key', () => {
  it('keeps every certificate byte for byte, the signer first, and OpenSSL verifies it', async () => {
    const content = text('Content-Type: text/plain\r\n\r\nchained\r\n');
    const signer = pki.leaves.rsa.operator;
    const der = await signSignedData({ subtle: crypto.subtle, signer, content, detached: true, chain: [pki.intermediate, pki.root], includeRoot: true });
    const certificates = parse(der).certificates ?? [];
    const carried = certificates.map((c) => new Uint8Array((c as pkijs.Certificate).toSchema().toBER(false)));
    expect(carried.map((c) => Buffer.from(c).toString('hex'))).toEqual(
      [signer.certificate, pki.intermediate, pki.root].map((c) => Buffer.from(c).toString('hex')),
    );
    writeFileSync(join(pki.dir, 'chained.p7s'), der);
    writeFileSync(join(pki.dir, 'chained.txt'), content);
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(pki.dir, 'chained.p7s'), '-content', join(pki.dir, 'chained.txt'), '-CAfile', pki.rootPath, '-out', '/dev/null']);
  });

  it('an opaque signature holds the content and OpenSSL gives it back', async () => {
    const content = text('Content-Type: text/plain\r\n\r\nencapsulated\r\n');
    const der = await signSignedData({ subtle: crypto.subtle, signer: pki.leaves['ec-p384'].operator, content, detached: false, chain: [pki.intermediate] });
    writeFileSync(join(pki.dir, 'opaque.p7m'), der);
    const out = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(pki.dir, 'opaque.p7m'), '-CAfile', pki.rootPath]);
    expect(out.equals(Buffer.from(content))).toBe(true);
  });
});
