/**
 * Interop with GnuPG's gpgsm in both directions: gpgsm signs → Cachet verifies, Cachet
 * signs → `gpgsm --verify` reports a good, valid signature. gpgsm runs in a temporary
 * GNUPGHOME with the signer's key imported from a PKCS#12 file and the test root
 * trusted through trustlist.txt; CRL checks are off (the test PKI publishes none).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSignedData, type SigningHash } from '../../src/cms/signed-data-sign';
import { verifySignedData } from '../../src/cms/signed-data-verify';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';
import { ascii, subtle } from './support/env';

const PASSPHRASE = 'interop';
const content = ascii('Content-Type: text/plain\r\n\r\nSigned for gpgsm.\r\n');

let pki: TestPki;
let home: string;
let contentPath: string;

function gpgsm(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const run = spawnSync('gpgsm', ['--batch', '--disable-crl-checks', '--pinentry-mode', 'loopback', ...args], {
    env: { ...process.env, GNUPGHOME: home },
    input: input ?? '',
    timeout: 60_000,
  });
  return { status: run.status ?? -1, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

beforeAll(() => {
  pki = makeTestPki();
  home = join(pki.dir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(home, 'gpgsm.conf'), 'disable-crl-checks\ndisable-dirmngr\n');
  contentPath = join(pki.dir, 'content.txt');
  writeFileSync(contentPath, content);
  // gpgsm 2.2 cannot read OpenSSL 3's default PKCS#12 (PBES2/AES, "encryptedData error at
  // pkcs5PBES2-params"), so the file uses the older 3DES PBE that every version reads.
  const p12 = join(pki.dir, 'rsa.p12');
  openssl(['pkcs12', '-export', '-inkey', pki.leaves.rsa.keyPath, '-in', pki.leaves.rsa.certPath,
    '-certfile', pki.intermediatePath, '-passout', `pass:${PASSPHRASE}`,
    '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-out', p12]);
  const imported = gpgsm(['--passphrase-fd', '0', '--import', p12], PASSPHRASE);
  expect(imported.status, imported.stderr).toBe(0);
  expect(gpgsm(['--import', pki.rootPath]).status).toBe(0);
  const fingerprint = openssl(['x509', '-in', pki.rootPath, '-noout', '-fingerprint', '-sha1']).toString().trim().split('=')[1];
  writeFileSync(join(home, 'trustlist.txt'), `${fingerprint} S relax\n`);
});

afterAll(() => {
  // Stops the gpg-agent this GNUPGHOME started, and only that one.
  execFileSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home } });
  pki.remove();
});

describe('gpgsm signs, Cachet verifies', () => {
  for (const detached of [true, false]) {
    it(detached ? 'detached' : 'opaque', async () => {
      const out = join(pki.dir, `gpgsm-${detached}.p7`);
      const signed = gpgsm(['--passphrase-fd', '0', '--include-certs', '-1', '-u', pki.leaves.rsa.email,
        detached ? '--detach-sign' : '--sign', '--output', out, contentPath], PASSPHRASE);
      expect(signed.status, signed.stderr).toBe(0);
      const cms = new Uint8Array(readFileSync(out));
      const result = await verifySignedData(cms, { subtle, ...(detached ? { detachedContent: content } : {}) });
      expect(result.signers.map((s) => s.status)).toEqual(['good']);
      expect(result.signers[0]?.emailAddresses).toEqual([pki.leaves.rsa.email]);
      expect(Buffer.from(result.content).equals(content)).toBe(true);
      if (detached) {
        const bad = await verifySignedData(cms, { subtle, detachedContent: ascii('Content-Type: text/plain\r\n\r\nSigned for gpgsn.\r\n') });
        expect(bad.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
      }
    });
  }
});

describe('Cachet signs, gpgsm verifies', () => {
  for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as readonly SigningHash[]) {
    it(`RSA PKCS#1 v1.5 ${hash}, detached`, async () => {
      const cms = await signSignedData({ subtle, signer: pki.leaves.rsa.operator, content, detached: true, hash, chain: [pki.intermediate] });
      const path = join(pki.dir, `cachet-${hash}.p7`);
      writeFileSync(path, cms);
      const verified = gpgsm(['--status-fd', '1', '--verify', path, contentPath]);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/\[GNUPG:\] GOODSIG/);
      expect(verified.stdout).toMatch(/\[GNUPG:\] VALIDSIG/);
      expect(verified.stdout).toMatch(/\[GNUPG:\] TRUST_FULLY/);

      const tampered = join(pki.dir, 'tampered.txt');
      writeFileSync(tampered, ascii('Content-Type: text/plain\r\n\r\nSigned for gpgsn.\r\n'));
      const rejected = gpgsm(['--status-fd', '1', '--verify', path, tampered]);
      expect(rejected.status).not.toBe(0);
      expect(rejected.stdout).toMatch(/\[GNUPG:\] BADSIG/);
    });
  }
});
