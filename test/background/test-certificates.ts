/**
 * Real certificate files made with OpenSSL for the address-book and trust tests (and the
 * e2e import): PEM, DER (.cer) and a certs-only PKCS #7 bundle (.p7c).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  readonly pem: Uint8Array;
  readonly der: Uint8Array;
  readonly cn: string;
  readonly email: string;
}

export interface TestCertificates {
  readonly alice: TestCertificate;
  readonly bob: TestCertificate;
  /** Both certificates as a certs-only SignedData, DER. */
  readonly bundleP7c: Uint8Array;
  /** The same bundle in PEM (-----BEGIN PKCS7-----). */
  readonly bundlePem: Uint8Array;
  /** A PEM file with only a private key, which is not a certificate. */
  readonly keyOnlyPem: Uint8Array;
  readonly dir: string;
  cleanup(): void;
}

/** Plain Uint8Array (not Node's Buffer), as the browser would hand it over. */
function read(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function make(cwd: string, name: string, cn: string, email: string, emailInSubject: boolean): TestCertificate {
  const subject = emailInSubject ? `/CN=${cn}/emailAddress=${email}` : `/CN=${cn}`;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.pem`, '-days', '30', '-subj', subject, '-addext', `subjectAltName=email:${email}`,
    '-addext', 'extendedKeyUsage=emailProtection'], cwd);
  openssl(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.cer`], cwd);
  return {
    pem: read(path.join(cwd, `${name}.pem`)),
    der: read(path.join(cwd, `${name}.cer`)),
    cn,
    email,
  };
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-certs-'));
  // Alice's domain is written in capitals to exercise B1's case-insensitive domain.
  const alice = make(dir, 'alice', 'Alice Example', 'alice@Example.ORG', false);
  const bob = make(dir, 'bob', 'Bob Example', 'bob@example.org', true);
  openssl(['crl2pkcs7', '-nocrl', '-certfile', 'alice.pem', '-certfile', 'bob.pem', '-outform', 'DER', '-out', 'bundle.p7c'], dir);
  openssl(['crl2pkcs7', '-nocrl', '-certfile', 'alice.pem', '-certfile', 'bob.pem', '-out', 'bundle.p7b.pem'], dir);
  return {
    alice,
    bob,
    bundleP7c: read(path.join(dir, 'bundle.p7c')),
    bundlePem: read(path.join(dir, 'bundle.p7b.pem')),
    keyOnlyPem: read(path.join(dir, 'alice.key')),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
