/**
 * The building blocks of enveloping checked against independent implementations:
 * 3DES-CBC and the RFC 3217 key unwrap against Node/OpenSSL, the X9.63 KDF and
 * ECC-CMS-SharedInfo encoding against RFC 5753, RSAES-PKCS1-v1_5 encryption against
 * `openssl pkeyutl`, RSAES-OAEP-params against OpenSSL's encoding, AES key wrap.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { desEde3CbcDecrypt } from '../../src/cms/ciphers/des-ede3-cbc';
import { desEde3KeyUnwrap } from '../../src/cms/ciphers/des-ede3-key-unwrap';
import { aesKeyUnwrap, aesKeyWrap } from '../../src/cms/aes-key-wrap';
import { eccCmsSharedInfo, x963Kdf } from '../../src/cms/ecdh-kdf';
import { cbcCiphertextLength, cbcEncryptor } from '../../src/cms/content-encryption';
import { contentRun } from '../../src/cms/content-run';
import { algorithmIdentifier } from '../../src/cms/der-writer';
import { parseBer } from '../../src/cms/der-reader';
import { decodeOaepParams, encodeOaepParams } from '../../src/cms/rsaes-oaep-params';
import { rsaPkcs1Encrypt } from '../../src/cms/rsa-pkcs1-encrypt';
import { readRecipientCertificate } from '../../src/cms/recipient-certificate';
import { OID_AES256_WRAP } from '../../src/cms/oids';
import { crypto, identityFromPem, openssl, SMIME_CERTS } from './envelope-helpers';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('des-ede3-cbc', () => {
  it('decrypts what Node encrypts, for lengths around the block size', () => {
    for (let length = 0; length < 40; length++) {
      const key = randomBytes(24);
      const iv = randomBytes(8);
      const plain = randomBytes(length);
      const cipher = createCipheriv('des-ede3-cbc', key, iv);
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      expect(hex(desEde3CbcDecrypt(key, iv, sealed))).toBe(plain.toString('hex'));
    }
  });
  it('reports bad padding and bad lengths as cms/decrypt-failed', () => {
    const key = randomBytes(24);
    const iv = randomBytes(8);
    const cipher = createCipheriv('des-ede3-cbc', key, iv);
    cipher.setAutoPadding(false);
    const sealed = Buffer.concat([cipher.update(Buffer.alloc(16, 0)), cipher.final()]);
    expect(() => desEde3CbcDecrypt(key, iv, sealed)).toThrow(expect.objectContaining({ code: 'cms/decrypt-failed' }));
    expect(() => desEde3CbcDecrypt(key, iv, sealed.subarray(0, 12))).toThrow(expect.objectContaining({ code: 'cms/decrypt-failed' }));
  });
  it('unwraps RFC 3217 3DES-wrapped keys made by OpenSSL', async () => {
    for (let i = 0; i < 5; i++) {
      const kek = randomBytes(24);
      const cek = randomBytes(24);
      const wrap = createCipheriv('des3-wrap', kek, Buffer.alloc(0));
      const wrapped = Buffer.concat([wrap.update(cek), wrap.final()]);
      expect(hex(await desEde3KeyUnwrap(crypto, kek, wrapped))).toBe(cek.toString('hex'));
      wrapped[5]! ^= 1;
      await expect(desEde3KeyUnwrap(crypto, kek, wrapped)).rejects.toMatchObject({ code: 'cms/decrypt-failed' });
    }
  });
});

describe('AES key wrap', () => {
  it('wraps and unwraps 16, 24 and 32-byte keys as Node id-aes256-wrap does', async () => {
    for (const length of [16, 24, 32]) {
      const kek = randomBytes(32);
      const key = randomBytes(length);
      const wrapped = await aesKeyWrap(crypto, kek, key);
      const node = createCipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
      expect(hex(wrapped)).toBe(Buffer.concat([node.update(key), node.final()]).toString('hex'));
      expect(hex(await aesKeyUnwrap(crypto, kek, wrapped))).toBe(key.toString('hex'));
      wrapped[3]! ^= 0x80;
      await expect(aesKeyUnwrap(crypto, kek, wrapped)).rejects.toMatchObject({ code: 'cms/decrypt-failed' });
    }
  });
});

describe('ECDH KDF (RFC 5753 §7.2)', () => {
  const keyInfo = algorithmIdentifier(OID_AES256_WRAP);
  it('encodes ECC-CMS-SharedInfo without entityUInfo when there is no ukm', () => {
    // SEQUENCE { SEQUENCE { id-aes256-wrap }, [2] { OCTET STRING 00000100 } }
    expect(hex(eccCmsSharedInfo(keyInfo, undefined, 256))).toBe('3015' + '300b060960864801650304012d' + 'a2060404' + '00000100');
  });
  it('encodes the ukm as [0] EXPLICIT OCTET STRING', () => {
    expect(hex(eccCmsSharedInfo(keyInfo, Uint8Array.of(1, 2, 3), 128))).toBe('301c' + '300b060960864801650304012d' + 'a0050403010203' + 'a2060404' + '00000080');
  });
  it('is the X9.63 KDF: Hash(Z || counter || SharedInfo), counter from 1', async () => {
    const z = randomBytes(66);
    const info = eccCmsSharedInfo(keyInfo, undefined, 256);
    for (const [hash, node] of [['SHA-1', 'sha1'], ['SHA-256', 'sha256'], ['SHA-512', 'sha512']] as const) {
      const expected = Buffer.concat([1, 2].map((counter) => createHash(node).update(z).update(Buffer.from([0, 0, 0, counter])).update(info).digest()));
      expect(hex(await x963Kdf(crypto, hash, z, info, 32))).toBe(expected.subarray(0, 32).toString('hex'));
    }
  });
});

describe('RSAES-PKCS1-v1_5 encryption', () => {
  const rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
  const cert = readRecipientCertificate(rsa.certificate);
  it('openssl pkeyutl decrypts it, and the padding is 00 02, nonzero PS, 00', () => {
    if (cert.key.kind !== 'rsa') throw new Error('expected RSA');
    for (let i = 0; i < 10; i++) {
      const key = randomBytes(32);
      const wrapped = rsaPkcs1Encrypt(cert.key, key, crypto);
      expect(wrapped.length).toBe(cert.key.modulusLength);
      const plain = openssl(['pkeyutl', '-decrypt', '-inkey', rsa.keyPath, '-pkeyopt', 'rsa_padding_mode:pkcs1'], wrapped);
      expect(plain.toString('hex')).toBe(key.toString('hex'));
      const em = openssl(['pkeyutl', '-decrypt', '-inkey', rsa.keyPath, '-pkeyopt', 'rsa_padding_mode:none'], wrapped);
      const psEnd = em.length - key.length - 1;
      expect([em[0], em[1], em[psEnd]]).toEqual([0, 2, 0]);
      expect(em.subarray(2, psEnd).includes(0)).toBe(false);
    }
  });
  it('refuses a message too long for the modulus', () => {
    if (cert.key.kind !== 'rsa') throw new Error('expected RSA');
    expect(() => rsaPkcs1Encrypt(cert.key as never, new Uint8Array(250), crypto)).toThrow(expect.objectContaining({ code: 'cms/unsupported' }));
  });
});

describe('RSAES-OAEP-params', () => {
  it('writes SHA-1 defaults as an empty SEQUENCE and SHA-256 as OpenSSL does', () => {
    expect(hex(encodeOaepParams({ hash: 'SHA-1', label: undefined }))).toBe('3000');
    expect(hex(encodeOaepParams({ hash: 'SHA-256', label: Uint8Array.of(1, 2) }))).toBe(
      '303e' + 'a00d300b0609608648016503040201' + 'a11a301806092a864886f70d010108300b0609608648016503040201' + 'a211300f06092a864886f70d0101090402' + '0102',
    );
  });
  it('reads back what it writes, and a mixed MGF1 hash', () => {
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
      const label = Uint8Array.of(9, 8, 7);
      const decoded = decodeOaepParams(parseBer(encodeOaepParams({ hash, label }), 'params'));
      expect(decoded.hash).toBe(hash);
      expect(hex(decoded.label!)).toBe('090807');
      expect(decoded.mgf1Hash).toBeUndefined();
    }
    // hashFunc SHA-256 with the default (SHA-1) MGF1, as `-keyopt rsa_oaep_md:sha256` writes.
    const mixed = decodeOaepParams(parseBer(Buffer.from('300fa00d300b0609608648016503040201', 'hex'), 'params'));
    expect(mixed).toMatchObject({ hash: 'SHA-256', mgf1Hash: 'SHA-1' });
  });
});

describe('AES-CBC in slices', () => {
  const KiB = 1 << 10;
  const MiB = 1 << 20;
  // Slices of 64 KiB, doubling to 1 MiB, so they end at 64, 192, 448, 960, 1984, 3008 KiB…
  // Lengths around those ends: within the first slice, exactly it, one block more, a
  // later end and a bit, exactly a later one, and past the largest slice size.
  const lengths = [0, 15, 16, 64 * KiB - 1, 64 * KiB, 64 * KiB + 16, 192 * KiB + 5, 960 * KiB, 1984 * KiB - 16, 3008 * KiB + 17];
  it('gives the ciphertext of one call, from any split of the content, some of it given later, that OpenSSL decrypts', async () => {
    for (const length of lengths) {
      const key = new Uint8Array(randomBytes(32));
      const iv = new Uint8Array(randomBytes(16));
      const plain = new Uint8Array(randomBytes(length));
      const oneCall = createCipheriv('aes-256-cbc', key, iv);
      const expected = Buffer.concat([oneCall.update(plain), oneCall.final()]);
      const cut = Math.floor(length / 3);
      const pieces = [plain.subarray(0, cut), plain.subarray(cut, cut + 7), plain.subarray(cut + 7)];
      const encrypt = await cbcEncryptor(crypto, { cipher: 'aes-256-cbc', iv, icvLength: 0 }, key);
      const chunks: Uint8Array[] = [];
      await encrypt(contentRun(pieces), (chunk) => chunks.push(chunk.slice()));
      const sealed = Buffer.concat(chunks);
      expect(sealed.length).toBe(cbcCiphertextLength(length));
      expect(sealed.equals(expected)).toBe(true);
      // The last piece arriving later (a signature still being made) changes nothing.
      const later: Uint8Array[] = [];
      const rest = new Promise<Uint8Array[]>((resolve) => setTimeout(() => resolve(pieces.slice(2)), 5));
      await encrypt({ length, pieces: pieces.slice(0, 2), rest }, (chunk) => later.push(chunk.slice()));
      expect(Buffer.concat(later).equals(expected)).toBe(true);
      const opened = execFileSync('openssl', ['enc', '-d', '-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], { input: sealed, maxBuffer: 4 * MiB });
      expect(opened.equals(plain)).toBe(true);
    }
  });
});
