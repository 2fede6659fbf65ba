/**
 * The Cachet key store on disk and on the command line: what an imported identity's file
 * holds (and does not), its modes, the store passphrase rules, `cachet key list/delete`,
 * hostile key files, and a login through the command line's PIN answering.
 */
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKeyFile, encodeKeyFile } from '../../native-host/stores/key-store-file';
import { openLocalStores } from '../../native-host/stores/local-stores';
import { isCachetError } from '../../src/errors';
import { runCachet } from '../support/run-cachet';
import { CORPUS, corpusKey, writeHostConfig, type KeyMaterial } from './helpers/token-fixtures';

const PASSPHRASE = 'tr0ub4dor & 3, not really';

let dir: string;
let passphraseFile: string;
let alice: KeyMaterial;
let aliceEc: KeyMaterial;

function importArgs(name: string, store: string, passphrase = passphraseFile): string[] {
  return ['key', 'import', '--p12', path.join(CORPUS, `${name}.p12`), '--pass', 'nss', '--store-passphrase-file', passphrase, '--store', store];
}

function fingerprint(key: KeyMaterial): string {
  return createHash('sha256').update(key.certificate).digest('hex');
}

/** Every byte string the file carries: its raw text and each base64 field decoded. */
function carriedBytes(file: string): Buffer[] {
  const text = readFileSync(file);
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(JSON.parse(text.toString()));
  return [text, ...strings.map((s) => Buffer.from(s, 'base64'))];
}

function secretFile(text: string): string {
  const file = path.join(dir, `secret-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-keystore-files-'));
  passphraseFile = secretFile(`${PASSPHRASE}\r\n`);
  alice = corpusKey('Alice', dir);
  aliceEc = corpusKey('Alice-ec', dir);
  // openLocalStores reads the host configuration: keep it off the machine's own.
  process.env.CACHET_HOST_CONFIG = writeHostConfig(dir, { keyStoreDir: path.join(dir, 'configured-store') });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cachet key import', () => {
  it('keeps the private key only in encrypted form, in a 0600 file in a 0700 directory', async () => {
    const store = path.join(dir, 'fresh', 'keys');
    for (const key of [alice, aliceEc]) {
      const result = await runCachet(importArgs(key.name, store));
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain(fingerprint(key));
    }
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(readdirSync(store).sort()).toEqual([`${fingerprint(aliceEc)}.json`, `${fingerprint(alice)}.json`].sort());
    for (const key of [alice, aliceEc]) {
      const file = path.join(store, `${fingerprint(key)}.json`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const pkcs8 = readFileSync(path.join(dir, `${key.name}.key.der`));
      // The secret numbers themselves: the private exponent and primes, or the EC scalar.
      const jwk = createPrivateKey(key.keyPem).export({ format: 'jwk' });
      const secrets = [jwk.d, jwk.p, jwk.q].flatMap((v) => (v === undefined ? [] : [Buffer.from(v, 'base64url')]));
      expect(secrets.length).toBeGreaterThan(0);
      const needles = [pkcs8, Buffer.from(pkcs8.toString('base64')), Buffer.from(pkcs8.toString('hex')), ...secrets];
      for (const bytes of carriedBytes(file)) {
        for (const needle of needles) expect(bytes.includes(needle)).toBe(false);
      }
      const entry = decodeKeyFile(readFileSync(file, 'utf8'), file);
      expect(Buffer.from(entry.certificate)).toEqual(key.certificate);
      expect(entry.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
      expect(entry.chain).toHaveLength(1);
    }
  });

  it('sets the passphrase at the first import and demands the same one later, reusing its scrypt salt', async () => {
    const store = path.join(dir, 'passphrase-rules');
    const short = await runCachet(importArgs('Alice', store, secretFile('short\n')));
    expect(short).toMatchObject({ code: 2, err: expect.stringContaining('at least 8 characters') as unknown });
    expect((await runCachet(importArgs('Alice', store))).code).toBe(0);
    const wrong = await runCachet(importArgs('Alice-ec', store, secretFile('another passphrase\n')));
    expect(wrong).toMatchObject({ code: 2, err: expect.stringContaining('pin/incorrect') as unknown });
    expect(readdirSync(store)).toEqual([`${fingerprint(alice)}.json`]);
    expect((await runCachet(importArgs('Alice-ec', store))).code).toBe(0);
    const salts = readdirSync(store).map((name) => decodeKeyFile(readFileSync(path.join(store, name), 'utf8'), name).kdf.salt);
    expect(Buffer.from(salts[0] ?? [])).toEqual(Buffer.from(salts[1] ?? []));
    // Importing the same identity again replaces its file and leaves no temporary file.
    expect((await runCachet(importArgs('Alice', store))).code).toBe(0);
    expect(readdirSync(store)).toHaveLength(2);
  });

  it('refuses a wrong PKCS#12 password and bad arguments with exit status 2', async () => {
    const store = path.join(dir, 'bad-arguments');
    const wrong = await runCachet(['key', 'import', '--p12', path.join(CORPUS, 'Alice.p12'), '--pass', 'wrong', '--store-passphrase-file', passphraseFile, '--store', store]);
    expect(wrong).toMatchObject({ code: 2, err: expect.stringContaining('key/unavailable') as unknown });
    expect(await runCachet(['key', 'import', '--store', store])).toMatchObject({ code: 2, err: expect.stringContaining('--p12 is required') as unknown });
    const both = await runCachet(['key', 'import', '--p12', path.join(CORPUS, 'Alice.p12'), '--pass', 'nss', '--pass-file', passphraseFile, '--store', store]);
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('not both') as unknown });
    const noTerminal = await runCachet(['key', 'import', '--p12', path.join(CORPUS, 'Alice.p12'), '--pass', 'nss', '--store', store]);
    expect(noTerminal).toMatchObject({ code: 2, err: expect.stringContaining('no terminal') as unknown });
  });

  it('reads the password from --pass-file and asks the new store passphrase twice on a terminal', async () => {
    const store = path.join(dir, 'terminal');
    const terminal = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(this: { rawModes: boolean[] }, on: boolean) { this.rawModes.push(on); return this; } });
    // Pasted at once, with a typo corrected by Backspace: both answers arrive in one chunk.
    terminal.write(`${PASSPHRASE}x\u007f\r${PASSPHRASE}\r`);
    const result = await runCachet(['key', 'import', '--p12', path.join(CORPUS, 'Alice.p12'), '--pass-file', secretFile('nss\n'), '--store', store], terminal);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain('The same passphrase again');
    expect(result.err).not.toContain(PASSPHRASE);
    expect(terminal.rawModes).toEqual([true, false, true, false]);
    expect((await runCachet(importArgs('Alice-ec', store))).code).toBe(0);
  });
});

describe('cachet key list and delete', () => {
  it('lists without a passphrase, deletes by fingerprint, and refuses unknown ones', async () => {
    const store = path.join(dir, 'list-delete');
    await runCachet(importArgs('Alice', store));
    await runCachet(importArgs('Alice-ec', store));
    const text = await runCachet(['key', 'list', '--store', store]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(fingerprint(alice));
    expect(text.out).toContain('EC P-384; sign, derive');
    const json = JSON.parse((await runCachet(['key', 'list', '--store', store, '--json'])).out) as { fingerprint: string; addresses: string[] }[];
    expect(json.map((r) => r.fingerprint).sort()).toEqual([fingerprint(alice), fingerprint(aliceEc)].sort());
    expect(json.find((r) => r.fingerprint === fingerprint(alice))?.addresses).toEqual(['alice@example.com']);
    const colons = fingerprint(aliceEc).toUpperCase().match(/../g)?.join(':') ?? '';
    expect(await runCachet(['key', 'delete', colons, '--store', store])).toMatchObject({ code: 0 });
    expect(readdirSync(store)).toEqual([`${fingerprint(alice)}.json`]);
    expect(await runCachet(['key', 'delete', fingerprint(aliceEc), '--store', store])).toMatchObject({ code: 2, err: expect.stringContaining('key/unavailable') as unknown });
    expect(await runCachet(['key', 'delete', 'abc', '--store', store])).toMatchObject({ code: 2 });
  });

  it('names unusable files and refuses a directory other users can open', async () => {
    const store = path.join(dir, 'unusable');
    await runCachet(importArgs('Alice', store));
    writeFileSync(path.join(store, `${fingerprint(aliceEc)}.json`), readFileSync(path.join(store, `${fingerprint(alice)}.json`)));
    const listed = await runCachet(['key', 'list', '--store', store, '--json']);
    expect(listed.code).toBe(1);
    expect(listed.err).toContain('another certificate than its name says');
    expect(JSON.parse(listed.out)).toHaveLength(1);
    chmodSync(store, 0o755);
    expect(await runCachet(['key', 'list', '--store', store])).toMatchObject({ code: 2, err: expect.stringContaining('open to other users') as unknown });
    expect(await runCachet(importArgs('Alice-ec', store))).toMatchObject({ code: 2 });
  });

  it('lists the store of the host configuration, also through cachet identities', async () => {
    const configured = path.join(dir, 'configured-store');
    expect((await runCachet(importArgs('Alice', configured))).code).toBe(0);
    expect((await runCachet(['key', 'list'])).out).toContain(fingerprint(alice));
    const identities = JSON.parse((await runCachet(['identities', '--json'])).out) as { store: string; hardware: boolean; module: string }[];
    expect(identities).toContainEqual(expect.objectContaining({ store: 'pkcs12', hardware: false, module: configured }));
  });
});

describe('cachet doctor', () => {
  it('reports the configured key store, and how to fix one other users can open', async () => {
    const configured = path.join(dir, 'configured-store');
    expect((await runCachet(importArgs('Alice', configured))).code).toBe(0);
    const good = await runCachet(['doctor']);
    expect(good.out).toMatch(new RegExp(`ok +Cachet key store: ${configured}: 1 identity`));
    chmodSync(configured, 0o750);
    try {
      const bad = await runCachet(['doctor']);
      expect(bad.out).toMatch(/problem +Cachet key store: .* is open to other users/);
      expect(bad.out).toContain('fix: make the directory yours alone (chmod 700)');
    } finally {
      chmodSync(configured, 0o700);
    }
  });
});

describe('hostile key files', () => {
  let valid: string;

  beforeAll(async () => {
    const store = path.join(dir, 'hostile');
    await runCachet(importArgs('Alice', store));
    valid = readFileSync(path.join(store, `${fingerprint(alice)}.json`), 'utf8');
  });

  const mutations: readonly [string, (f: Record<string, unknown>) => unknown][] = [
    ['an unknown field', (f) => ({ ...f, extra: 1 })],
    ['another version', (f) => ({ ...f, version: 2 })],
    ['a huge scrypt cost', (f) => ({ ...f, kdf: { ...(f.kdf as object), N: 2 ** 30 } })],
    ['an N that is not a power of two', (f) => ({ ...f, kdf: { ...(f.kdf as object), N: 100_000 } })],
    ['a short nonce', (f) => ({ ...f, cipher: { name: 'AES-256-GCM', nonce: 'AAAA' } })],
    ['another cipher', (f) => ({ ...f, cipher: { ...(f.cipher as object), name: 'AES-128-CBC' } })],
    ['base64 with spaces', (f) => ({ ...f, certificate: ` ${String(f.certificate)}` })],
    ['a chain that is not a list', (f) => ({ ...f, chain: 'MIIB' })],
    ['no sealed key', (f) => ({ ...f, sealedKey: undefined })],
    ['an array', () => []],
  ];
  for (const [what, mutate] of mutations) {
    it(`refuses ${what} with key/unavailable`, () => {
      const text = JSON.stringify(mutate(JSON.parse(valid) as Record<string, unknown>));
      let thrown: unknown;
      try {
        decodeKeyFile(text, 'test.json');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ name: 'CachetError', code: 'key/unavailable' });
    });
  }

  it('reads back what it writes', () => {
    expect(encodeKeyFile(decodeKeyFile(valid, 'valid.json'))).toBe(valid);
  });

  it('answers any text or JSON value with a key file or a CachetError, never anything else', () => {
    const anyValue = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n) + valid.slice(n + 1)));
    fc.assert(fc.property(anyValue, (text) => {
      try {
        decodeKeyFile(text, 'fuzz.json');
      } catch (error) {
        return isCachetError(error) && error.code === 'key/unavailable';
      }
      return true;
    }), { numRuns: 500 });
  });
});

describe('a login from the command line', () => {
  it('uses the passphrase given as the PIN, and says pin/incorrect for a wrong one', async () => {
    const configured = path.join(dir, 'configured-store');
    await runCachet(importArgs('Alice', configured));
    const wrong = openLocalStores({ pin: 'not it at all' });
    try {
      const identity = (await wrong.registry.listIdentities()).find((i) => i.store.kind === 'pkcs12');
      if (!identity) throw new Error('no key store identity');
      await expect(wrong.registry.sign(identity.id, randomBytes(32), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'pin/incorrect' });
    } finally {
      wrong.close();
    }
    const right = openLocalStores({ pin: PASSPHRASE });
    try {
      const identity = (await right.registry.listIdentities()).find((i) => i.store.kind === 'pkcs12');
      if (!identity) throw new Error('no key store identity');
      const signature = await right.registry.sign(identity.id, randomBytes(32), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
      expect(signature).toHaveLength(256);
    } finally {
      right.close();
    }
  });
});
