import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { expectCachetError } from '../support/expect-cachet-error';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { loadPkcs12 } from '../../native-host/keys/load-pkcs12';
import { loadPrivateKey } from '../../native-host/keys/load-private-key';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { SoftwareKeyOperator } from '../../native-host/keys/software-key-operator';
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from '../../native-host/keys/rc2-cbc';
import { isCachetError } from '../../src/errors';
import type { NamedCurve } from '../../src/cms/key-operator';

const CORPORA = '../shared/corpora';
const SMIME_CERTS = `${CORPORA}/openssl/smime-certs`;
const P12_FILES = execFileSync('find', [`${CORPORA}/thunderbird-smime`, '-name', '*.p12']).toString().trim().split('\n').sort();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-keys-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const expectCode = (fn: () => unknown, code: string): void => expectCachetError(fn, code);

describe('PKCS#12 from NSS (corpus)', () => {
  it('finds the p12 files', () => {
    expect(P12_FILES.length).toBeGreaterThanOrEqual(11);
  });
  for (const file of P12_FILES) {
    it(`loads ${file.slice(CORPORA.length)}`, () => {
      const contents = loadPkcs12(readFileSync(file), 'nss');
      expect(contents.identities).toHaveLength(1);
      const identity = contents.identities[0]!;
      const cert = new X509Certificate(identity.certificate);
      expect(cert.checkPrivateKey(identity.key)).toBe(true);
      for (const issuer of identity.chain) expect(contents.certificates.some((c) => Buffer.from(c).equals(Buffer.from(issuer)))).toBe(true);
    });
  }
  it('rejects a wrong password with a typed error', () => {
    expectCode(() => loadPkcs12(readFileSync(P12_FILES[0]!), 'not-nss'), 'key/unavailable');
  });
});

describe('PKCS#12 written by OpenSSL 3', () => {
  const variants: Record<string, string[]> = {
    'default (PBES2 AES-256, HMAC-SHA-256)': [],
    'legacy (3DES key, RC2-40 certificates, SHA-1 MAC)': ['-legacy'],
    'PBES2 with SHA-512 MAC': ['-macalg', 'sha512'],
    '3DES everywhere': ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    'unencrypted certificates': ['-certpbe', 'NONE'],
  };
  for (const [name, extra] of Object.entries(variants)) {
    it(name, () => {
      const out = join(dir, 'x.p12');
      openssl(['pkcs12', '-export', '-in', `${SMIME_CERTS}/smrsa1.pem`, '-certfile', `${SMIME_CERTS}/smroot.pem`, '-out', out, '-passout', 'pass:pässword', ...extra]);
      const contents = loadPkcs12(readFileSync(out), 'pässword');
      expect(contents.identities).toHaveLength(1);
      expect(contents.identities[0]!.chain).toHaveLength(1);
      const expected = createPrivateKey(readFileSync(`${SMIME_CERTS}/smrsa1.pem`));
      expect(contents.identities[0]!.key.equals(expected)).toBe(true);
    });
  }
  it('an EC key with an empty password', () => {
    const out = join(dir, 'ec.p12');
    openssl(['pkcs12', '-export', '-in', `${SMIME_CERTS}/smec1.pem`, '-out', out, '-passout', 'pass:']);
    const contents = loadPkcs12(readFileSync(out), '');
    expect(contents.identities[0]!.key.asymmetricKeyType).toBe('ec');
  });
  it('truncated and bit-flipped files give typed errors, never a crash', () => {
    const out = join(dir, 'fuzz.p12');
    openssl(['pkcs12', '-export', '-in', `${SMIME_CERTS}/smrsa1.pem`, '-out', out, '-passout', 'pass:x', '-legacy']);
    const good = readFileSync(out);
    const failures: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const bad = Buffer.from(good);
      if (i % 2 === 0) bad[(i * 7919) % bad.length]! ^= 1 << (i % 8);
      const input = i % 2 === 0 ? bad : bad.subarray(0, (i * 31) % bad.length);
      try {
        // A flip the MAC does not cover (in the MacData salt's unused bits, say) may still load.
        expect(loadPkcs12(input, 'x').identities).toHaveLength(1);
        failures.push(false);
      } catch (error) {
        expect(isCachetError(error) && error.code === 'key/unavailable').toBe(true);
        failures.push(true);
      }
    }
    expect(failures.filter(Boolean).length).toBeGreaterThan(190);
  });
});

describe('RC2 (RFC 2268 §5 vectors and OpenSSL)', () => {
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ];
  for (const [key, bits, plain, cipher] of vectors) {
    it(`key ${key} / ${bits} bits`, () => {
      const k = rc2ExpandKey(Buffer.from(key, 'hex'), bits);
      expect(Buffer.from(rc2DecryptBlock(k, Buffer.from(cipher, 'hex'))).toString('hex')).toBe(plain);
    });
  }
  it('CBC with 40-bit keys matches openssl enc -rc2-40-cbc', () => {
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const plain = randomBytes(77);
    const cipher = openssl(['enc', '-provider', 'legacy', '-provider', 'default', '-rc2-40-cbc', '-K', key.toString('hex'), '-iv', iv.toString('hex')], plain);
    expect(Buffer.from(rc2CbcDecrypt(key, 40, iv, cipher)).equals(plain)).toBe(true);
  });
});

describe('private keys', () => {
  for (const name of ['smrsa1.pem', 'smec1.pem', 'smrsa3-key.pem']) {
    it(`reads ${name}`, () => {
      expect(loadPrivateKey(readFileSync(`${SMIME_CERTS}/${name}`)).type).toBe('private');
    });
  }
  const reference = (): ReturnType<typeof createPrivateKey> => createPrivateKey(readFileSync(`${SMIME_CERTS}/smrsa1.pem`));
  const forms: Record<string, string[]> = {
    'PKCS#8 PBES2 AES-256': ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512'],
    'PKCS#8 PBE-SHA1-3DES': ['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES'],
    'PKCS#1 with legacy PEM encryption': ['rsa', '-aes256', '-traditional'],
  };
  for (const [name, args] of Object.entries(forms)) {
    it(`reads ${name} with its password`, () => {
      const pem = openssl([...args, '-in', `${SMIME_CERTS}/smrsa1.pem`, '-passout', 'pass:secret']);
      expect(loadPrivateKey(pem, 'secret').equals(reference())).toBe(true);
      expectCode(() => loadPrivateKey(pem, 'wrong'), 'key/unavailable');
      expectCode(() => loadPrivateKey(pem), 'key/unavailable');
    });
  }
  it('reads DER: PKCS#8, PKCS#1, SEC 1 and encrypted PKCS#8', () => {
    const rsa = reference();
    expect(loadPrivateKey(rsa.export({ format: 'der', type: 'pkcs8' })).equals(rsa)).toBe(true);
    expect(loadPrivateKey(rsa.export({ format: 'der', type: 'pkcs1' })).equals(rsa)).toBe(true);
    const ec = createPrivateKey(readFileSync(`${SMIME_CERTS}/smec1.pem`));
    expect(loadPrivateKey(ec.export({ format: 'der', type: 'sec1' })).equals(ec)).toBe(true);
    const der = openssl(['pkcs8', '-topk8', '-v2', 'aes-128-cbc', '-outform', 'DER', '-in', `${SMIME_CERTS}/smrsa1.pem`, '-passout', 'pass:pw']);
    expect(loadPrivateKey(der, 'pw').equals(rsa)).toBe(true);
  });
  it('rejects garbage with a typed error', () => {
    expectCode(() => loadPrivateKey(randomBytes(300)), 'key/unavailable');
    expectCode(() => loadPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'key/unavailable');
  });
});

describe('software key operator', () => {
  const rsaPem = (): Buffer => readFileSync(`${SMIME_CERTS}/smrsa1.pem`);
  const operator = (): SoftwareKeyOperator => {
    const [op] = loadSoftwareKeyOperators({ keyPem: rsaPem() });
    if (!op) throw new Error('no operator');
    return op;
  };

  it('refuses a key that does not match the certificate', () => {
    expectCode(
      () => loadSoftwareKeyOperators({ keyPem: readFileSync(`${SMIME_CERTS}/smrsa2.pem`, 'utf8').replace(/-----BEGIN CERTIFICATE-----[\s\S]*/, ''), certPem: rsaPem() }),
      'key/unavailable',
    );
  });

  it('is not made from a key and a certificate of another key, RSA or EC', () => {
    const certificate = new Uint8Array(new X509Certificate(rsaPem()).raw);
    const otherRsa = loadPrivateKey(readFileSync(`${SMIME_CERTS}/smrsa2.pem`));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const key of [otherRsa, ec]) expectCode(() => new SoftwareKeyOperator(key, certificate), 'key/unavailable');
    expect(new SoftwareKeyOperator(loadPrivateKey(rsaPem()), certificate).certificate).toBe(certificate);
  });

  it('loads a PKCS#12 identity', () => {
    const ops = loadSoftwareKeyOperators({ p12: readFileSync(P12_FILES.find((f) => f.endsWith('smime/Alice.p12'))!), password: 'nss' });
    expect(ops).toHaveLength(1);
  });

  it('unwraps RSA PKCS#1 v1.5 made by openssl pkeyutl', async () => {
    const op = operator();
    for (let i = 0; i < 5; i++) {
      const cek = randomBytes(16 + 8 * i);
      const wrapped = openssl(['pkeyutl', '-encrypt', '-certin', '-inkey', `${SMIME_CERTS}/smrsa1.pem`, '-pkeyopt', 'rsa_padding_mode:pkcs1'], cek);
      expect(Buffer.from(await op.decryptKey(wrapped, { name: 'RSAES-PKCS1-v1_5' })).equals(cek)).toBe(true);
    }
  });

  it('answers a tampered v1.5 ciphertext with a deterministic synthetic key, not an error', async () => {
    const op = operator();
    const cek = randomBytes(32);
    const wrapped = openssl(['pkeyutl', '-encrypt', '-certin', '-inkey', `${SMIME_CERTS}/smrsa1.pem`, '-pkeyopt', 'rsa_padding_mode:pkcs1'], cek);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const tampered = Buffer.from(wrapped);
      tampered[10 + i]! ^= 0x40;
      const first = await op.decryptKey(tampered, { name: 'RSAES-PKCS1-v1_5' });
      const again = await op.decryptKey(tampered, { name: 'RSAES-PKCS1-v1_5' });
      expect(Buffer.from(first).equals(Buffer.from(again))).toBe(true);
      expect(Buffer.from(first).equals(cek)).toBe(false);
      seen.add(Buffer.from(first).toString('hex'));
    }
    expect(seen.size).toBe(20);
    // A ciphertext at or above the modulus is answered the same way.
    const huge = Buffer.alloc(wrapped.length, 0xff);
    expect((await op.decryptKey(huge, { name: 'RSAES-PKCS1-v1_5' })).length).toBeLessThanOrEqual(wrapped.length - 11);
  });

  it('the synthetic key is the one draft-irtf-cfrg-rsa-guidance defines (plain reference computation)', async () => {
    const op = operator();
    const key = createPrivateKey(rsaPem());
    const k = 256;
    const d = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
    const keyHash = createHash('sha256').update(Buffer.concat([Buffer.alloc(k - d.length), d])).digest();
    const prf = (kdk: Buffer, label: string, bits: number): Buffer => {
      const blocks: Buffer[] = [];
      for (let i = 0; Buffer.concat(blocks).length < bits / 8; i++) {
        blocks.push(createHmac('sha256', kdk).update(Buffer.from([i >> 8, i & 0xff])).update(label).update(Buffer.from([bits >> 8, bits & 0xff])).digest());
      }
      return Buffer.concat(blocks).subarray(0, bits / 8);
    };
    for (let n = 0; n < 10; n++) {
      const ciphertext = openssl(['pkeyutl', '-encrypt', '-certin', '-inkey', `${SMIME_CERTS}/smrsa1.pem`, '-pkeyopt', 'rsa_padding_mode:pkcs1'], randomBytes(32));
      ciphertext[40]! ^= 0x08;
      const kdk = createHmac('sha256', keyHash).update(ciphertext).digest();
      const lengths = prf(kdk, 'length', 2048);
      const maxSepOffset = k - 10;
      const mask = (1 << maxSepOffset.toString(2).length) - 1;
      let length = 0;
      for (let i = 0; i < lengths.length; i += 2) {
        const candidate = ((lengths[i]! << 8) | lengths[i + 1]!) & mask;
        if (candidate < maxSepOffset) length = candidate;
      }
      const expected = prf(kdk, 'message', k * 8).subarray(k - length);
      expect(Buffer.from(await op.decryptKey(ciphertext, { name: 'RSAES-PKCS1-v1_5' })).toString('hex')).toBe(expected.toString('hex'));
    }
  });

  for (const hash of ['SHA-1', 'SHA-256'] as const) {
    for (const label of [undefined, 'cachet label']) {
      it(`unwraps RSA-OAEP ${hash} ${label ? 'with' : 'without'} a label`, async () => {
        const op = operator();
        const cek = randomBytes(32);
        const args = ['pkeyutl', '-encrypt', '-certin', '-inkey', `${SMIME_CERTS}/smrsa1.pem`, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${hash.replace('-', '').toLowerCase()}`];
        if (label) args.push('-pkeyopt', `rsa_oaep_label:${Buffer.from(label).toString('hex')}`);
        const wrapped = openssl(args, cek);
        const scheme = label ? { name: 'RSA-OAEP' as const, hash, label: new TextEncoder().encode(label) } : { name: 'RSA-OAEP' as const, hash };
        expect(Buffer.from(await op.decryptKey(wrapped, scheme)).equals(cek)).toBe(true);
        await expect(op.decryptKey(wrapped, { name: 'RSA-OAEP', hash, label: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'key/operation-failed' });
      });
    }
  }

  const curves: [NamedCurve, string][] = [['P-256', 'prime256v1'], ['P-384', 'secp384r1'], ['P-521', 'secp521r1']];
  for (const [curve, nodeName] of curves) {
    it(`ECDH on ${curve} matches node's own`, async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: nodeName });
      const certDir = join(dir, `ec-${curve}`);
      execFileSync('mkdir', ['-p', certDir]);
      writeFileSync(join(certDir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
      openssl(['req', '-new', '-x509', '-key', join(certDir, 'key.pem'), '-subj', '/CN=ecdh test', '-days', '2', '-out', join(certDir, 'cert.pem')]);
      const [op] = loadSoftwareKeyOperators({ keyPem: readFileSync(join(certDir, 'key.pem')), certPem: readFileSync(join(certDir, 'cert.pem')) });
      const ephemeral = createECDH(nodeName);
      ephemeral.generateKeys();
      const point = ephemeral.getPublicKey();
      const half = (point.length - 1) / 2;
      const ephemeralPublic = createPublicKey({
        key: { kty: 'EC', crv: curve, x: point.subarray(1, 1 + half).toString('base64url'), y: point.subarray(1 + half).toString('base64url') },
        format: 'jwk',
      });
      const z = await op!.deriveSharedSecret(point, curve);
      expect(Buffer.from(z).equals(diffieHellman({ privateKey, publicKey: ephemeralPublic }))).toBe(true);
      const jwk = publicKey.export({ format: 'jwk' });
      const recipientPoint = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      expect(Buffer.from(z).equals(ephemeral.computeSecret(recipientPoint))).toBe(true);
      const wrongCurve: NamedCurve = curve === 'P-256' ? 'P-384' : 'P-256';
      await expect(op!.deriveSharedSecret(ephemeral.getPublicKey(), wrongCurve)).rejects.toMatchObject({ code: 'key/operation-failed' });
      const offCurve = Buffer.from(ephemeral.getPublicKey());
      offCurve[offCurve.length - 1]! ^= 1;
      await expect(op!.deriveSharedSecret(offCurve, curve)).rejects.toMatchObject({ code: 'key/operation-failed' });
    });
  }
});
