/**
 * Each strict verification rule of B13 / issue 3 on its own: the SignedData is correct
 * except for the one thing under test.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest } from '../../src/cms/digest';
import type { KeyOperator } from '../../src/cms/key-operator';
import {
  OID_ATTR_CONTENT_TYPE,
  OID_ATTR_MESSAGE_DIGEST,
  OID_ATTR_SIGNING_TIME,
  OID_ATTR_SMIME_CAPABILITIES,
  OID_SHA384_WITH_RSA,
  OID_SIGNED_DATA,
} from '../../src/cms/oids';
import { signSignedData } from '../../src/cms/signed-data-sign';
import { verifySmime } from '../../src/cms/smime-verify';
import { parseMessage } from '../../src/mime/parse';
import { verifySignedData } from '../../src/cms/signed-data-verify';
import { DEFAULT_SMIME_CAPABILITIES } from '../../src/cms/smime-attributes';
import { isCachetError } from '../../src/errors';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';
import { ascii, corpora, opensslCertsDir, opensslCmsDataDir, subtle, xorByte } from './support/env';
import { attribute, encodeSignedData, openSignedData, resign } from './support/mutate-cms';

const content = ascii('Content-Type: text/plain\r\n\r\nRules.\r\n');
let pki: TestPki;
let contentPath: string;

beforeAll(() => {
  pki = makeTestPki();
  contentPath = join(pki.dir, 'content.txt');
  writeFileSync(contentPath, content);
});
afterAll(() => pki.remove());

const rsa = () => pki.leaves.rsa;

function sign(detached: boolean): Promise<Uint8Array> {
  return signSignedData({ subtle, signer: rsa().operator, content, detached, chain: [pki.intermediate] });
}

async function statuses(cms: Uint8Array, detachedContent?: Uint8Array, extra: Uint8Array[] = []): Promise<string[]> {
  const result = await verifySignedData(cms, { subtle, extraCertificates: extra, ...(detachedContent ? { detachedContent } : {}) });
  return result.signers.map((s) => s.status);
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

function opensslSign(args: readonly string[], name: string): Uint8Array {
  const out = join(pki.dir, `${name}.p7`);
  openssl(['cms', '-sign', '-binary', '-in', contentPath, '-outform', 'DER', '-out', out, ...args]);
  return new Uint8Array(readFileSync(out));
}

describe('content', () => {
  it('hashes the exact bytes given: one changed byte is a digest mismatch', async () => {
    const cms = await sign(true);
    expect(await statuses(cms, content)).toEqual(['good']);
    const changed = content.slice();
    xorByte(changed, changed.length - 3, 0x01);
    expect(await statuses(cms, changed)).toEqual(['digest-mismatch']);
    expect(await statuses(cms, ascii('Content-Type: text/plain\n\nRules.\n'))).toEqual(['digest-mismatch']);
  });

  it('refuses detached content when the CMS carries its own, even the same content', async () => {
    const cms = await sign(false);
    expect(await errorCode(verifySignedData(cms, { subtle, detachedContent: content }))).toBe('cms/bad-signature');
    expect(await statuses(cms)).toEqual(['good']);
  });

  it('refuses a detached signature without content', async () => {
    expect(await errorCode(verifySignedData(await sign(true), { subtle }))).toBe('input/invalid');
  });

  it('reads BER constructed eContent as OpenSSL streams it', async () => {
    const cms = opensslSign(['-signer', rsa().certPath, '-inkey', rsa().keyPath, '-nodetach', '-stream'], 'stream');
    const result = await verifySignedData(cms, { subtle });
    expect(result.signers.map((s) => s.status)).toEqual(['good']);
    expect(Buffer.from(result.content).equals(content)).toBe(true);
  });
});

describe('signed attributes', () => {
  it('contentType must equal eContentType', async () => {
    const cms = await resign(await sign(true), rsa().operator, (attrs) => attrs.map((a) =>
      a.type === OID_ATTR_CONTENT_TYPE ? attribute(OID_ATTR_CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: OID_SIGNED_DATA })) : a));
    expect(await statuses(cms, content)).toEqual(['content-type-mismatch']);
  });

  it('messageDigest must match', async () => {
    const other = await digest(subtle, 'SHA-256', ascii('something else'));
    const cms = await resign(await sign(true), rsa().operator, (attrs) => attrs.map((a) =>
      a.type === OID_ATTR_MESSAGE_DIGEST ? attribute(OID_ATTR_MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: other })) : a));
    expect(await statuses(cms, content)).toEqual(['digest-mismatch']);
  });

  it('exactly one messageDigest attribute', async () => {
    const cms = await resign(await sign(true), rsa().operator, (attrs) => [...attrs, attrs.find((a) => a.type === OID_ATTR_MESSAGE_DIGEST)!]);
    expect(await statuses(cms, content)).toEqual(['bad-attributes']);
    const none = await resign(await sign(true), rsa().operator, (attrs) => attrs.filter((a) => a.type !== OID_ATTR_MESSAGE_DIGEST));
    expect(await statuses(none, content)).toEqual(['bad-attributes']);
  });

  it('exactly one contentType attribute', async () => {
    const cms = await resign(await sign(true), rsa().operator, (attrs) => [...attrs, attrs.find((a) => a.type === OID_ATTR_CONTENT_TYPE)!]);
    expect(await statuses(cms, content)).toEqual(['bad-attributes']);
  });

  it('messageDigest must be single-valued', async () => {
    const cms = await resign(await sign(true), rsa().operator, (attrs) => attrs.map((a) =>
      a.type === OID_ATTR_MESSAGE_DIGEST ? attribute(OID_ATTR_MESSAGE_DIGEST, a.values[0] as asn1js.OctetString, new asn1js.OctetString({ valueHex: new Uint8Array(32) })) : a));
    expect(await statuses(cms, content)).toEqual(['bad-attributes']);
  });

  it('signingTime must be a real time', async () => {
    const cms = await resign(await sign(true), rsa().operator, (attrs) => attrs.map((a) =>
      a.type === OID_ATTR_SIGNING_TIME ? attribute(OID_ATTR_SIGNING_TIME, new asn1js.UTCTime({ value: '261340250000Z' })) : a));
    expect(await statuses(cms, content)).toEqual(['bad-attributes']);
  });

  it('reports signingTime, SMIMECapabilities and the encryption-key preference of the signer', async () => {
    const before = Date.now();
    const result = await verifySignedData(await sign(true), { subtle, detachedContent: content });
    const signer = result.signers[0]!;
    expect(signer.status).toBe('good');
    expect(signer.signingTime!.getTime()).toBeGreaterThan(before - 2000);
    expect(signer.capabilities).toEqual(DEFAULT_SMIME_CAPABILITIES);
    const pref = signer.encryptionKeyPreference;
    expect(pref?.kind).toBe('issuerAndSerialNumber');
    const cert = pkijs.Certificate.fromBER(rsa().certificate as Uint8Array<ArrayBuffer>);
    if (pref?.kind === 'issuerAndSerialNumber') {
      expect(pref.microsoft).toBe(false);
      expect(Buffer.from(pref.value.serialNumber).equals(Buffer.from(cert.serialNumber.valueBlock.valueHexView))).toBe(true);
    }
    const attrTypes = openSignedData(await sign(true)).signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type);
    expect(attrTypes).toEqual(expect.arrayContaining([OID_ATTR_SMIME_CAPABILITIES, '1.2.840.113549.1.9.16.2.11', '1.3.6.1.4.1.311.16.4']));
  });

  it('without signed attributes the signature covers the content (id-data only)', async () => {
    const cms = opensslSign(['-signer', rsa().certPath, '-inkey', rsa().keyPath, '-noattr'], 'noattr');
    expect(await statuses(cms, content)).toEqual(['good']);
    expect(await statuses(cms, ascii('other'))).toEqual(['bad-signature']);
  });

  for (const file of ['no_ct_attr.cms', 'no_md_attr.cms', 'ct_multiple_attr.cms', 'bad_signtime_attr.cms']) {
    it(`OpenSSL's ${file} is rejected`, async () => {
      const result = await verifySignedData(new Uint8Array(readFileSync(join(opensslCmsDataDir, file))), { subtle });
      expect(result.allGood).toBe(false);
      expect(result.signers.map((s) => s.status)).toEqual(['bad-attributes']);
    });
  }
});

describe('signers', () => {
  it('a flipped signature bit is a bad signature', async () => {
    const signedData = openSignedData(await sign(true));
    const info = signedData.signerInfos[0]!;
    const bytes = info.signature.valueBlock.valueHexView.slice();
    xorByte(bytes, 10, 0x04);
    info.signature = new asn1js.OctetString({ valueHex: bytes });
    expect(await statuses(encodeSignedData(signedData), content)).toEqual(['bad-signature']);
  });

  it('a signature algorithm whose hash differs from the digest algorithm is bad', async () => {
    const signedData = openSignedData(await sign(true));
    signedData.signerInfos[0]!.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA384_WITH_RSA, algorithmParams: new asn1js.Null() });
    expect(await statuses(encodeSignedData(signedData), content)).toEqual(['bad-signature']);
  });

  it('finds the signer among extra certificates when the message carries none', async () => {
    const signedData = openSignedData(await sign(true));
    delete signedData.certificates;
    const cms = encodeSignedData(signedData);
    expect(await statuses(cms, content)).toEqual(['unknown-signer']);
    expect(await statuses(cms, content, [pki.intermediate, rsa().certificate])).toEqual(['good']);
  });

  it('finds the signer by subjectKeyIdentifier', async () => {
    const cms = opensslSign(['-signer', rsa().certPath, '-inkey', rsa().keyPath, '-keyid'], 'keyid');
    const sid: unknown = openSignedData(cms).signerInfos[0]!.sid;
    expect(sid instanceof pkijs.IssuerAndSerialNumber).toBe(false);
    expect(await statuses(cms, content)).toEqual(['good']);
  });

  it('reports every signer separately', async () => {
    const cms = opensslSign(['-signer', rsa().certPath, '-inkey', rsa().keyPath,
      '-signer', pki.leaves['ec-p256'].certPath, '-inkey', pki.leaves['ec-p256'].keyPath], 'two');
    expect(await statuses(cms, content)).toEqual(['good', 'good']);
    const signedData = openSignedData(cms);
    const second = signedData.signerInfos[1]!;
    const bytes = second.signature.valueBlock.valueHexView.slice();
    xorByte(bytes, bytes.length - 2, 0x10);
    second.signature = new asn1js.OctetString({ valueHex: bytes });
    const result = await verifySignedData(encodeSignedData(signedData), { subtle, detachedContent: content });
    expect(result.signers.map((s) => s.status)).toEqual(['good', 'bad-signature']);
    // Each signer keeps its own certificate; OpenSSL orders SignerInfos as DER sorts them.
    expect(result.signers.map((s) => s.emailAddresses[0]).sort()).toEqual([pki.leaves['ec-p256'].email, rsa().email]);
    expect(result.allGood).toBe(false);
  });

  it('zero signers is not signed', async () => {
    const signedData = openSignedData(await sign(true));
    signedData.signerInfos = [];
    const result = await verifySignedData(encodeSignedData(signedData), { subtle, detachedContent: content });
    expect(result.signers).toEqual([]);
    expect(result.allGood).toBe(false);
  });

  it('SHA-1 is weak unless allowed; MD4 is always weak', async () => {
    const cms = opensslSign(['-signer', rsa().certPath, '-inkey', rsa().keyPath, '-md', 'sha1'], 'sha1');
    expect(await statuses(cms, content)).toEqual(['weak']);
    const allowed = await verifySignedData(cms, { subtle, detachedContent: content, insecureAllowSha1: true });
    expect(allowed.signers.map((s) => s.status)).toEqual(['good']);
    const pem = readFileSync(join(opensslCmsDataDir, 'pkcs7-md4.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
    const md4 = await verifySignedData(new Uint8Array(Buffer.from(pem, 'base64')), { subtle, insecureAllowSha1: true });
    expect(md4.signers.map((s) => s.status)).toEqual(['weak']);
  });

  it('DSA, which old mail and PKIs still carry, is verified, and a wrong content fails', async () => {
    const dsa = join(opensslCertsDir, 'smdsa1.pem');
    const cms = opensslSign(['-signer', dsa, '-inkey', dsa], 'dsa');
    expect(await statuses(cms, content)).toEqual(['good']);
    expect(await statuses(cms, ascii('something else'))).toEqual(['digest-mismatch']);
  });
});

describe('what the PKI layer gets', () => {
  it('the certificates and CRLs the message carries', async () => {
    const file = join(corpora, 'pkits/nist-smime/SignedValidSignaturesTest1.eml');
    const result = await verifySmime(parseMessage(new Uint8Array(readFileSync(file))), { subtle, signingTimeToleranceMs: Number.MAX_SAFE_INTEGER });
    const verification = result.layers[0]?.verification;
    expect(verification?.certificates.length).toBeGreaterThanOrEqual(2);
    expect(verification?.crls.length).toBeGreaterThanOrEqual(1);
    expect(result.layers[0]?.signers.map((s) => s.status)).toEqual(['good']);
    const signerCert = result.layers[0]!.signers[0]!.certificate!;
    expect(verification!.certificates.some((c) => Buffer.from(c).equals(signerCert))).toBe(true);
  });
});

describe('signing', () => {
  it('refuses to emit a signature the signer certificate does not verify', async () => {
    const operator = rsa().operator;
    // Signs a different digest than it was given, as a faulty token might.
    const faulty: KeyOperator = {
      certificate: operator.certificate,
      sign: (d, scheme) => operator.sign(d.map((b) => b ^ 1), scheme),
      decryptKey: (wrapped, scheme) => operator.decryptKey(wrapped, scheme),
      deriveSharedSecret: (point, curve) => operator.deriveSharedSecret(point, curve),
    };
    expect(await errorCode(signSignedData({ subtle, signer: faulty, content, detached: true }))).toBe('key/operation-failed');
  });
});
