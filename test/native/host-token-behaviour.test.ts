/**
 * How the host deals with tokens: PIN entry through the extension (wrong PIN, cancel,
 * locked PIN with remaining-tries flags), token presence (B19: identities appear and
 * disappear with the token), and tokens without raw RSA. SoftHSM2 has no PIN retry
 * counter and offers raw RSA, so those cases load it through a small PKCS#11 module built
 * here that changes just that (fixtures/quirks-module.c).
 */
import { execFileSync } from 'node:child_process';
import { createHash, publicEncrypt, randomBytes, X509Certificate, constants } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityDescription } from '../../src/protocol/native';
import { HostProcess, ROOT } from './helpers/host-process';
import { corpusKey, createToken, deleteToken, SOFTHSM_MODULE, USER_PIN, writeHostConfig, type KeyMaterial, type SoftHsm } from './helpers/token-fixtures';

let dir: string;
let alice: KeyMaterial;
let bob: KeyMaterial;
let quirksModule: string;
const hosts: HostProcess[] = [];

function signRequest(identity: IdentityDescription): { identity: string; digest: string; scheme: { name: 'RSASSA-PKCS1-v1_5'; hash: 'SHA-256' } } {
  return { identity: identity.id, digest: createHash('sha256').update(randomBytes(8)).digest('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
}

async function startHost(name: string, keys: readonly KeyMaterial[], config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ host: HostProcess; token: SoftHsm }> {
  const tokenDir = path.join(dir, name);
  execFileSync('mkdir', ['-p', tokenDir]);
  for (const k of keys) corpusKey(k.name, tokenDir);
  const token = createToken(tokenDir, name, keys);
  const host = new HostProcess({ ...token.env, ...env, CACHET_HOST_CONFIG: writeHostConfig(tokenDir, config), HOME: tokenDir });
  hosts.push(host);
  await host.hello();
  return { host, token };
}

async function onlyIdentity(host: HostProcess): Promise<IdentityDescription> {
  const { identities } = await host.request('identities/list', {});
  expect(identities).toHaveLength(1);
  return identities[0] as IdentityDescription;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-pin-'));
  alice = corpusKey('Alice', dir);
  bob = corpusKey('Bob', dir);
  quirksModule = path.join(dir, 'quirks-module.so');
  execFileSync('gcc', ['-shared', '-fPIC', '-I/usr/include/p11-kit-1', '-o', quirksModule, path.join(ROOT, 'test/native/fixtures/quirks-module.c'), '-ldl']);
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('PIN entry through the extension', () => {
  it('keeps the prompt open after a wrong PIN, reports what SoftHSM2 flags, then accepts the right one', async () => {
    const { host } = await startHost('plain', [alice], { modules: [SOFTHSM_MODULE], pinCacheSeconds: 0 });
    const identity = await onlyIdentity(host);
    const from = host.events.length;
    const signing = host.call('key/sign', signRequest(identity));
    const prompt = await host.event('pin/needed', from);
    expect(prompt.token).toEqual({ label: 'plain', serial: identity.token.serial });
    expect(prompt.pin).toEqual({ countLow: false, finalTry: false, locked: false });
    const wrong = await host.request('pin/provide', { promptId: prompt.promptId, pin: '000000' });
    // SoftHSM2 counts nothing but does raise CKF_USER_PIN_COUNT_LOW after a wrong PIN.
    expect(wrong).toEqual({ result: 'incorrect', pin: { countLow: true, finalTry: false, locked: false } });
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: USER_PIN })).toMatchObject({ result: 'accepted' });
    expect(await signing).toMatchObject({ ok: true });
    expect(await host.event('pin/closed', from)).toEqual({ promptId: prompt.promptId });
    // The PIN never appears in the host's log.
    expect(host.stderr).not.toContain(USER_PIN);
  });

  it('fails the waiting operation with pin/cancelled when the page cancels', async () => {
    const { host } = await startHost('cancel', [alice], { modules: [SOFTHSM_MODULE] });
    const identity = await onlyIdentity(host);
    const signing = host.call('key/sign', signRequest(identity));
    const prompt = await host.event('pin/needed');
    expect(await host.request('pin/cancel', { promptId: prompt.promptId })).toEqual({});
    expect(await signing).toMatchObject({ ok: false, error: { code: 'pin/cancelled' } });
  });

  it('logs in once and reuses the login while the cache lasts; session/logout ends it', async () => {
    const { host } = await startHost('cache', [alice], { modules: [SOFTHSM_MODULE], pinCacheSeconds: 600 });
    host.answerPinPrompts(USER_PIN);
    const identity = await onlyIdentity(host);
    await host.request('key/sign', signRequest(identity));
    await host.request('key/sign', signRequest(identity));
    expect(host.events.filter((e) => e.event === 'pin/needed')).toHaveLength(1);
    expect((await onlyIdentity(host)).token.loggedIn).toBe(true);
    expect(await host.request('session/logout', {})).toEqual({ tokens: 1 });
    await host.request('key/sign', signRequest(identity));
    expect(host.events.filter((e) => e.event === 'pin/needed')).toHaveLength(2);
  });

  it('counts down the tries, locks the PIN, and then refuses at once with pin/locked', async () => {
    const { host } = await startHost('locking', [alice], { modules: [quirksModule], pinCacheSeconds: 0 }, { QUIRKS_TARGET: SOFTHSM_MODULE, QUIRKS_PIN_TRIES: '3' });
    const identity = await onlyIdentity(host);
    const from = host.events.length;
    const signing = host.call('key/sign', signRequest(identity));
    const prompt = await host.event('pin/needed', from);
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: '111111' })).toEqual({ result: 'incorrect', pin: { countLow: true, finalTry: false, locked: false } });
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: '222222' })).toEqual({ result: 'incorrect', pin: { countLow: true, finalTry: true, locked: false } });
    // The third wrong PIN uses up the last try: the prompt closes and the operation fails.
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: '333333' })).toEqual({ result: 'locked', pin: { countLow: false, finalTry: false, locked: true } });
    expect(await host.call('pin/provide', { promptId: prompt.promptId, pin: USER_PIN })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await signing).toMatchObject({ ok: false, error: { code: 'pin/locked', pin: { locked: true } } });
    expect((await onlyIdentity(host)).token.pin.locked).toBe(true);
    const again = await host.call('key/sign', signRequest(identity));
    expect(again).toMatchObject({ ok: false, error: { code: 'pin/locked' } });
  });

  it('refuses with pin/locked before prompting when the token already reports a locked PIN', async () => {
    const { host } = await startHost('locked', [alice], { modules: [quirksModule], pinCacheSeconds: 0 }, { QUIRKS_TARGET: SOFTHSM_MODULE, QUIRKS_PIN_TRIES: '1' });
    const identity = await onlyIdentity(host);
    const signing = host.call('key/sign', signRequest(identity));
    const prompt = await host.event('pin/needed');
    expect(await host.request('pin/provide', { promptId: prompt.promptId, pin: '999999' })).toMatchObject({ result: 'locked', pin: { locked: true } });
    expect(await signing).toMatchObject({ ok: false, error: { code: 'pin/locked' } });
    const promptsBefore = host.events.filter((e) => e.event === 'pin/needed').length;
    expect(await host.call('key/decrypt', { identity: identity.id, wrappedKey: Buffer.alloc(256, 1).toString('base64'), scheme: { name: 'RSAES-PKCS1-v1_5' } })).toMatchObject({ ok: false, error: { code: 'pin/locked' } });
    expect(host.events.filter((e) => e.event === 'pin/needed')).toHaveLength(promptsBefore);
  });
});

describe('token presence (B19)', () => {
  it('drops the identities of a removed token and tells the extension', async () => {
    const { host, token } = await startHost('removable', [alice], { modules: [SOFTHSM_MODULE], pollSeconds: 0.1, pinCacheSeconds: 600 });
    host.answerPinPrompts(USER_PIN);
    const identity = await onlyIdentity(host);
    await host.request('key/sign', signRequest(identity));
    const from = host.events.length;
    deleteToken(token);
    expect(await host.event('identities/changed', from)).toEqual({ reason: 'token-removed' });
    expect((await host.request('identities/list', {})).identities).toEqual([]);
    expect(await host.call('key/sign', signRequest(identity))).toMatchObject({ ok: false, error: { code: 'key/unavailable' } });
  });

  it('shows a token inserted while the host runs at the next listing, and asks for its PIN afresh', async () => {
    const { host, token } = await startHost('first', [alice], { modules: [SOFTHSM_MODULE], pollSeconds: 0.1, pinCacheSeconds: 600 });
    host.answerPinPrompts(USER_PIN);
    await host.request('key/sign', signRequest(await onlyIdentity(host)));
    const from = host.events.length;
    deleteToken(token);
    await host.event('identities/changed', from);
    const later = host.events.length;
    // A second token in the same SoftHSM2 store, as a card put into the reader.
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'second', '--so-pin', '12345678', '--pin', USER_PIN], { env: { ...process.env, ...token.env } });
    const bobDir = path.join(dir, 'first');
    corpusKey('Bob', bobDir);
    for (const [file, type] of [['Bob.key.der', 'privkey'], ['Bob.crt.der', 'cert']] as const) {
      execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', 'second', '--login', '--pin', USER_PIN, '--id', '07', '--label', 'Bob', '--write-object', path.join(bobDir, file), '--type', type], { env: { ...process.env, ...token.env }, stdio: 'pipe' });
    }
    // SoftHSM2 enumerates tokens only when initialised: the next listing rescans it.
    const identity = await onlyIdentity(host);
    expect(await host.event('identities/changed', later)).toEqual({ reason: 'token-inserted' });
    expect(Buffer.from(identity.certificate, 'base64')).toEqual(bob.certificate);
    const prompts = host.events.filter((e) => e.event === 'pin/needed').length;
    expect(await host.call('key/sign', signRequest(identity))).toMatchObject({ ok: true });
    expect(host.events.filter((e) => e.event === 'pin/needed')).toHaveLength(prompts + 1);
  });
});

describe('a module that cannot be initialised for a while', () => {
  it('finds the card again once the module can be initialised, without restarting the host', async () => {
    const { host, token } = await startHost('store-gone', [alice], { modules: [SOFTHSM_MODULE], pollSeconds: 0.1, pinCacheSeconds: 600 });
    host.answerPinPrompts(USER_PIN);
    const identity = await onlyIdentity(host);
    // SoftHSM2's whole token store disappears (an unmounted share, a card service stopped):
    // initialising the module fails while it is gone.
    const aside = `${token.tokenDir}.aside`;
    execFileSync('mv', [token.tokenDir, aside]);
    expect((await host.request('identities/list', {})).identities).toEqual([]);
    expect((await host.request('identities/list', {})).identities).toEqual([]);
    execFileSync('mv', [aside, token.tokenDir]);
    const back = await onlyIdentity(host);
    expect(back.certificate).toBe(identity.certificate);
    expect(await host.call('key/sign', signRequest(back))).toMatchObject({ ok: true });
  });
});

describe('tokens without raw RSA', () => {
  it('unwraps RSA-OAEP with the token\'s own OAEP mechanism', async () => {
    const { host } = await startHost('noraw', [alice], { modules: [quirksModule] }, { QUIRKS_TARGET: SOFTHSM_MODULE, QUIRKS_NO_RAW_RSA: '1' });
    host.answerPinPrompts(USER_PIN);
    const identity = await onlyIdentity(host);
    const cek = randomBytes(32);
    const publicKey = new X509Certificate(alice.certificate).publicKey;
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, cek);
    const res = await host.request('key/decrypt', { identity: identity.id, wrappedKey: wrapped.toString('base64'), scheme: { name: 'RSA-OAEP', hash: 'SHA-1' } });
    expect(Buffer.from(res.key, 'base64')).toEqual(cek);
    // SoftHSM2's OAEP knows SHA-1 only: with nothing to fall back on, the host says so.
    const sha256 = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
    const reply = await host.call('key/decrypt', { identity: identity.id, wrappedKey: sha256.toString('base64'), scheme: { name: 'RSA-OAEP', hash: 'SHA-256' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'key/unsupported' } });
  });
});
