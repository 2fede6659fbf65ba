/**
 * Hostile SignedData (DESIGN.md invariant 5): truncated, bit-flipped and fuzzed input
 * ends in a typed CachetError or a not-good result, never a crash, a hang, or "good".
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { signSignedData } from '../../src/cms/signed-data-sign';
import { verifySignedData, type SignedDataVerification } from '../../src/cms/signed-data-verify';
import { verifySmime } from '../../src/cms/smime-verify';
import { octetStringBytes, parseBer } from '../../src/cms/asn1-input';
import { isCachetError } from '../../src/errors';
import { parseMessage } from '../../src/mime/parse';
import { openSignedData } from './support/mutate-cms';
import { makeTestPki } from './support/openssl-pki';
import { ascii, subtle, thunderbirdDir, xorByte } from './support/env';

const content = ascii('Content-Type: text/plain\r\n\r\nProtected words.\r\n');

/** The verdict, or the code of the typed error; anything else fails the test. */
async function outcome(cms: Uint8Array, detached?: Uint8Array): Promise<SignedDataVerification | string> {
  try {
    return await verifySignedData(cms, { subtle, ...(detached ? { detachedContent: detached } : {}) });
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
}

function isGood(result: SignedDataVerification | string): boolean {
  return typeof result !== 'string' && result.allGood;
}

function find(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack).indexOf(Buffer.from(needle));
}

let cms: Uint8Array;
/** Byte ranges whose change must make the signature not good: content, signed attributes, signature, signer key. */
let protectedRanges: [number, number][];

beforeAll(async () => {
  const pki = makeTestPki();
  const leaf = pki.leaves['ec-p256'];
  pki.remove();
  const cert = leaf.certificate;
  cms = await signSignedData({ subtle, signer: leaf.operator, content, detached: false });
  const info = openSignedData(cms).signerInfos[0]!;
  const attrs = new Uint8Array(info.signedAttrs!.encodedValue);
  attrs[0] = 0xa0;
  const spki = new Uint8Array(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }));
  const pieces = [content, attrs, info.signature.valueBlock.valueHexView, spki];
  protectedRanges = pieces.map((piece) => {
    const at = find(cms, piece);
    expect(at).toBeGreaterThan(0);
    return [at, at + piece.length];
  });
  expect(isGood(await outcome(cms))).toBe(true);
});

const inProtected = (i: number): boolean => protectedRanges.some(([a, b]) => i >= a && i < b);

describe('truncated SignedData', () => {
  it('every prefix is refused', async () => {
    for (let length = 0; length < cms.length; length++) {
      const result = await outcome(cms.subarray(0, length));
      expect(isGood(result), `prefix of ${length} bytes`).toBe(false);
    }
  });
});

describe('bit-flipped SignedData', () => {
  it('no flip in a protected byte is good, and no flip crashes', async () => {
    for (let i = 0; i < cms.length; i++) {
      const flipped = cms.slice();
      xorByte(flipped, i, 1 << (i % 8));
      const result = await outcome(flipped);
      if (inProtected(i)) expect(isGood(result), `flip at byte ${i}`).toBe(false);
    }
  });

  it('the signer key re-encoded in the hybrid EC form (same point, other octets) is not good', async () => {
    const [start, end] = protectedRanges[3]!;
    const spki = cms.subarray(start, end);
    // P-256 SubjectPublicKeyInfo: 26 octets of header, then 04 || X || Y. The hybrid form
    // 06 (Y even) or 07 (Y odd) names the very same point, which WebCrypto would accept.
    expect(spki[26]).toBe(0x04);
    const mutated = cms.slice();
    mutated[start + 26] = 0x06 | ((spki[spki.length - 1] as number) & 1);
    expect(isGood(await outcome(mutated))).toBe(false);
  });

  it('a signer key whose BIT STRING claims unused bits (same key octets) is not good', async () => {
    const pki = makeTestPki();
    const leaf = pki.leaves.rsa;
    pki.remove();
    const signed = await signSignedData({ subtle, signer: leaf.operator, content, detached: false });
    const spki = new Uint8Array(new X509Certificate(leaf.certificate).publicKey.export({ type: 'spki', format: 'der' }));
    const at = find(signed, spki);
    // RSA-2048 SubjectPublicKeyInfo: the BIT STRING's unused-bits octet follows its 4-octet header at 19.
    expect([...spki.subarray(19, 24)]).toEqual([0x03, 0x82, 0x01, 0x0f, 0x00]);
    expect(isGood(await outcome(signed))).toBe(true);
    const mutated = signed.slice();
    mutated[at + 23] = 1;
    expect(isGood(await outcome(mutated))).toBe(false);
  });

  it('random overwrites inside protected bytes are never good', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }), fc.nat(), fc.integer({ min: 1, max: 255 }),
      async (which, offset, xor) => {
        const [start, end] = protectedRanges[which]!;
        const mutated = cms.slice();
        const at = start + (offset % (end - start));
        xorByte(mutated, at, xor);
        expect(isGood(await outcome(mutated))).toBe(false);
      },
    ), { numRuns: 300 });
  });
});

describe('fuzzed DER', () => {
  it('random bytes end in a typed error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
      expect(isGood(await outcome(bytes, content))).toBe(false);
    }), { numRuns: 500 });
  });

  it('random splices of a valid SignedData never crash', async () => {
    await fc.assert(fc.asyncProperty(
      fc.nat(), fc.nat({ max: 64 }), fc.uint8Array({ maxLength: 16 }),
      async (at, drop, insert) => {
        const start = at % cms.length;
        const mutated = new Uint8Array([...cms.subarray(0, start), ...insert, ...cms.subarray(start + drop)]);
        const result = await outcome(mutated);
        // A splice that changes no protected byte (e.g. inside an unused certificate field) may stay good.
        if (isGood(result)) expect(protectedRanges.every(([a, b]) => find(mutated, cms.subarray(a, b)) >= 0)).toBe(true);
      },
    ), { numRuns: 400 });
  });

  it('deep nesting and huge length claims are refused quickly', async () => {
    const deep = new Uint8Array(20_000);
    for (let i = 0; i < deep.length; i += 2) { deep[i] = 0x30; deep[i + 1] = 0x80; }
    expect(await outcome(deep, content)).toBe('cms/malformed');
    expect(await outcome(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x09]), content)).toBe('cms/malformed');
    // 100 000 empty OCTET STRING segments in one constructed string: refused by the node limit.
    const flood = new Uint8Array(5 + 200_000);
    flood.set([0x24, 0x83, 0x03, 0x0d, 0x40], 0);
    for (let i = 5; i < flood.length; i += 2) flood[i] = 0x04;
    expect(await outcome(flood, content)).toBe('cms/malformed');
    expect(() => parseBer(flood, 'flood')).toThrow(/node count/);
    expect(() => parseBer(deep, 'deep')).toThrow(/nesting depth/);
    // The same segments in legitimate numbers (1 KiB each) are read.
    const segments = new Uint8Array(5 + 200 * 1028);
    segments.set([0x24, 0x83, 0x03, 0x23, 0x20], 0);
    for (let at = 5; at < segments.length; at += 1028) segments.set([0x04, 0x82, 0x04, 0x00], at);
    expect(octetStringBytes(parseBer(segments, 'segments'), 'segments')).toHaveLength(200 * 1024);
  });

  it('a certificate that is not one is skipped, not fatal', async () => {
    const root = asn1js.fromBER(cms.slice()).result as asn1js.Sequence;
    const signedData = (root.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
    const certs = signedData.valueBlock.value.find((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0) as asn1js.Constructed;
    certs.valueBlock.value.unshift(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] }));
    const result = await outcome(new Uint8Array(root.toBER(false)));
    expect(typeof result !== 'string' && result.signers.map((s) => s.status)).toEqual(['good']);
    expect(typeof result !== 'string' && result.certificates.length).toBe(2);
  });
});

describe('hostile S/MIME messages', () => {
  const source = new Uint8Array(readFileSync(`${thunderbirdDir}mailnews/test/data/smime/alice.dsig.SHA256.multipart.eml`));
  const text = Buffer.from(source).toString('latin1');
  const sigStart = text.indexOf('MIAGCSqGSIb3DQEHAqCAMIACAQEx');
  const sigEnd = text.indexOf('\n--', sigStart);

  it('the untouched message is good (control)', async () => {
    expect(sigStart).toBeGreaterThan(0);
    expect((await verifySmime(parseMessage(source), { subtle, signingTimeToleranceMs: Number.MAX_SAFE_INTEGER })).allGood).toBe(true);
  });

  it('truncated inside the signature is never good and never throws', async () => {
    for (let cut = sigStart; cut < sigEnd; cut += 7) {
      const result = await verifySmime(parseMessage(source.subarray(0, cut)), { subtle, signingTimeToleranceMs: Number.MAX_SAFE_INTEGER });
      expect(result.allGood, `cut at ${cut}`).toBe(false);
    }
  });

  it('bit flips anywhere never throw', async () => {
    for (let i = 0; i < source.length; i += 3) {
      const flipped = source.slice();
      xorByte(flipped, i, 1 << (i % 7));
      await verifySmime(parseMessage(flipped), { subtle });
    }
  });
});
