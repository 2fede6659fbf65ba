/**
 * The host's own halves of token mechanisms: OAEP decoding over raw RSA, the DigestInfo
 * for v1.5 signatures, and ECDSA r||s to DER; each checked against Node's crypto.
 */
import { constants, createHash, generateKeyPairSync, privateDecrypt, privateEncrypt, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HashName } from '../../src/cms/key-operator';
import { digestInfo } from '../../native-host/stores/digest-info';
import { ecdsaRawToDer } from '../../native-host/stores/ecdsa-der';
import { oaepDecode } from '../../native-host/stores/oaep-decode';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NODE: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function rawDecrypt(ciphertext: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
}

describe('OAEP decoding over raw RSA', () => {
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
    it(`recovers what Node encrypted with OAEP ${hash}, with and without a label`, () => {
      for (const label of [undefined, randomBytes(9)]) {
        const message = randomBytes(32);
        const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE[hash], ...(label ? { oaepLabel: label } : {}) }, message);
        expect(oaepDecode(rawDecrypt(ciphertext), 256, hash, label)).toEqual(message);
      }
    });
  }

  it('rejects a wrong label, a wrong hash and a v1.5 block with one error', () => {
    const message = randomBytes(16);
    const oaep = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from('a') }, message);
    const v15 = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, message);
    const attempts = [
      () => oaepDecode(rawDecrypt(oaep), 256, 'SHA-256', Buffer.from('b')),
      () => oaepDecode(rawDecrypt(oaep), 256, 'SHA-1', Buffer.from('a')),
      () => oaepDecode(rawDecrypt(v15), 256, 'SHA-256'),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(expect.objectContaining({ code: 'key/operation-failed', message: 'decryption failed' }));
  });

  it('never throws anything but its own error on random blocks', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 256 }), (block) => {
      try {
        oaepDecode(block, 256, 'SHA-256');
      } catch (error) {
        expect(error).toMatchObject({ code: 'key/operation-failed' });
      }
    }));
  });
});

describe('DigestInfo for RSA PKCS#1 v1.5', () => {
  for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
    it(`a raw signature over DigestInfo(${hash}) verifies as ${hash}withRSA`, () => {
      const data = randomBytes(50);
      const block = digestInfo(createHash(NODE[hash]).update(data).digest(), hash);
      // Block type 1 padding over the DigestInfo is what CKM_RSA_PKCS signing does.
      const signature = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, block);
      expect(verify(NODE[hash], data, publicKey, signature)).toBe(true);
    });
  }

  it('refuses a digest of the wrong length', () => {
    expect(() => digestInfo(randomBytes(20), 'SHA-256')).toThrow(expect.objectContaining({ code: 'input/invalid' }));
  });
});

describe('ECDSA r||s to DER', () => {
  for (const curve of ['prime256v1', 'secp384r1', 'secp521r1']) {
    it(`matches Node's DER signatures on ${curve}`, () => {
      const keys = generateKeyPairSync('ec', { namedCurve: curve });
      for (let n = 0; n < 20; n++) {
        const data = randomBytes(20);
        const raw = sign('sha256', data, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaRawToDer(raw);
        expect(verify('sha256', data, { key: keys.publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      }
    });
  }
});
