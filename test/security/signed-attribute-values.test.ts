/**
 * Signed attributes whose value set is empty or of the wrong type (issue 13). A contentType
 * attribute with an empty SET OF AttributeValue once gave the reason "Cannot read
 * properties of undefined (reading 'length')": the verdict was right (bad-attributes) but a
 * value had been read without checking it existed, and internal error text reached the
 * user. Every attribute Cachet reads is tried here with the signature made again over the
 * broken attributes, so only the attribute itself can make the signer not good.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oid, sequence, setOf, tlv } from '../../src/cms/der-writer';
import {
  OID_ATTR_CONTENT_TYPE,
  OID_ATTR_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_MESSAGE_DIGEST,
  OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_SIGNING_TIME,
  OID_ATTR_SMIME_CAPABILITIES,
} from '../../src/cms/oids';
import { signSignedData } from '../../src/cms/signed-data-sign';
import { verifySignedData, type SignerVerification } from '../../src/cms/signed-data-verify';
import {
  decodeEncryptionKeyPreference,
  decodeSigningTime,
  decodeSmimeCapabilities,
  singleValue,
} from '../../src/cms/smime-attributes';
import { isCachetError } from '../../src/errors';
import { makeTestPki, type TestPki } from '../cms/support/openssl-pki';
import { ascii, subtle } from '../cms/support/env';
import { resign } from '../cms/support/mutate-cms';
import { expectHandled, runCachetProcess, writeInputs } from './support/cli-process';

/** An Attribute read from DER written by the project's own writer, as a received one is. */
function receivedAttribute(type: string, ...values: Uint8Array[]): pkijs.Attribute {
  const der = sequence(oid(type), setOf(values));
  return new pkijs.Attribute({ schema: asn1js.fromBER(der).result });
}

const emptySet = (type: string): pkijs.Attribute => receivedAttribute(type);

/** Internal error texts that must never become a reason. */
const INTERNAL_TEXT = /Cannot read|undefined|is not a function|is not iterable/;

const content = ascii('Content-Type: text/plain\r\n\r\nAttribute values.');
let pki: TestPki;
let detached: Uint8Array;

beforeAll(async () => {
  pki = makeTestPki();
  detached = await signSignedData({ subtle, signer: pki.leaves.rsa.operator, content, detached: true });
});
afterAll(() => pki.remove());

/** Replaces the attributes of the types in `drop` by `replacement` and signs the attributes again. */
async function signerWith(drop: string | readonly string[], replacement: pkijs.Attribute): Promise<{ cms: Uint8Array; signer: SignerVerification }> {
  const types = typeof drop === 'string' ? [drop] : drop;
  const cms = await resign(detached, pki.leaves.rsa.operator, (attrs) => [...attrs.filter((a) => !types.includes(a.type)), replacement]);
  const result = await verifySignedData(cms, { subtle, detachedContent: content });
  const signer = result.signers[0];
  if (!signer) throw new Error('no signer');
  return { cms, signer };
}

describe('required attributes with an empty value set', () => {
  for (const [name, type] of [['contentType', OID_ATTR_CONTENT_TYPE], ['messageDigest', OID_ATTR_MESSAGE_DIGEST], ['signingTime', OID_ATTR_SIGNING_TIME]] as const) {
    it(`${name} with no value is bad-attributes with a reason of its own`, async () => {
      const { cms, signer } = await signerWith(type, emptySet(type));
      // The empty SET really is in the signed bytes, not repaired on the way.
      expect(Buffer.from(cms).includes(Buffer.from([...oid(type), 0x31, 0x00]))).toBe(true);
      expect(signer.status).toBe('bad-attributes');
      expect(signer.reason).toBe(`malformed ${name} attribute`);
    });
  }
});

describe('required attributes with a value of the wrong type', () => {
  const wrong: readonly [string, string, Uint8Array][] = [
    ['contentType', OID_ATTR_CONTENT_TYPE, tlv(0x04, ascii('not an OID'))],
    ['messageDigest', OID_ATTR_MESSAGE_DIGEST, oid('1.2.3')],
    ['messageDigest', OID_ATTR_MESSAGE_DIGEST, tlv(0x24, tlv(0x04, new Uint8Array(32)))],
    ['signingTime', OID_ATTR_SIGNING_TIME, tlv(0x04, ascii('260101000000Z'))],
    ['signingTime', OID_ATTR_SIGNING_TIME, tlv(0x17, ascii('26013'))],
  ];
  for (const [name, type, value] of wrong) {
    it(`${name} holding ${Buffer.from(value.subarray(0, 2)).toString('hex')}… is bad-attributes`, async () => {
      const { signer } = await signerWith(type, receivedAttribute(type, value));
      expect(signer.status).toBe('bad-attributes');
      expect(signer.reason).not.toMatch(INTERNAL_TEXT);
    });
  }
});

describe('advisory attributes with an empty or wrong value set are ignored', () => {
  const advisory: readonly [string, string, Uint8Array[]][] = [
    ['SMIMECapabilities', OID_ATTR_SMIME_CAPABILITIES, []],
    ['SMIMECapabilities', OID_ATTR_SMIME_CAPABILITIES, [sequence(tlv(0x04, new Uint8Array(1)))]],
    ['SMIMECapabilities', OID_ATTR_SMIME_CAPABILITIES, [tlv(0x05)]],
    ['encryption key preference', OID_ATTR_ENCRYPTION_KEY_PREFERENCE, []],
    ['encryption key preference', OID_ATTR_ENCRYPTION_KEY_PREFERENCE, [tlv(0xa0)]],
    ['Microsoft encryption key preference', OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE, []],
    ['Microsoft encryption key preference', OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE, [sequence()]],
  ];
  // All three are left out but the broken one, so none of the others can stand in for it.
  const advisoryTypes = [OID_ATTR_SMIME_CAPABILITIES, OID_ATTR_ENCRYPTION_KEY_PREFERENCE, OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE];
  for (const [name, type, values] of advisory) {
    it(`${name} with ${values.length} broken value(s) leaves the signer good`, async () => {
      const { signer } = await signerWith(advisoryTypes, receivedAttribute(type, ...values));
      expect(signer.status).toBe('good');
      expect(signer.capabilities).toBeUndefined();
      expect(signer.encryptionKeyPreference).toBeUndefined();
    });
  }
});

describe('attribute decoders on empty value sets', () => {
  const decoders: readonly [string, string, (a: pkijs.Attribute) => unknown][] = [
    ['singleValue', OID_ATTR_CONTENT_TYPE, (a) => singleValue(a, 'contentType')],
    ['decodeSigningTime', OID_ATTR_SIGNING_TIME, decodeSigningTime],
    ['decodeSmimeCapabilities', OID_ATTR_SMIME_CAPABILITIES, decodeSmimeCapabilities],
    ['decodeEncryptionKeyPreference', OID_ATTR_ENCRYPTION_KEY_PREFERENCE, decodeEncryptionKeyPreference],
    ['decodeEncryptionKeyPreference (Microsoft)', OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE, decodeEncryptionKeyPreference],
  ];
  for (const [name, type, decode] of decoders) {
    it(`${name} throws cms/malformed`, () => {
      let thrown: unknown;
      try {
        decode(emptySet(type));
      } catch (error) {
        thrown = error;
      }
      expect(isCachetError(thrown) && thrown.code).toBe('cms/malformed');
    });
  }
});

describe('the command line on a message whose contentType attribute is empty', () => {
  it('verify --json says bad-attributes in its own words and exits 1', async () => {
    const { cms } = await signerWith(OID_ATTR_CONTENT_TYPE, emptySet(OID_ATTR_CONTENT_TYPE));
    const base64 = Buffer.from(cms).toString('base64').replace(/.{1,76}/g, '$&\r\n');
    const message = ascii([
      'From: rsa@example.org',
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b1"',
      '',
      '--b1',
      new TextDecoder().decode(content),
      '--b1',
      'Content-Type: application/pkcs7-signature; name=smime.p7s',
      'Content-Transfer-Encoding: base64',
      '',
      `${base64}--b1--`,
      '',
    ].join('\r\n'));
    const files = writeInputs({ 'empty-content-type': message });
    try {
      const file = files.paths['empty-content-type'] as string;
      const verify = runCachetProcess(['verify', '--json', file]);
      expectHandled(verify, 'verify --json');
      expect(verify.status).toBe(1);
      expect(verify.stdout).toContain('bad-attributes');
      expect(verify.stdout).toContain('malformed contentType attribute');
      expect(verify.stdout + verify.stderr).not.toMatch(INTERNAL_TEXT);
      const open = runCachetProcess(['open', '--json', file]);
      expectHandled(open, 'open --json');
      expect(open.stdout + open.stderr).not.toMatch(/Cannot read/);
    } finally {
      files.remove();
    }
  });
});
