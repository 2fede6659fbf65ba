/**
 * Interoperability with GnuPG's gpgsm (issue 3): gpgsm encrypts, Cachet decrypts, and
 * Cachet encrypts, gpgsm decrypts (RSA PKCS#1 v1.5, AES-CBC). gpgsm runs in a temporary
 * GNUPGHOME; the key comes in as a PKCS#12 file with the passphrase on a file descriptor
 * (loopback pinentry), and the test root is trusted through trustlist.txt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { encryptContent } from '../../src/cms/encrypt';
import { crypto, identityFromPem, openssl, run, SMIME_CERTS, utf8 } from './envelope-helpers';

const MESSAGE = utf8('Content-Type: text/plain\r\n\r\nHello gpgsm, from Cachet.\r\n');
const rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
const fingerprint = (path: string): string => new X509Certificate(readFileSync(path)).fingerprint.replaceAll(':', '');

let home: string;
let env: NodeJS.ProcessEnv;
const gpgsm = (args: readonly string[], input?: Uint8Array): Buffer =>
  run('gpgsm', ['--batch', '--disable-crl-checks', '--disable-policy-checks', ...args], input, env);

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'cachet-gpgsm-'));
  env = { ...process.env, GNUPGHOME: home };
  writeFileSync(join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n');
  // Everything gpgsm needs is imported here; no directory service to wait for.
  writeFileSync(join(home, 'gpgsm.conf'), 'disable-crl-checks\ndisable-dirmngr\n');
  writeFileSync(join(home, 'trustlist.txt'), `${fingerprint(`${SMIME_CERTS}/smroot.pem`)} S relax\n`);
  // gpgsm 2.2 cannot read OpenSSL 3's default PBES2 PKCS#12, but reads the 3DES PBE form.
  const p12 = join(home, 'key.p12');
  openssl(['pkcs12', '-export', '-in', rsa.pemPath, '-certfile', `${SMIME_CERTS}/smroot.pem`, '-out', p12, '-passout', 'pass:secret',
    '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
  importWithPassphrase(p12);
});

/**
 * The key import asks the passphrase through a gpg-agent that this import starts. On a
 * loaded machine that first exchange has been seen to lose the passphrase (gpgsm then
 * reports the PKCS#12 as undecryptable); a second attempt talks to the running agent.
 */
function importWithPassphrase(p12: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      gpgsm(['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--import', p12], utf8('secret\n'));
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

afterAll(() => {
  try {
    run('gpgconf', ['--kill', 'gpg-agent'], undefined, env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

describe('gpgsm', () => {
  for (const cipher of ['AES', 'AES256']) {
    it(`gpgsm encrypts (${cipher}), Cachet decrypts`, async () => {
      const input = join(home, 'plain.txt');
      writeFileSync(input, MESSAGE);
      const der = gpgsm(['--cipher-algo', cipher, '--recipient', `0x${fingerprint(rsa.certPath)}`, '--encrypt', input]);
      const result = await decryptEnvelope(crypto, der, [rsa.operator]);
      expect(result.cipher).toBe(cipher === 'AES' ? 'aes-128-cbc' : 'aes-256-cbc');
      expect(Buffer.from(result.content).equals(MESSAGE)).toBe(true);
    });
  }
  for (const cipher of ['aes-128-cbc', 'aes-256-cbc'] as const) {
    it(`Cachet encrypts (${cipher}, RSA v1.5), gpgsm decrypts`, async () => {
      const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher });
      const path = join(home, 'cachet.p7m');
      writeFileSync(path, der);
      const plain = gpgsm(['--pinentry-mode', 'loopback', '--passphrase-fd', '0', '--decrypt', path], utf8('secret\n'));
      expect(Buffer.from(plain).equals(MESSAGE)).toBe(true);
    });
  }
});
