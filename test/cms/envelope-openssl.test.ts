/**
 * EnvelopedData and AuthEnvelopedData interoperability with `openssl cms`, both ways,
 * looping over key transport / key agreement × content cipher (issue 3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { encryptContent, type ContentCipherChoice } from '../../src/cms/encrypt';
import type { HashName, NamedCurve } from '../../src/cms/key-operator';
import type { KeyTransportChoice } from '../../src/cms/recipient-info-ktri';
import { crypto, identityFromPem, makeIdentity, openssl, SMIME_CERTS, text, utf8, type Identity } from './envelope-helpers';

const CIPHERS: readonly ContentCipherChoice[] = ['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];
const LABEL = utf8('cachet-label');

const KEY_TRANSPORTS: Record<string, KeyTransportChoice> = {
  'RSAES-PKCS1-v1_5': { name: 'RSAES-PKCS1-v1_5' },
  'OAEP SHA-1': { name: 'RSA-OAEP', hash: 'SHA-1' },
  'OAEP SHA-1 label': { name: 'RSA-OAEP', hash: 'SHA-1', label: LABEL },
  'OAEP SHA-256': { name: 'RSA-OAEP', hash: 'SHA-256' },
  'OAEP SHA-256 label': { name: 'RSA-OAEP', hash: 'SHA-256', label: LABEL },
};

const CURVES: Record<NamedCurve, string> = { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521' };
const KDFS: readonly HashName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

const MESSAGE = utf8('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße von Cachet, ünïcödé and a long line ' + 'x'.repeat(3000) + '\r\n');

let dir: string;
let rsa: Identity;
const ec = new Map<NamedCurve, Identity>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-env-'));
  rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
  ec.set('P-256', identityFromPem('p256', `${SMIME_CERTS}/smec1.pem`));
  ec.set('P-384', makeIdentity(dir, 'p384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']));
  ec.set('P-521', makeIdentity(dir, 'p521', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521']));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslDecrypt(der: Uint8Array, who: Identity): Buffer {
  const path = join(dir, 'in.der');
  writeFileSync(path, der);
  return openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', path, '-inkey', who.keyPath, '-recip', who.certPath]);
}

function opensslEncrypt(who: Identity, args: readonly string[]): Uint8Array {
  const path = join(dir, 'msg.txt');
  writeFileSync(path, MESSAGE);
  // -keyopt applies to the -recip before it; -keyid and the cipher are global.
  const global = args.filter((a) => a === '-keyid' || (a.startsWith('-') && a !== '-keyopt' && !args[args.indexOf(a) - 1]?.startsWith('-keyopt')));
  const keyopts = args.filter((a) => !global.includes(a));
  return openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', path, ...global, '-recip', who.certPath, ...keyopts]);
}

describe('Cachet encrypts, openssl cms -decrypt reads', () => {
  for (const [name, keyTransport] of Object.entries(KEY_TRANSPORTS)) {
    for (const cipher of CIPHERS) {
      it(`RSA ${name} ${cipher}`, async () => {
        const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher, keyTransport });
        expect(Buffer.from(opensslDecrypt(der, rsa)).equals(MESSAGE)).toBe(true);
      });
    }
  }
  for (const curve of Object.keys(CURVES) as NamedCurve[]) {
    for (const kdfHash of KDFS) {
      for (const cipher of CIPHERS) {
        it(`ECDH ${curve} ${kdfHash} KDF ${cipher}`, async () => {
          const who = ec.get(curve)!;
          const der = await encryptContent(crypto, MESSAGE, { recipients: [who.certificate], cipher, kdfHash });
          expect(Buffer.from(opensslDecrypt(der, who)).equals(MESSAGE)).toBe(true);
        });
      }
    }
  }
  it('several recipients and the sender, each can decrypt (B14)', async () => {
    const der = await encryptContent(crypto, MESSAGE, {
      recipients: [ec.get('P-384')!.certificate, rsa.certificate],
      sender: ec.get('P-256')!.certificate,
    });
    for (const who of [rsa, ...ec.values()].filter((w) => w.name !== 'p521')) {
      expect(Buffer.from(opensslDecrypt(der, who)).equals(MESSAGE)).toBe(true);
    }
    expect(() => opensslDecrypt(der, ec.get('P-521')!)).toThrow();
  });
  it('subjectKeyIdentifier recipient identifiers (RSA and EC)', async () => {
    for (const cipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
      const der = await encryptContent(crypto, MESSAGE, {
        recipients: [rsa.certificate, ec.get('P-256')!.certificate],
        cipher,
        preferSubjectKeyIdentifier: true,
      });
      const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString();
      expect(printed).toContain('subjectKeyIdentifier');
      expect(Buffer.from(opensslDecrypt(der, rsa)).equals(MESSAGE)).toBe(true);
      expect(Buffer.from(opensslDecrypt(der, ec.get('P-256')!)).equals(MESSAGE)).toBe(true);
    }
  });
  it('writes the content as one primitive OCTET STRING and no entityUInfo', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [ec.get('P-256')!.certificate], cipher: 'aes-256-cbc' });
    const dump = openssl(['asn1parse', '-inform', 'DER', '-i'], der).toString();
    expect(dump).toMatch(/prim: +cont \[ 0 \]/);
    expect(dump).not.toMatch(/cons: +cont \[ 0 \]\s*\n.*OCTET STRING/);
    expect(dump).toContain('id-aes256-wrap');
  });
});

describe('openssl cms -encrypt writes, Cachet decrypts', () => {
  const rsaOptions: Record<string, string[]> = {
    'RSAES-PKCS1-v1_5': [],
    'OAEP SHA-1': ['-keyopt', 'rsa_padding_mode:oaep'],
    'OAEP SHA-256': ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'],
    'OAEP SHA-256, MGF1 SHA-1': ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha1'],
    'OAEP SHA-256 label': ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_oaep_label:0011223344'],
    'OAEP SHA-1 label': ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_label:cafe'],
    'subjectKeyIdentifier': ['-keyid'],
  };
  const opensslCiphers = ['-aes-128-cbc', '-aes-256-cbc', '-aes-192-cbc', '-des3', '-aes-128-gcm', '-aes-256-gcm'];
  for (const [name, args] of Object.entries(rsaOptions)) {
    for (const cipher of opensslCiphers) {
      it(`RSA ${name} ${cipher}`, async () => {
        const der = opensslEncrypt(rsa, [cipher, ...args]);
        const result = await decryptEnvelope(crypto, der, [rsa.operator]);
        expect(Buffer.from(result.content).equals(MESSAGE)).toBe(true);
        expect(result.authenticated).toBe(cipher.endsWith('gcm'));
      });
    }
  }
  for (const curve of Object.keys(CURVES) as NamedCurve[]) {
    for (const kdf of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
      for (const cipher of ['-aes-128-cbc', '-aes-256-cbc', '-des3', '-aes-256-gcm']) {
        it(`ECDH ${curve} ${kdf} KDF ${cipher}`, async () => {
          const who = ec.get(curve)!;
          const der = opensslEncrypt(who, [cipher, '-keyopt', `ecdh_kdf_md:${kdf}`]);
          if (kdf === 'sha224') {
            // SHA-224 is not a WebCrypto digest; such messages are reported as unsupported.
            await expect(decryptEnvelope(crypto, der, [who.operator])).rejects.toMatchObject({ code: 'cms/unsupported' });
            return;
          }
          const result = await decryptEnvelope(crypto, der, [who.operator]);
          expect(text(result.content)).toBe(text(MESSAGE));
        });
      }
    }
  }
  it('a message for someone else is cms/no-recipient', async () => {
    const der = opensslEncrypt(rsa, ['-aes-256-cbc']);
    await expect(decryptEnvelope(crypto, der, [ec.get('P-256')!.operator])).rejects.toMatchObject({ code: 'cms/no-recipient' });
  });
});
