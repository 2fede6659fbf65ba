/**
 * The native host against real key stores: a SoftHSM2 token and an NSS database holding
 * the Thunderbird corpus identities. The host runs as a child process and is spoken to
 * over its real framing; results are checked with OpenSSL and Node's crypto.
 */
import { createECDH, createHash, createPublicKey, randomBytes, verify, X509Certificate, constants } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityDescription } from '../../src/protocol/native';
import { HostProcess } from './helpers/host-process';
import { corpusKey, createNssDatabase, createToken, SOFTHSM_MODULE, USER_PIN, writeHostConfig, type KeyMaterial } from './helpers/token-fixtures';

let dir: string;
let host: HostProcess;
let keys: Record<'alice' | 'aliceEc' | 'bob', KeyMaterial>;
let identities: readonly IdentityDescription[];

function find(kind: 'pkcs11' | 'nss', cert: Buffer): IdentityDescription {
  const found = identities.find((i) => i.store.kind === kind && Buffer.from(i.certificate, 'base64').equals(cert));
  if (!found) throw new Error(`no ${kind} identity for that certificate`);
  return found;
}

/** Runs a key request; the PIN page stand-in answers any PIN prompt it causes. */
function withPin<T>(run: () => Promise<T>): Promise<T> {
  return run();
}

function opensslEncrypt(cert: Buffer, data: Buffer, options: readonly string[]): Buffer {
  const certFile = path.join(dir, `enc-${randomBytes(4).toString('hex')}.der`);
  writeFileSync(certFile, cert);
  const pub = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', certFile, '-pubkey', '-noout']);
  const pubFile = `${certFile}.pub.pem`;
  writeFileSync(pubFile, pub);
  return execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', pubFile, ...options.flatMap((o) => ['-pkeyopt', o])], { input: data });
}

function publicPoint(cert: Buffer): Buffer {
  const jwk = new X509Certificate(cert).publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-native-'));
  keys = { alice: corpusKey('Alice', dir), aliceEc: corpusKey('Alice-ec', dir), bob: corpusKey('Bob', dir) };
  const token = createToken(dir, 'cachet-test', [keys.alice, keys.aliceEc, keys.bob], { 'Alice-ec': ['--usage-sign', '--usage-derive'] });
  const nssdb = createNssDatabase(path.join(dir, 'nssdb'), ['Bob', 'Alice-ec']);
  const config = writeHostConfig(dir, { modules: [SOFTHSM_MODULE], nssDatabases: [nssdb], pinCacheSeconds: 600, pollSeconds: 0.2 });
  host = new HostProcess({ ...token.env, CACHET_HOST_CONFIG: config, HOME: dir });
  host.answerPinPrompts(USER_PIN);
  await host.hello();
  identities = (await host.request('identities/list', {})).identities;
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('native host with a SoftHSM2 token and an NSS database', () => {
  it('lists the identities of both stores with store, hardware flag, key type and usages', () => {
    const alice = find('pkcs11', keys.alice.certificate);
    expect(alice).toMatchObject({ hardware: true, keyType: 'RSA', store: { kind: 'pkcs11', label: 'cachet-test', module: SOFTHSM_MODULE } });
    expect(alice.usages).toEqual(expect.arrayContaining(['sign', 'decrypt']));
    expect(alice.token).toMatchObject({ label: 'cachet-test', loginRequired: true, protectedAuthPath: false });
    expect(find('pkcs11', keys.aliceEc.certificate)).toMatchObject({ keyType: 'EC', curve: 'P-384' });
    expect(find('pkcs11', keys.bob.certificate).keyType).toBe('RSA');
    expect(find('nss', keys.bob.certificate)).toMatchObject({ hardware: false, keyType: 'RSA', store: { kind: 'nss' } });
    expect(find('nss', keys.aliceEc.certificate)).toMatchObject({ hardware: false, keyType: 'EC', curve: 'P-384' });
    // The CA certificates in the NSS database have no private key and are not identities.
    expect(identities.filter((i) => i.store.kind === 'nss')).toHaveLength(2);
  });

  for (const kind of ['pkcs11', 'nss'] as const) {
    it(`${kind}: signs a SHA-256 digest with RSA PKCS#1 v1.5 (verified by OpenSSL)`, async () => {
      const data = randomBytes(100);
      const digest = createHash('sha256').update(data).digest();
      const key = kind === 'pkcs11' ? keys.alice : keys.bob;
      const { signature } = await withPin(() => host.request('key/sign', { identity: find(kind, key.certificate).id, digest: digest.toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }));
      const sigFile = path.join(dir, `sig-${kind}.bin`);
      const dataFile = path.join(dir, `data-${kind}.bin`);
      const pubFile = path.join(dir, `pub-${kind}.pem`);
      writeFileSync(sigFile, Buffer.from(signature, 'base64'));
      writeFileSync(dataFile, data);
      writeFileSync(pubFile, new X509Certificate(key.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
      const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', pubFile, '-signature', sigFile, dataFile]).toString();
      expect(out).toContain('Verified OK');
    });

    it(`${kind}: signs with RSA-PSS SHA-256`, async () => {
      const data = randomBytes(64);
      const digest = createHash('sha256').update(data).digest();
      const key = kind === 'pkcs11' ? keys.alice : keys.bob;
      const { signature } = await withPin(() => host.request('key/sign', { identity: find(kind, key.certificate).id, digest: digest.toString('base64'), scheme: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 } }));
      const ok = verify('sha256', data, { key: new X509Certificate(key.certificate).publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(signature, 'base64'));
      expect(ok).toBe(true);
    });

    it(`${kind}: signs a SHA-384 digest with ECDSA P-384 and returns DER`, async () => {
      const data = randomBytes(64);
      const digest = createHash('sha384').update(data).digest();
      const { signature } = await withPin(() => host.request('key/sign', { identity: find(kind, keys.aliceEc.certificate).id, digest: digest.toString('base64'), scheme: { name: 'ECDSA', hash: 'SHA-384' } }));
      const sig = Buffer.from(signature, 'base64');
      expect(sig[0]).toBe(0x30);
      expect(verify('sha384', data, { key: new X509Certificate(keys.aliceEc.certificate).publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
    });

    it(`${kind}: unwraps an RSAES-PKCS1-v1_5 key made by openssl pkeyutl`, async () => {
      const cek = randomBytes(32);
      const key = kind === 'pkcs11' ? keys.alice : keys.bob;
      const wrapped = opensslEncrypt(key.certificate, cek, ['rsa_padding_mode:pkcs1']);
      const res = await withPin(() => host.request('key/decrypt', { identity: find(kind, key.certificate).id, wrappedKey: wrapped.toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' } }));
      expect(Buffer.from(res.key, 'base64')).toEqual(cek);
    });

    const oaepCases = [
      ['SHA-1', 'sha1', undefined, undefined], ['SHA-1', 'sha1', '0123456789abcdef', undefined], ['SHA-256', 'sha256', undefined, undefined],
      ['SHA-256', 'sha256', 'cafe01', undefined], ['SHA-512', 'sha512', undefined, undefined], ['SHA-256', 'sha256', undefined, 'SHA-1'],
    ] as const;
    for (const [hash, md, label, mgf1Hash] of oaepCases) {
      it(`${kind}: unwraps an RSA-OAEP ${hash}${label ? ' labelled' : ''}${mgf1Hash ? ` (MGF1 ${mgf1Hash})` : ''} key made by openssl pkeyutl`, async () => {
        const cek = randomBytes(16);
        const key = kind === 'pkcs11' ? keys.alice : keys.bob;
        const mgfMd = mgf1Hash === 'SHA-1' ? 'sha1' : md;
        const options = ['rsa_padding_mode:oaep', `rsa_oaep_md:${md}`, `rsa_mgf1_md:${mgfMd}`, ...(label ? [`rsa_oaep_label:${label}`] : [])];
        const wrapped = opensslEncrypt(key.certificate, cek, options);
        const scheme = {
          name: 'RSA-OAEP' as const, hash,
          ...(label ? { label: Buffer.from(label, 'hex').toString('base64') } : {}),
          ...(mgf1Hash ? { mgf1Hash } : {}),
        };
        const res = await withPin(() => host.request('key/decrypt', { identity: find(kind, key.certificate).id, wrappedKey: wrapped.toString('base64'), scheme }));
        expect(Buffer.from(res.key, 'base64')).toEqual(cek);
      });
    }

    it(`${kind}: refuses OAEP with the wrong label without saying why`, async () => {
      const key = kind === 'pkcs11' ? keys.alice : keys.bob;
      const wrapped = opensslEncrypt(key.certificate, randomBytes(16), ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256', 'rsa_mgf1_md:sha256', 'rsa_oaep_label:01']);
      const reply = await host.call('key/decrypt', { identity: find(kind, key.certificate).id, wrappedKey: wrapped.toString('base64'), scheme: { name: 'RSA-OAEP', hash: 'SHA-256', label: Buffer.from('02', 'hex').toString('base64') } });
      expect(reply).toMatchObject({ ok: false, error: { code: 'key/operation-failed' } });
    });

    it(`${kind}: derives the ECDH P-384 shared secret Node computes`, async () => {
      const ephemeral = createECDH('secp384r1');
      const point = ephemeral.generateKeys();
      const expected = ephemeral.computeSecret(publicPoint(keys.aliceEc.certificate));
      const res = await withPin(() => host.request('key/derive', { identity: find(kind, keys.aliceEc.certificate).id, publicPoint: point.toString('base64'), curve: 'P-384' }));
      expect(Buffer.from(res.secret, 'base64')).toEqual(expected);
    });
  }

  it('refuses an ECDH point that is not on the curve', async () => {
    const bad = Buffer.concat([Buffer.from([4]), randomBytes(96)]);
    const reply = await host.call('key/derive', { identity: find('pkcs11', keys.aliceEc.certificate).id, publicPoint: bad.toString('base64'), curve: 'P-384' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
  });

  it('refuses a digest whose length does not fit the hash', async () => {
    const reply = await host.call('key/sign', { identity: find('pkcs11', keys.alice.certificate).id, digest: randomBytes(20).toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
  });

  it('answers an unknown identity with key/unavailable', async () => {
    const reply = await host.call('key/sign', { identity: 'f'.repeat(32), digest: randomBytes(32).toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'key/unavailable' } });
  });

  it('checks a signature made on the token against the certificate, not just its shape', async () => {
    const digest = createHash('sha256').update('other data').digest();
    const { signature } = await withPin(() => host.request('key/sign', { identity: find('pkcs11', keys.alice.certificate).id, digest: digest.toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }));
    const pub = createPublicKey(new X509Certificate(keys.bob.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(verify('sha256', Buffer.from('other data'), pub, Buffer.from(signature, 'base64'))).toBe(false);
    expect(verify('sha256', Buffer.from('other data'), new X509Certificate(keys.alice.certificate).publicKey, Buffer.from(signature, 'base64'))).toBe(true);
  });
});
