/**
 * `cachet sign` and `cachet decrypt` with keys that stay on a SoftHSM2 token (`--token`,
 * `--module`, `--pin-file`) or in an NSS database (`--nssdb`), checked by OpenSSL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/host-process';
import { CORPUS, SOFTHSM_MODULE, USER_PIN, corpusKey, createNssDatabase, createToken, writeHostConfig, type SoftHsm } from './helpers/token-fixtures';

let dir: string;
let token: SoftHsm;
let env: NodeJS.ProcessEnv;
let message: string;

/** The CLI in its own process, as a user runs it, with the token's configuration. */
function cachet(args: readonly string[]): { code: number; out: Buffer; err: string } {
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'native-host/cli/main.ts'), ...args], { cwd: ROOT, env, maxBuffer: 64 << 20 });
  return { code: run.status ?? -1, out: run.stdout, err: run.stderr.toString() };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-cli-store-'));
  token = createToken(dir, 'cli card', [corpusKey('Alice', dir), corpusKey('Bob', dir)]);
  env = { ...process.env, ...token.env, HOME: dir, CACHET_HOST_CONFIG: writeHostConfig(dir, {}) };
  writeFileSync(path.join(dir, 'pin'), `${USER_PIN}\n`);
  writeFileSync(path.join(dir, 'wrong-pin'), '000000\n');
  message = path.join(dir, 'message.eml');
  writeFileSync(message, 'From: Alice@example.com\r\nTo: Bob@example.com\r\nSubject: token\r\nContent-Type: text/plain\r\n\r\nsigned on the card\r\n');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keys on a token from the command line', () => {
  it('signs with the key on the token that carries the From address; OpenSSL verifies it', () => {
    const signed = cachet(['sign', '--token', 'cli card', '--module', SOFTHSM_MODULE, '--pin-file', path.join(dir, 'pin'), message]);
    expect(signed.err).toBe('');
    expect(signed.code).toBe(0);
    const file = path.join(dir, 'signed.eml');
    writeFileSync(file, signed.out);
    const text = execFileSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', path.join(CORPUS, 'TestCA.pem'), '-signer', path.join(dir, 'card-signer.pem')]).toString();
    expect(text).toContain('signed on the card');
    expect(execFileSync('openssl', ['x509', '-in', path.join(dir, 'card-signer.pem'), '-noout', '-subject']).toString()).toContain('Alice');
    // With Bob as the sender, Bob's key on the same card signs.
    const fromBob = path.join(dir, 'from-bob.eml');
    writeFileSync(fromBob, readFileSync(message, 'utf8').replace('From: Alice@example.com', 'From: Bob@example.com'));
    const bob = cachet(['sign', '--token', 'cli card', '--module', SOFTHSM_MODULE, '--pin-file', path.join(dir, 'pin'), fromBob]);
    writeFileSync(file, bob.out);
    execFileSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', path.join(CORPUS, 'TestCA.pem'), '-out', '/dev/null', '-signer', path.join(dir, 'card-signer.pem')]);
    expect(execFileSync('openssl', ['x509', '-in', path.join(dir, 'card-signer.pem'), '-noout', '-subject']).toString()).toContain('Bob');
  });

  it('decrypts with the key on the token', () => {
    const decrypted = cachet(['decrypt', '--token', 'cli card', '--module', SOFTHSM_MODULE, '--pin-file', path.join(dir, 'pin'), path.join(CORPUS, 'alice.env.eml')]);
    expect(decrypted.code).toBe(0);
    expect(decrypted.out.toString()).toContain('This is a test message from Alice to Bob.');
  });

  it('a wrong PIN and an unknown token label end in clear errors', () => {
    const wrong = cachet(['sign', '--token', 'cli card', '--module', SOFTHSM_MODULE, '--pin-file', path.join(dir, 'wrong-pin'), message]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/pin/i);
    const unknown = cachet(['decrypt', '--token', 'no such card', '--module', SOFTHSM_MODULE, '--pin-file', path.join(dir, 'pin'), path.join(CORPUS, 'alice.env.eml')]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no such card');
  });

  it('decrypts and signs with keys in an NSS database', () => {
    const nssdb = createNssDatabase(path.join(dir, 'nssdb'), ['Bob']);
    const decrypted = cachet(['decrypt', '--nssdb', nssdb, path.join(CORPUS, 'alice.env.eml')]);
    expect(decrypted.err).toBe('');
    expect(decrypted.out.toString()).toContain('This is a test message from Alice to Bob.');
    const signed = cachet(['sign', '--nssdb', nssdb, message]);
    expect(signed.code).toBe(0);
    const file = path.join(dir, 'nss-signed.eml');
    writeFileSync(file, signed.out);
    expect(execFileSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', path.join(CORPUS, 'TestCA.pem'), '-out', '/dev/null', '-signer', path.join(dir, 'signer.pem')]).toString()).toBe('');
    expect(execFileSync('openssl', ['x509', '-in', path.join(dir, 'signer.pem'), '-noout', '-subject']).toString()).toContain('Bob');
  });
});

