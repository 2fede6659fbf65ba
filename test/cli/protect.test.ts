/**
 * `cachet protect`: sign, encrypt, or both in one step, checked by OpenSSL unwrapping each
 * layer itself: the triple wrap (signed, enveloped, signed), sign-then-encrypt with
 * --no-triple-wrap, and the signer able to read its own copy (B14).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, openssl, type TestPki } from '../cms/support/openssl-pki';
import { runCachet } from '../support/run-cachet';

let pki: TestPki;
let input: string;
const p = (name: string): string => join(pki.dir, name);

beforeAll(() => {
  pki = makeTestPki();
  input = p('message.eml');
  writeFileSync(input, [
    'From: Rsa Signer <rsa@example.org>', 'To: ec-p256@example.org', 'Subject: one step', `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Grüße in one step.', '',
  ].join('\n'));
}, 60_000);
afterAll(() => pki.remove());

const signer = (): string[] => ['--cert', pki.leaves.rsa.certPath, '--key', pki.leaves.rsa.keyPath, '--chain', pki.intermediatePath];

/** Verifies an S/MIME message with OpenSSL and returns the signed content. */
function opensslVerify(file: string, out: string): string {
  openssl(['cms', '-verify', '-in', file, '-CAfile', pki.rootPath, '-out', out]);
  return out;
}

function opensslDecrypt(file: string, out: string, recipient: 'rsa' | 'ec-p256'): string {
  const leaf = pki.leaves[recipient];
  openssl(['cms', '-decrypt', '-in', file, '-recip', leaf.certPath, '-inkey', leaf.keyPath, '-out', out]);
  return out;
}

describe('cachet protect', () => {
  it('signs, encrypts and signs again by default; OpenSSL unwraps all three layers', async () => {
    const run = await runCachet(['protect', '--sign', '--encrypt', '--to', pki.leaves['ec-p256'].certPath, ...signer(), '-o', p('triple.eml'), input]);
    expect(run.code, run.err).toBe(0);
    const inner = opensslDecrypt(opensslVerify(p('triple.eml'), p('triple.1')), p('triple.2'), 'ec-p256');
    const content = openssl(['cms', '-verify', '-in', inner, '-CAfile', pki.rootPath]).toString('utf8');
    expect(content).toContain('in one step.');
    // The signer reads its own copy too (B14).
    expect(openssl(['cms', '-verify', '-in', opensslDecrypt(p('triple.1'), p('triple.own'), 'rsa'), '-CAfile', pki.rootPath]).toString('utf8')).toContain('in one step.');
    // cachet open reads it as the reader would: the inner signature is the one shown, and good.
    const open = await runCachet(['open', '--json', '--offline', '--trust', pki.rootPath, '--key', pki.leaves['ec-p256'].keyPath, '--cert', pki.leaves['ec-p256'].certPath, p('triple.eml')]);
    expect(JSON.parse(open.out)).toMatchObject({ encrypted: true, signed: true, signatureGood: true });
  });

  it('signs then encrypts with --no-triple-wrap: no signature outside the encryption', async () => {
    const run = await runCachet(['protect', '--sign', '--encrypt', '--no-triple-wrap', '--to', pki.leaves['ec-p256'].certPath, ...signer(), '-o', p('two.eml'), input]);
    expect(run.code, run.err).toBe(0);
    expect(() => openssl(['cms', '-verify', '-in', p('two.eml'), '-CAfile', pki.rootPath, '-out', p('two.x')])).toThrow();
    const inner = opensslDecrypt(p('two.eml'), p('two.1'), 'ec-p256');
    expect(openssl(['cms', '-verify', '-in', inner, '-CAfile', pki.rootPath]).toString('utf8')).toContain('in one step.');
  });

  it('only signs, or only encrypts, as cachet sign and cachet encrypt do', async () => {
    expect((await runCachet(['protect', '--sign', ...signer(), '-o', p('signed.eml'), input])).code).toBe(0);
    expect(openssl(['cms', '-verify', '-in', p('signed.eml'), '-CAfile', pki.rootPath]).toString('utf8')).toContain('in one step.');
    expect((await runCachet(['protect', '--encrypt', '--cipher', 'aes-256-gcm', '--to', pki.leaves['ec-p256'].certPath, '-o', p('enc.eml'), input])).code).toBe(0);
    expect(openssl(['cms', '-decrypt', '-in', p('enc.eml'), '-recip', pki.leaves['ec-p256'].certPath, '-inkey', pki.leaves['ec-p256'].keyPath]).toString('utf8')).toContain('in one step.');
  });

  it('refuses what it cannot do, with exit 2', async () => {
    expect((await runCachet(['protect', input])).code).toBe(2);
    expect((await runCachet(['protect', '--encrypt', input])).code).toBe(2);
    expect((await runCachet(['protect', '--sign', '--to', pki.leaves.rsa.certPath, ...signer(), input])).code).toBe(2);
    expect((await runCachet(['protect', '--sign', input])).code).toBe(2);
    expect((await runCachet(['protect', '--sign', '--encrypt', '--triple-wrap', '--no-triple-wrap', '--to', pki.leaves.rsa.certPath, ...signer(), input])).code).toBe(2);
  });
});
