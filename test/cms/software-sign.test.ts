/**
 * signDigest against Node's own verifiers: every scheme × hash × key a software
 * KeyOperator can hold, plus the refusals.
 */
import { constants, createHash, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDigest } from '../../native-host/keys/software-sign';
import type { HashName, SignatureScheme } from '../../src/cms/key-operator';
import { isCachetError } from '../../src/errors';

const HASHES: readonly HashName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const nodeHash = (hash: HashName): string => hash.replace('-', '').toLowerCase();
const message = Buffer.from('the signed attributes would be here');

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
// An odd modulus length makes EMSA-PSS's emLen one byte shorter than the modulus (RFC 8017 §9.1.1).
const rsaOdd = generateKeyPairSync('rsa', { modulusLength: 2047 });
const rsaPssKey = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
const curves = {
  'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

function digestOf(hash: HashName): Uint8Array {
  return new Uint8Array(createHash(nodeHash(hash)).update(message).digest());
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

describe('signDigest', () => {
  for (const hash of HASHES) {
    it(`RSASSA-PKCS1-v1_5 ${hash}`, () => {
      const sig = signDigest(rsa.privateKey, digestOf(hash), { name: 'RSASSA-PKCS1-v1_5', hash });
      expect(verify(nodeHash(hash), message, rsa.publicKey, sig)).toBe(true);
      // Deterministic: same digest, same signature.
      expect(Buffer.from(signDigest(rsa.privateKey, digestOf(hash), { name: 'RSASSA-PKCS1-v1_5', hash })).equals(sig)).toBe(true);
    });

    for (const [label, pair] of [['2048-bit', rsa], ['2047-bit', rsaOdd], ['id-RSASSA-PSS key', rsaPssKey]] as const) {
      it(`RSA-PSS ${hash} ${label}`, () => {
        const saltLength = createHash(nodeHash(hash)).digest().length;
        const sig = signDigest(pair.privateKey, digestOf(hash), { name: 'RSA-PSS', hash, saltLength });
        const key = { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
        expect(verify(nodeHash(hash), message, key, sig)).toBe(true);
        expect(verify(nodeHash(hash), Buffer.from('other'), key, sig)).toBe(false);
      });
    }

    for (const [curve, pair] of Object.entries(curves)) {
      it(`ECDSA ${curve} ${hash}, DER, deterministic (RFC 6979)`, () => {
        const scheme: SignatureScheme = { name: 'ECDSA', hash };
        const sig = signDigest(pair.privateKey, digestOf(hash), scheme);
        expect(sig[0]).toBe(0x30);
        expect(verify(nodeHash(hash), message, { key: pair.publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
        expect(Buffer.from(signDigest(pair.privateKey, digestOf(hash), scheme)).equals(sig)).toBe(true);
      });
    }
  }

  it('refuses a digest of the wrong length', () => {
    expect(code(() => signDigest(rsa.privateKey, new Uint8Array(31), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }))).toBe('input/invalid');
    expect(code(() => signDigest(curves['P-256'].privateKey, new Uint8Array(65), { name: 'ECDSA', hash: 'SHA-512' }))).toBe('input/invalid');
  });

  it('refuses a scheme the key cannot do, and public keys', () => {
    const digest = digestOf('SHA-256');
    expect(code(() => signDigest(rsa.privateKey, digest, { name: 'ECDSA', hash: 'SHA-256' }))).toBe('key/unavailable');
    expect(code(() => signDigest(curves['P-256'].privateKey, digest, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }))).toBe('key/unavailable');
    expect(code(() => signDigest(rsaPssKey.privateKey, digest, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }))).toBe('key/unavailable');
    expect(code(() => signDigest(rsa.publicKey, digest, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }))).toBe('key/unavailable');
  });

  it('refuses a PSS salt too long for the key', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(code(() => signDigest(small.privateKey, digestOf('SHA-512'), { name: 'RSA-PSS', hash: 'SHA-512', saltLength: 64 }))).toBe('key/operation-failed');
  });
});
