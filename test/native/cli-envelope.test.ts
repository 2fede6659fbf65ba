/** `cachet encrypt` and `cachet decrypt` through the command-line entry point. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CERTS = '../shared/corpora/openssl/smime-certs';
const TB = '../shared/corpora/thunderbird-smime/mailnews/test/data/smime';

async function cachet(args: string[], stdin: Uint8Array = new Uint8Array(0)): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const run = await runCachet(args, stdin);
  return { code: run.code, stdout: run.bytes, stderr: run.err };
}

let dir: string;
let input: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-cli-env-'));
  input = join(dir, 'in.eml');
  writeFileSync(input, 'From: a@example.com\nTo: b@example.com\nSubject: cli\nContent-Type: text/plain; charset=utf-8\n\nhello from the command line\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachet encrypt / decrypt', () => {
  for (const cipher of ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm']) {
    it(`round trip with ${cipher}, openssl agrees`, async () => {
      const out = join(dir, `${cipher}.eml`);
      const enc = await cachet(['encrypt', '--to', `${CERTS}/smrsa1.pem`, '--to', `${CERTS}/smec1.pem`, '--cipher', cipher, '-o', out, input]);
      expect(enc.code).toBe(0);
      const viaOpenssl = execFileSync('openssl', ['cms', '-decrypt', '-in', out, '-inkey', `${CERTS}/smec1.pem`]).toString();
      expect(viaOpenssl).toContain('hello from the command line');
      const dec = await cachet(['decrypt', '--key', `${CERTS}/smrsa1.pem`, out]);
      expect(dec.code).toBe(0);
      expect(dec.stdout.toString()).toMatch(/^From: a@example.com\r\nTo: b@example.com\r\nSubject: cli\r\n/);
      expect(dec.stdout.toString()).toContain('\r\n\r\nhello from the command line\r\n');
    });
  }
  it('--oaep writes RSAES-OAEP, and FILE may be - (standard input)', async () => {
    const enc = await cachet(['encrypt', '--to', `${CERTS}/smrsa1.pem`, '--oaep', '-'], readFileSync(input));
    expect(enc.code).toBe(0);
    const path = join(dir, 'oaep.eml');
    writeFileSync(path, enc.stdout);
    expect(execFileSync('openssl', ['cms', '-cmsout', '-print', '-in', path]).toString()).toContain('rsaesOaep');
    const dec = await cachet(['decrypt', '--cert', `${CERTS}/smrsa1.pem`, '--key', `${CERTS}/smrsa1.pem`, '-'], enc.stdout);
    expect(dec.stdout.toString()).toContain('hello from the command line');
  });
  it('decrypts Thunderbird mail with --p12 and --pass', async () => {
    const dec = await cachet(['decrypt', '--p12', `${TB}/Bob.p12`, '--pass', 'nss', `${TB}/alice.env.eml`]);
    expect(dec.code).toBe(0);
    expect(dec.stdout.toString()).toContain('This is a test message from Alice to Bob.');
  });
  it('exit 2 with a typed message for the wrong key, a wrong password or bad usage', async () => {
    const wrongKey = await cachet(['decrypt', '--p12', `${TB}/Eve.p12`, '--pass', 'nss', `${TB}/alice.env.eml`]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain('cms/no-recipient');
    const wrongPass = await cachet(['decrypt', '--p12', `${TB}/Bob.p12`, '--pass', 'x', `${TB}/alice.env.eml`]);
    expect(wrongPass.code).toBe(2);
    expect(wrongPass.stderr).toContain('key/unavailable');
    expect((await cachet(['encrypt', input])).code).toBe(2);
    expect((await cachet(['encrypt', '--to', `${CERTS}/smrsa1.pem`, '--cipher', 'des', input])).code).toBe(2);
    expect((await cachet(['decrypt', input])).code).toBe(2);
    const notEncrypted = await cachet(['decrypt', '--key', `${CERTS}/smrsa1.pem`, input]);
    expect(notEncrypted.code).toBe(2);
    expect(notEncrypted.stderr).toContain('cms/unsupported');
  });
});
