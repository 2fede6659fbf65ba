/**
 * The Cachet key store through the native host: the Thunderbird corpus identities are
 * imported with `cachet key import`, then the host runs as a child process and is spoken
 * to over its real framing, with the store passphrase typed into its PIN prompts. Results
 * are checked with OpenSSL and Node's crypto.
 */
import { execFileSync } from 'node:child_process';
import { constants, createECDH, createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityDescription } from '../../src/protocol/native';
import { runCachet } from '../support/run-cachet';
import { HostProcess } from './helpers/host-process';
import { CORPUS, corpusKey, writeHostConfig, type KeyMaterial } from './helpers/token-fixtures';

const PASSPHRASE = 'correct horse battery staple';
const NO_COUNTER = { countLow: false, finalTry: false, locked: false };

let dir: string;
let keyStore: string;
let passphraseFile: string;
let alice: KeyMaterial;
let aliceEc: KeyMaterial;
let host: HostProcess;
const extraHosts: HostProcess[] = [];

async function importCorpus(name: string, store = keyStore): Promise<void> {
  const result = await runCachet(['key', 'import', '--p12', path.join(CORPUS, `${name}.p12`), '--pass', 'nss', '--store-passphrase-file', passphraseFile, '--store', store]);
  expect(result, result.err).toMatchObject({ code: 0 });
}

async function startHost(store: string, config: Record<string, unknown>): Promise<HostProcess> {
  const configDir = mkdtempSync(path.join(dir, 'host-'));
  const started = new HostProcess({ CACHET_HOST_CONFIG: writeHostConfig(configDir, { keyStoreDir: store, ...config }), HOME: configDir });
  await started.hello();
  return started;
}

async function identityOf(on: HostProcess, key: KeyMaterial): Promise<IdentityDescription> {
  const { identities } = await on.request('identities/list', {});
  const found = identities.find((i) => Buffer.from(i.certificate, 'base64').equals(key.certificate));
  if (!found) throw new Error(`no identity for ${key.name}`);
  return found;
}

function prompts(on: HostProcess): number {
  return on.events.filter((e) => e.event === 'pin/needed').length;
}

function signRequest(identity: IdentityDescription, digest: Buffer = randomBytes(32)): { identity: string; digest: string; scheme: { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' } } {
  return { identity: identity.id, digest: digest.toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
}

function opensslEncrypt(cert: Buffer, data: Buffer, options: readonly string[]): Buffer {
  const pubFile = path.join(dir, `pub-${randomBytes(4).toString('hex')}.pem`);
  writeFileSync(pubFile, new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'pem' }));
  return execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', pubFile, ...options.flatMap((o) => ['-pkeyopt', o])], { input: data });
}

function opensslVerifies(cert: Buffer, data: Buffer, signature: Buffer, digest: string): boolean {
  const base = path.join(dir, `verify-${randomBytes(4).toString('hex')}`);
  writeFileSync(`${base}.sig`, signature);
  writeFileSync(`${base}.data`, data);
  writeFileSync(`${base}.pem`, new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'pem' }));
  const out = execFileSync('openssl', ['dgst', `-${digest}`, '-verify', `${base}.pem`, '-signature', `${base}.sig`, `${base}.data`]).toString();
  return out.includes('Verified OK');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-keystore-host-'));
  keyStore = path.join(dir, 'keys');
  passphraseFile = path.join(dir, 'passphrase.txt');
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
  alice = corpusKey('Alice', dir);
  aliceEc = corpusKey('Alice-ec', dir);
  await importCorpus('Alice');
  await importCorpus('Alice-ec');
  host = await startHost(keyStore, { pinCacheSeconds: 600, pollSeconds: 0.2 });
});

afterEach(async () => {
  await Promise.all(extraHosts.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Cachet key store in the native host', () => {
  it('reports the store in hello', async () => {
    const { stores } = await host.hello();
    expect(stores).toContainEqual({ kind: 'pkcs12', label: 'Cachet key store', available: true, detail: `${keyStore}: 2 identities` });
  });

  it('lists the imported identities as software keys without asking for the passphrase', async () => {
    const before = prompts(host);
    const rsa = await identityOf(host, alice);
    const ec = await identityOf(host, aliceEc);
    expect(rsa).toMatchObject({
      hardware: false, keyType: 'RSA', store: { kind: 'pkcs12', label: 'Cachet key store', module: keyStore },
      token: { label: 'Cachet key store', loginRequired: true, protectedAuthPath: false, pin: NO_COUNTER },
    });
    expect(rsa.usages).toEqual(expect.arrayContaining(['sign', 'decrypt']));
    expect(ec).toMatchObject({ hardware: false, keyType: 'EC', curve: 'P-384', store: { kind: 'pkcs12' } });
    expect(ec.usages).toEqual(expect.arrayContaining(['sign', 'derive']));
    expect(prompts(host)).toBe(before);
  });

  it('asks for the store passphrase on the PIN page, says incorrect to a wrong one, then signs (verified by OpenSSL)', async () => {
    const identity = await identityOf(host, alice);
    expect(identity.token.loggedIn).toBe(false);
    const data = randomBytes(100);
    const from = host.events.length;
    const signing = host.call('key/sign', signRequest(identity, createHash('sha256').update(data).digest()));
    const prompt = await host.event('pin/needed', from);
    expect(prompt.token).toEqual({ label: 'Cachet key store', serial: identity.token.serial });
    expect(prompt.pin).toEqual(NO_COUNTER);
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: 'not the passphrase' })).toEqual({ result: 'incorrect', pin: NO_COUNTER });
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: PASSPHRASE })).toEqual({ result: 'accepted', pin: NO_COUNTER });
    const reply = await signing;
    if (!reply.ok) throw new Error(reply.error.message);
    const { signature } = reply.res as { signature: string };
    expect(opensslVerifies(alice.certificate, data, Buffer.from(signature, 'base64'), 'sha256')).toBe(true);
    expect((await identityOf(host, alice)).token.loggedIn).toBe(true);
    // Neither the passphrase nor a wrong guess reaches the host's log.
    expect(host.stderr).not.toContain(PASSPHRASE);
    expect(host.stderr).not.toContain('not the passphrase');
  });

  it('signs with ECDSA P-384 on the login it holds (verified by OpenSSL)', async () => {
    const before = prompts(host);
    const data = randomBytes(64);
    const { signature } = await host.request('key/sign', {
      identity: (await identityOf(host, aliceEc)).id, digest: createHash('sha384').update(data).digest('base64'), scheme: { name: 'ECDSA', hash: 'SHA-384' },
    });
    expect(opensslVerifies(aliceEc.certificate, data, Buffer.from(signature, 'base64'), 'sha384')).toBe(true);
    expect(prompts(host)).toBe(before);
  });

  it('signs with RSA-PSS', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const data = randomBytes(64);
    const { signature } = await host.request('key/sign', {
      identity: (await identityOf(host, alice)).id, digest: createHash('sha256').update(data).digest('base64'), scheme: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
    });
    const key = { key: new X509Certificate(alice.certificate).publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', data, key, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('unwraps an RSAES-PKCS1-v1_5 key made by openssl pkeyutl', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const cek = randomBytes(32);
    const wrapped = opensslEncrypt(alice.certificate, cek, ['rsa_padding_mode:pkcs1']);
    const res = await host.request('key/decrypt', { identity: (await identityOf(host, alice)).id, wrappedKey: wrapped.toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' } });
    expect(Buffer.from(res.key, 'base64')).toEqual(cek);
  });

  const oaepCases = [
    ['SHA-1', 'sha1', undefined, undefined], ['SHA-256', 'sha256', undefined, undefined], ['SHA-256', 'sha256', 'cafe01', undefined],
    ['SHA-512', 'sha512', undefined, undefined], ['SHA-256', 'sha256', undefined, 'SHA-1'],
  ] as const;
  for (const [hash, md, label, mgf1Hash] of oaepCases) {
    it(`unwraps an RSA-OAEP ${hash}${label ? ' labelled' : ''}${mgf1Hash ? ` (MGF1 ${mgf1Hash})` : ''} key made by openssl pkeyutl`, async () => {
      host.answerPinPrompts(PASSPHRASE);
      const cek = randomBytes(16);
      const options = ['rsa_padding_mode:oaep', `rsa_oaep_md:${md}`, `rsa_mgf1_md:${mgf1Hash === 'SHA-1' ? 'sha1' : md}`, ...(label ? [`rsa_oaep_label:${label}`] : [])];
      const wrapped = opensslEncrypt(alice.certificate, cek, options);
      const scheme = {
        name: 'RSA-OAEP' as const, hash, ...(label ? { label: Buffer.from(label, 'hex').toString('base64') } : {}), ...(mgf1Hash ? { mgf1Hash } : {}),
      };
      const res = await host.request('key/decrypt', { identity: (await identityOf(host, alice)).id, wrappedKey: wrapped.toString('base64'), scheme });
      expect(Buffer.from(res.key, 'base64')).toEqual(cek);
    });
  }

  it('answers a v1.5 ciphertext with bad padding with a stable synthetic key, not an error (implicit rejection)', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const identity = await identityOf(host, alice);
    const modulus = new X509Certificate(alice.certificate).publicKey.export({ format: 'jwk' }).n ?? '';
    // Raw RSA of random bytes below the modulus: its "plaintext" is not v1.5 padded.
    const garbage = Buffer.concat([Buffer.from([0]), randomBytes(Buffer.from(modulus, 'base64url').length - 1)]);
    const request = { identity: identity.id, wrappedKey: garbage.toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' as const } };
    const first = await host.request('key/decrypt', request);
    const second = await host.request('key/decrypt', request);
    expect(first).toEqual(second);
    const other = Buffer.from(garbage);
    other[other.length - 1] = (other[other.length - 1] ?? 0) ^ 1;
    expect(await host.request('key/decrypt', { ...request, wrappedKey: other.toString('base64') })).not.toEqual(first);
  });

  it('gives one error for any OAEP failure', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const wrapped = opensslEncrypt(alice.certificate, randomBytes(16), ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256', 'rsa_mgf1_md:sha256', 'rsa_oaep_label:01']);
    const reply = await host.call('key/decrypt', { identity: (await identityOf(host, alice)).id, wrappedKey: wrapped.toString('base64'), scheme: { name: 'RSA-OAEP', hash: 'SHA-256', label: Buffer.from('02', 'hex').toString('base64') } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'key/operation-failed' } });
  });

  it('derives the ECDH P-384 shared secret Node computes', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const ephemeral = createECDH('secp384r1');
    const point = ephemeral.generateKeys();
    const jwk = new X509Certificate(aliceEc.certificate).publicKey.export({ format: 'jwk' });
    const expected = ephemeral.computeSecret(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]));
    const res = await host.request('key/derive', { identity: (await identityOf(host, aliceEc)).id, publicPoint: point.toString('base64'), curve: 'P-384' });
    expect(Buffer.from(res.secret, 'base64')).toEqual(expected);
  });

  it('refuses requests that do not fit the key with the codes a token gives', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const rsa = await identityOf(host, alice);
    const ec = await identityOf(host, aliceEc);
    const offCurve = Buffer.concat([Buffer.from([4]), randomBytes(96)]).toString('base64');
    expect(await host.call('key/derive', { identity: ec.id, publicPoint: offCurve, curve: 'P-384' })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('key/sign', { ...signRequest(rsa), digest: randomBytes(20).toString('base64') })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('key/decrypt', { identity: rsa.id, wrappedKey: randomBytes(100).toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' } })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    // The EC certificate allows no key transport: refused before any login.
    expect(await host.call('key/decrypt', { identity: ec.id, wrappedKey: randomBytes(256).toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' } })).toMatchObject({ ok: false, error: { code: 'key/unavailable' } });
  });

  it('asks for the passphrase again after session/logout', async () => {
    host.answerPinPrompts(PASSPHRASE);
    const identity = await identityOf(host, alice);
    await host.request('key/sign', signRequest(identity));
    expect(await host.request('session/logout', {})).toEqual({ tokens: 1 });
    expect((await identityOf(host, alice)).token.loggedIn).toBe(false);
    const before = prompts(host);
    await host.request('key/sign', signRequest(identity));
    expect(prompts(host)).toBe(before + 1);
  });

  it('fails the waiting operation with pin/cancelled when the page cancels', async () => {
    await host.request('session/logout', {});
    host.onEvent = undefined;
    const from = host.events.length;
    const signing = host.call('key/sign', signRequest(await identityOf(host, alice)));
    const prompt = await host.event('pin/needed', from);
    expect(await host.request('pin/cancel', { promptId: prompt.promptId })).toEqual({});
    expect(await signing).toMatchObject({ ok: false, error: { code: 'pin/cancelled', pin: NO_COUNTER } });
  });

  it('tells the extension when an identity is imported or deleted while it runs', async () => {
    const bob = corpusKey('Bob', dir);
    let from = host.events.length;
    await importCorpus('Bob');
    expect(await host.event('identities/changed', from)).toEqual({ reason: 'token-inserted' });
    await identityOf(host, bob);
    from = host.events.length;
    const fingerprint = createHash('sha256').update(bob.certificate).digest('hex');
    expect(await runCachet(['key', 'delete', fingerprint, '--store', keyStore])).toMatchObject({ code: 0 });
    expect(await host.event('identities/changed', from)).toEqual({ reason: 'token-removed' });
    await expect(identityOf(host, bob)).rejects.toThrow('no identity');
  });
});

describe('the login cache and damaged files', () => {
  it('drops the decrypted keys when the login cache expires', async () => {
    const short = await startHost(keyStore, { pinCacheSeconds: 1 });
    extraHosts.push(short);
    short.answerPinPrompts(PASSPHRASE);
    const identity = await identityOf(short, alice);
    await short.request('key/sign', signRequest(identity));
    await short.request('key/sign', signRequest(identity));
    expect(prompts(short)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await identityOf(short, alice)).token.loggedIn).toBe(false);
    await short.request('key/sign', signRequest(identity));
    expect(prompts(short)).toBe(2);
  });

  it('refuses an altered key file with key/unavailable and keeps serving', async () => {
    const copy = path.join(dir, 'altered');
    cpSync(keyStore, copy, { recursive: true });
    const rsaFile = path.join(copy, `${createHash('sha256').update(alice.certificate).digest('hex')}.json`);
    const ecFile = path.join(copy, `${createHash('sha256').update(aliceEc.certificate).digest('hex')}.json`);
    const rsaJson = JSON.parse(readFileSync(rsaFile, 'utf8')) as { sealedKey: string };
    const sealed = Buffer.from(rsaJson.sealedKey, 'base64');
    sealed[10] = (sealed[10] ?? 0) ^ 0x40;
    writeFileSync(rsaFile, JSON.stringify({ ...rsaJson, sealedKey: sealed.toString('base64') }));
    // Authenticated metadata: a certificate slipped into the chain breaks the tag too.
    const ecJson = JSON.parse(readFileSync(ecFile, 'utf8')) as { chain: string[] };
    writeFileSync(ecFile, JSON.stringify({ ...ecJson, chain: [...ecJson.chain, alice.certificate.toString('base64')] }));
    // And a file that is not a key file at all, under a key file's name.
    writeFileSync(path.join(copy, `${'ab'.repeat(32)}.json`), '{"format": "cachet-key-store", "version": 1, "certificate": 5');

    const damaged = await startHost(copy, { pinCacheSeconds: 600 });
    extraHosts.push(damaged);
    damaged.answerPinPrompts(PASSPHRASE);
    const { identities } = await damaged.request('identities/list', {});
    expect(identities).toHaveLength(2);
    expect(damaged.stderr).toContain('not a usable key store file');
    const rsa = await damaged.call('key/sign', signRequest(await identityOf(damaged, alice)));
    expect(rsa).toMatchObject({ ok: false, error: { code: 'key/unavailable', message: expect.stringContaining('altered') as unknown } });
    const ec = await damaged.call('key/sign', { identity: (await identityOf(damaged, aliceEc)).id, digest: randomBytes(48).toString('base64'), scheme: { name: 'ECDSA', hash: 'SHA-384' } });
    expect(ec).toMatchObject({ ok: false, error: { code: 'key/unavailable' } });
    expect((await damaged.hello()).protocol).toBe(2);
    expect(damaged.stderr).not.toContain('internal error');
  });
});
