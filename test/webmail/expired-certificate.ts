/**
 * A certificate for a demo address that has run out: issued by the demo CA like the demo
 * users' own (demo-pki.ts: their extensions, e-mail in subject and SAN), but with its whole
 * validity in the past. It is made with a CA database of its own, so the demo CA's records
 * stay as ensureDemoPki left them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CertificateFiles, DemoPki } from '../../native-host/tooling/demo/demo-pki';

const DAY_MS = 86_400_000;

/** GeneralizedTime as `openssl ca` takes it: YYYYMMDDHHMMSSZ. */
const opensslTime = (date: Date): string => date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');

export interface ExpiredCertificate extends CertificateFiles {
  readonly notAfter: Date;
}

/** Valid from two years ago until `expiredDaysAgo` days ago; written below `dir`. */
export function expiredCertificate(pki: DemoPki, subject: { name: string; address: string }, dir: string, expiredDaysAgo = 30): ExpiredCertificate {
  const caDir = path.join(pki.stateDir, 'ca');
  const work = path.join(dir, 'expired-ca');
  mkdirSync(path.join(work, 'issued'), { recursive: true });
  writeFileSync(path.join(work, 'index.txt'), '');
  writeFileSync(path.join(work, 'serial'), '01\n');
  const config = path.join(work, 'openssl.cnf');
  writeFileSync(config, [
    '[ ca ]', 'default_ca = expired_ca',
    '[ expired_ca ]',
    `database = ${path.join(work, 'index.txt')}`,
    `new_certs_dir = ${path.join(work, 'issued')}`,
    `serial = ${path.join(work, 'serial')}`,
    `certificate = ${pki.ca.pemFile}`,
    `private_key = ${path.join(caDir, 'ca.key')}`,
    'default_md = sha256', 'policy = any_name', 'unique_subject = no', 'email_in_dn = yes', 'copy_extensions = none',
    '[ any_name ]', 'commonName = supplied', 'emailAddress = optional',
    '',
  ].join('\n'));
  const key = path.join(work, 'key.pem');
  const request = path.join(work, 'request.csr');
  const pemFile = path.join(dir, 'expired.pem');
  const derFile = path.join(dir, 'expired.der');
  const notAfter = new Date(Date.now() - expiredDaysAgo * DAY_MS);
  const openssl = (args: readonly string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${subject.name}/emailAddress=${subject.address}`, '-out', request]);
  openssl([
    // The demo users' own extensions, from the demo CA's configuration.
    'ca', '-batch', '-notext', '-rand_serial', '-config', config, '-extfile', path.join(caDir, 'openssl.cnf'), '-extensions', 'user_cert',
    '-startdate', opensslTime(new Date(Date.now() - 730 * DAY_MS)), '-enddate', opensslTime(notAfter), '-in', request, '-out', pemFile,
  ]);
  const der = openssl(['x509', '-in', pemFile, '-outform', 'DER']);
  writeFileSync(derFile, der);
  return { pemFile, derFile, der, notAfter };
}
