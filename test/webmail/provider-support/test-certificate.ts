/**
 * One self-signed TLS certificate for every provider host the browser tests serve on
 * loopback, and the switch that makes Chromium accept it: the SHA-256 of its public key
 * in `--ignore-certificate-errors-spki-list`, which lets this key through and no other
 * (unlike `--ignore-certificate-errors`, which would hide any other certificate problem).
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  /** base64 of the SHA-256 of the DER SubjectPublicKeyInfo, as Chromium's switch takes it. */
  readonly spkiHash: string;
}

export function makeTestCertificate(hosts: readonly string[]): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-provider-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=Cachet provider test', '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      '-keyout', keyFile, '-out', certFile,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    const spki = createPublicKey(cert).export({ type: 'spki', format: 'der' });
    return { key, cert, spkiHash: createHash('sha256').update(spki).digest('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
