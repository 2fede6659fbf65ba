/**
 * SignedData split by the BER walk: the same fields, certificates and CRLs as asn1js
 * finds in the whole tree, for OpenSSL's DER and streamed BER; anything else is left to
 * the thorough parse.
 */
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSignedData } from '../../src/cms/signed-data-sign';
import { walkSignedData } from '../../src/cms/signed-data-walk';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';
import { ascii, subtle } from './support/env';

const hex = (bytes: Uint8Array | ArrayBuffer): string => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

interface Split {
  readonly fields: string[];
  readonly certificates: string[];
  readonly crls: string[];
}

/** What asn1js finds in the whole tree, as the thorough parse reads it. */
function reference(cms: Uint8Array): Split {
  const root = asn1js.fromBER(cms).result as asn1js.Sequence;
  const signedData = (root.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const split: Split = { fields: [], certificates: [], crls: [] };
  signedData.valueBlock.value.forEach((item, i) => {
    const bag = i < 3 || item.idBlock.tagClass !== 3 || !item.idBlock.isConstructed ? undefined
      : item.idBlock.tagNumber === 0 ? split.certificates : item.idBlock.tagNumber === 1 ? split.crls : undefined;
    // Indefinite-length elements end in an end-of-contents marker, which is no field.
    if (item.idBlock.tagClass === 1 && item.idBlock.tagNumber === 0) return;
    if (!bag) split.fields.push(hex(item.valueBeforeDecodeView));
    else for (const inner of (item as asn1js.Constructed).valueBlock.value) if (inner instanceof asn1js.Sequence) bag.push(hex(inner.valueBeforeDecodeView));
  });
  return split;
}

function walked(cms: Uint8Array): Split | undefined {
  const result = walkSignedData(cms);
  if (!result) return undefined;
  return {
    fields: result.fields.map((field) => hex(field.valueBeforeDecodeView)),
    certificates: result.certificates.map(hex),
    crls: result.crls.map(hex),
  };
}

const content = ascii('Content-Type: text/plain\r\n\r\nWalked.\r\n');
let pki: TestPki;

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

function opensslSigned(extra: readonly string[]): Uint8Array {
  const leaf = pki.leaves.rsa;
  return new Uint8Array(openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-signer', leaf.certPath, '-inkey', leaf.keyPath,
    '-certfile', pki.intermediatePath, ...extra], content));
}

describe('walkSignedData', () => {
  it('finds what asn1js finds in OpenSSL DER, detached and encapsulated, and in streamed BER', () => {
    for (const extra of [[], ['-nodetach'], ['-nodetach', '-stream'], ['-stream']]) {
      const cms = opensslSigned(extra);
      const split = walked(cms);
      expect(split, extra.join(' ')).toEqual(reference(cms));
      expect(split?.certificates).toHaveLength(2);
    }
  });

  it('hands on CRLs and skips certificate choices other than plain X.509', async () => {
    const cms = await signSignedData({ subtle, signer: pki.leaves['ec-p256'].operator, content, detached: true, chain: [pki.intermediate] });
    const root = asn1js.fromBER(cms.slice()).result as asn1js.Sequence;
    const signedData = (root.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
    const items = signedData.valueBlock.value;
    const certificates = items.find((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0) as asn1js.Constructed;
    // An attribute certificate ([2] IMPLICIT), which S/MIME has no use for.
    certificates.valueBlock.value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Null()] }));
    const crl = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 7 })] });
    items.splice(items.length - 1, 0, new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [crl] }));
    const mutated = new Uint8Array(root.toBER(false));
    const split = walked(mutated);
    expect(split).toEqual(reference(mutated));
    expect(split?.certificates).toHaveLength(2);
    expect(split?.crls).toEqual([hex(crl.toBER(false))]);
  });

  it('leaves anything but a whole SignedData ContentInfo to the thorough parse', async () => {
    const cms = await signSignedData({ subtle, signer: pki.leaves.rsa.operator, content, detached: true });
    expect(walked(cms)).toBeDefined();
    expect(walked(new Uint8Array([...cms, 0]))).toBeUndefined();
    expect(walked(cms.subarray(0, cms.length - 1))).toBeUndefined();
    const enveloped = new Uint8Array(openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', pki.leaves.rsa.certPath], content));
    expect(walked(enveloped)).toBeUndefined();
    const data = new Uint8Array(openssl(['cms', '-data_create', '-binary', '-outform', 'DER'], content));
    expect(walked(data)).toBeUndefined();
  });
});
