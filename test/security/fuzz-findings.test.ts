/**
 * Regressions for what `npm run fuzz` (test/fuzz/) found. Each input is rebuilt here from
 * its corpus seed and the edit the fuzzer made, so no corpus file is copied into the
 * project, and each must now end in a typed CachetError or a result, as the fuzzer
 * requires of every input.
 */
import { webcrypto, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBer } from '../../src/cms/asn1-input';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { concatBytes } from '../../src/cms/der-writer';
import { verifySignedData, type SignedDataVerification } from '../../src/cms/signed-data-verify';
import { isCachetError } from '../../src/errors';
import { parseMessage } from '../../src/mime/parse';
import { allParts, decodedBody } from '../../src/mime/part-access';
import { parseCertificate, toPkijsCertificate } from '../../src/pki/parsed-certificate';
import { nodeCmsCrypto } from '../../native-host/cli/commands/node-cms-crypto';
import { elementsOf, replaceElement, type Located } from '../fuzz/mutate';

const corpora = new URL('../../../shared/corpora/', import.meta.url);
const corpusCertificate = (file: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(new URL(file, corpora))).raw);

const subtle = webcrypto.subtle as SubtleCrypto;

/** The CMS of the first S/MIME part of `kind` in a corpus message, and what a detached signature covers. */
function corpusCms(file: string, kind: 'signed-data' | 'multipart-signed' | 'enveloped-data'): { cms: Uint8Array; detached?: Uint8Array } {
  const root = parseMessage(new Uint8Array(readFileSync(new URL(file, corpora))));
  const part = allParts(root).find((p) => p.smimeKind === kind);
  if (!part) throw new Error(`${file} has no ${kind} part`);
  if (kind !== 'multipart-signed') return { cms: decodedBody(part) };
  const [content, signature] = part.children;
  if (!content || !signature) throw new Error(`${file}: multipart/signed without two parts`);
  return { cms: decodedBody(signature), detached: root.source.subarray(content.range.start, content.range.end) };
}

/** The fuzzer's flood: one element repeated `count` times where it stood, every enclosing length written again. */
function flood(bytes: Uint8Array, where: Located, count: number): Uint8Array {
  const element = bytes.subarray(where.tlv.start, where.tlv.end);
  return replaceElement(bytes, where, concatBytes(Array.from({ length: count }, () => element)));
}

async function verdict(cms: Uint8Array, detached?: Uint8Array): Promise<SignedDataVerification | string> {
  try {
    return await verifySignedData(cms, { subtle, ...(detached ? { detachedContent: detached } : {}) });
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
}

/** The code of the typed error `action` throws, or 'no error'; any other exception fails the test. */
function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('certificate target', () => {
  it('a certificate parseCertificate reads but PKI.js does not is pki/malformed in toPkijsCertificate', () => {
    // Seed openssl/smime-certs/smdsa3.pem; input 101 of seed 1 wrote random octets over
    // octets 489–593, inside the DSA domain parameters of the subject public key.
    const der = corpusCertificate('openssl/smime-certs/smdsa3.pem');
    der.set(Buffer.from(
      '8e0c35facaadf0f2f4358b44ae1e716f3dce601cc2c8c49843a7770b27978999c1d9d3b59f96c3204b10f659de655f943dbb1b6fefcfdeaefe6de0835b0380fe4129316f849636ead10508f92eea068453290ae6c3612c622a44c9e2998e11bb239e518b88de51d6',
      'hex',
    ), 489);
    const cert = parseCertificate(der);
    expect(refusal(() => toPkijsCertificate(cert))).toBe('pki/malformed');
  });
});

describe('signed-data target', () => {
  it('a SignedData with 70,000 encapContentInfo fields is refused at once, not parsed field by field', async () => {
    // Seed: the detached signature of smime-manual/outer-smime-bad-sig-inner-smime-enc.eml;
    // input 1547 of seed 5 repeated its encapContentInfo until the CMS was a megabyte, and
    // each copy was handed to asn1js on its own: 7.5 s.
    const { cms, detached } = corpusCms('thunderbird-smime/mailnews/test/data/smime-manual/outer-smime-bad-sig-inner-smime-enc.eml', 'multipart-signed');
    const fields = elementsOf(cms).filter((e) => e.ancestors.length === 3);
    const encapContentInfo = fields[2] as Located;
    expect(cms[encapContentInfo.tlv.start]).toBe(0x30);
    expect(await verdict(flood(cms, encapContentInfo, 70_000), detached)).toBe('cms/malformed');
    // Vitest's own default timeout, not the project's minute: the finding was the time taken.
  }, 5_000);

  it('a signer named by an issuer PKI.js cannot encode again matches no certificate, and is not good', async () => {
    // Seed: the opaque signature of alice.plain.dsig.SHA256.multipart.dave.sig.SHA256.opaque.eml;
    // input 1850 of seed 5 repeated the commonName type of the signer's issuer 10,000 times, and PKI.js
    // threw an AsnError re-encoding it while the signer was looked for.
    const { cms } = corpusCms('thunderbird-smime/mailnews/test/data/smime/alice.plain.dsig.SHA256.multipart.dave.sig.SHA256.opaque.eml', 'signed-data');
    const elements = elementsOf(cms);
    const signerInfos = elements.filter((e) => e.ancestors.length === 3).at(-1) as Located;
    // The first commonName type after it is in the SignerInfo's issuerAndSerialNumber.
    const commonName = elements.find((e) => e.tlv.start > signerInfos.tlv.start && cms[e.tlv.start] === 0x06
      && Buffer.from(cms.subarray(e.tlv.contentStart, e.tlv.contentEnd)).equals(Buffer.from([0x55, 0x04, 0x03])));
    const result = await verdict(flood(cms, commonName as Located, 10_000));
    if (typeof result !== 'string') expect(result.signers.some((s) => s.status === 'good')).toBe(false);
  });
});

describe('enveloped-data target', () => {
  it('elements that overrun their parents are refused by one pass before asn1js reads them', async () => {
    // Input 23890 of seed 20261207 (seed alice.html.sig.SHA384.opaque.env.eml) held a
    // 9-octet piece of a Name, SET { SEQUENCE { OID of 86 octets } } in 18 octets, repeated
    // 116,505 times: asn1js took 2 s of CPU time to give up on it. The same piece at the
    // same place in the seed's EnvelopedData:
    const { cms } = corpusCms('thunderbird-smime/mailnews/test/data/smime/alice.html.sig.SHA384.opaque.env.eml', 'enveloped-data');
    const piece = Buffer.from('311230100656696577', 'hex');
    const hostile = concatBytes([cms.subarray(0, 96), ...Array.from({ length: 116_505 }, () => piece), cms.subarray(96)]);
    expect(() => parseBer(hostile, 'flood')).toThrow(/do not nest within their lengths/);
    let code = 'no error';
    try {
      await decryptEnvelope(nodeCmsCrypto, hostile, []);
    } catch (error) {
      code = isCachetError(error) ? error.code : String(error);
    }
    expect(code).toBe('cms/malformed');
  });
});

describe('enveloped-data target, EnvelopedData fields', () => {
  it('a flood of fields after the EncryptedContentInfo is refused by their count, before any is parsed', async () => {
    // Input 730153 of seed 1207 held some 40,000 small [1] elements after the
    // EncryptedContentInfo; each was parsed by asn1js to check its tag, 3 s of CPU time.
    const { cms } = corpusCms('thunderbird-smime/mailnews/test/data/smime/alice.html.sig.SHA384.opaque.env.eml', 'enveloped-data');
    const fields = elementsOf(cms).filter((e) => e.ancestors.length === 3);
    const encryptedContentInfo = fields.at(-1) as Located;
    const attribute = Uint8Array.from([0xa1, 0x05, 0x30, 0x03, 0x06, 0x01, 0x00]);
    const own = cms.subarray(encryptedContentInfo.tlv.start, encryptedContentInfo.tlv.end);
    const hostile = replaceElement(cms, encryptedContentInfo, concatBytes([own, ...Array.from({ length: 40_000 }, () => attribute)]));
    let refused = 'no error';
    try {
      await decryptEnvelope(nodeCmsCrypto, hostile, []);
    } catch (error) {
      refused = isCachetError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    expect(refused).toMatch(/^cms\/malformed: unexpected fields after/);
    // One unprotectedAttrs field is still read as before.
    const one = replaceElement(cms, encryptedContentInfo, concatBytes([own, attribute]));
    let code = 'no error';
    try {
      await decryptEnvelope(nodeCmsCrypto, one, []);
    } catch (error) {
      code = isCachetError(error) ? error.code : String(error);
    }
    expect(code).not.toBe('cms/malformed');
  });
});

describe('der target', () => {
  /** An OBJECT IDENTIFIER whose contents are `octets` long: 1.2 then arcs of one octet each. */
  function oid(octets: number): Uint8Array {
    const length = octets < 0x80 ? [octets] : octets < 0x10000 ? [0x82, octets >> 8, octets & 0xff] : [0x83, octets >> 16, (octets >> 8) & 0xff, octets & 0xff];
    return new Uint8Array([0x06, ...length, 0x2a, ...new Array<number>(octets - 1).fill(0x01)]);
  }

  it('an OBJECT IDENTIFIER of half a megabyte is refused before asn1js builds an object per arc', () => {
    // Input 876041 of seed 1207: a certificate whose outer SEQUENCE tag became 06, so its
    // 520 KB of contents read as one OID's arcs; asn1js took 1.5 s of CPU time on it.
    const hostile = oid(520_000);
    expect(() => parseBer(hostile, 'retagged certificate')).toThrow(/OBJECT IDENTIFIER of more than 256 octets/);
    const inner = oid(520_000);
    const inSequence = new Uint8Array([0x30, 0x83, inner.length >> 16, (inner.length >> 8) & 0xff, inner.length & 0xff, ...inner]);
    expect(() => parseBer(inSequence, 'nested')).toThrow(/OBJECT IDENTIFIER of more than 256 octets/);
  });

  it('object identifiers up to 256 octets are read as before', () => {
    expect(() => parseBer(oid(256), 'long but allowed')).not.toThrow();
  });
});
