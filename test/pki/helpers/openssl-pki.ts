import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseCertificate, pemOrDer, type ParsedCertificate } from '../../../src/pki/parsed-certificate';

/**
 * A small real PKI made with the `openssl` command line (req, ca, crl, ocsp) in a temporary
 * folder, so tests exercise certificates and CRLs from an independent implementation.
 */
export function openssl(args: readonly string[], cwd?: string): Buffer {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface IssuedCertificate {
  readonly name: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly der: Uint8Array;
  readonly parsed: ParsedCertificate;
}

export interface IssueOptions {
  /** Subject as openssl's -subj form, e.g. `/CN=Alice/emailAddress=alice@example.org`. */
  readonly subject: string;
  /** Extension lines for the v3 section, e.g. `keyUsage = critical, digitalSignature`. */
  readonly extensions?: readonly string[];
  /** openssl ca date form YYYYMMDDHHMMSSZ. */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly ca?: boolean;
}

export class TestPki {
  readonly dir: string;

  constructor(prefix = 'cachet-pki-') {
    this.dir = mkdtempSync(path.join(tmpdir(), prefix));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A self-signed root CA. */
  root(name: string, subject: string, extraExtensions: readonly string[] = []): TestCa {
    const ca = new TestCa(this, name);
    const ext = ca.writeExtensions('root', ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', ...extraExtensions]);
    openssl(['req', '-x509', '-new', '-key', ca.keyPath, '-subj', subject, '-days', '3650', '-sha256', '-set_serial', '1', '-config', ext, '-extensions', 'v3', '-out', ca.certPath]);
    ca.load();
    return ca;
  }
}

export class TestCa {
  readonly keyPath: string;
  readonly certPath: string;
  readonly home: string;
  der: Uint8Array = new Uint8Array();
  parsed: ParsedCertificate | undefined;
  private serial = 0x1000;

  constructor(readonly pki: TestPki, readonly name: string) {
    this.home = path.join(pki.dir, name);
    mkdirSync(this.home, { recursive: true });
    writeFileSync(path.join(this.home, 'index.txt'), '');
    writeFileSync(path.join(this.home, 'crlnumber'), '01\n');
    this.keyPath = path.join(this.home, 'ca.key');
    this.certPath = path.join(this.home, 'ca.pem');
    newKey(this.keyPath);
  }

  load(): void {
    const bytes = pemOrDer(readFileSync(this.certPath))[0] ?? new Uint8Array();
    this.der = bytes;
    this.parsed = parseCertificate(bytes);
  }

  get certificate(): ParsedCertificate {
    if (!this.parsed) throw new Error('CA not loaded');
    return this.parsed;
  }

  writeExtensions(label: string, lines: readonly string[]): string {
    const file = path.join(this.home, `${label}.cnf`);
    const config = [
      '[ca]', 'default_ca = own',
      '[own]',
      `dir = ${this.home}`,
      'database = $dir/index.txt', 'new_certs_dir = $dir', 'crlnumber = $dir/crlnumber', 'serial = $dir/serial',
      `certificate = ${this.certPath}`, `private_key = ${this.keyPath}`,
      'default_md = sha256', 'policy = any', 'unique_subject = no', 'email_in_dn = yes', 'copy_extensions = none',
      'default_crl_hours = 24',
      '[any]', 'commonName = optional', 'emailAddress = optional', 'organizationName = optional', 'countryName = optional',
      '[req]', 'distinguished_name = dn', '[dn]',
      '[v3]', ...lines,
      '[crl_ext]', 'authorityKeyIdentifier = keyid:always',
    ].join('\n');
    writeFileSync(file, config + '\n');
    return file;
  }

  /** Issues a certificate signed by this CA with `openssl ca`. */
  issue(name: string, options: IssueOptions): IssuedCertificate {
    const keyPath = path.join(this.home, `${name}.key`);
    const csrPath = path.join(this.home, `${name}.csr`);
    const certPath = path.join(this.home, `${name}.pem`);
    newKey(keyPath);
    openssl(['req', '-new', '-key', keyPath, '-subj', options.subject, '-out', csrPath, '-config', this.writeExtensions(`${name}-req`, [])]);
    const base = options.ca
      ? ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid']
      : ['authorityKeyIdentifier = keyid'];
    const config = this.writeExtensions(name, [...base, ...(options.extensions ?? [])]);
    const serial = (this.serial++).toString(16).toUpperCase();
    writeFileSync(path.join(this.home, 'serial'), serial + '\n');
    const args = ['ca', '-batch', '-notext', '-config', config, '-extensions', 'v3', '-in', csrPath, '-out', certPath, '-md', 'sha256'];
    if (options.startDate) args.push('-startdate', options.startDate);
    args.push(...(options.endDate ? ['-enddate', options.endDate] : ['-days', '365']));
    openssl(args);
    const der = pemOrDer(readFileSync(certPath))[0] ?? new Uint8Array();
    return { name, certPath, keyPath, der, parsed: parseCertificate(der) };
  }

  /** An intermediate CA issued by this CA. */
  intermediate(name: string, subject: string, extensions: readonly string[] = []): TestCa {
    const sub = new TestCa(this.pki, name);
    const csrPath = path.join(sub.home, 'ca.csr');
    openssl(['req', '-new', '-key', sub.keyPath, '-subj', subject, '-out', csrPath, '-config', this.writeExtensions(`${name}-req`, [])]);
    const config = this.writeExtensions(name, ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', ...extensions]);
    writeFileSync(path.join(this.home, 'serial'), (this.serial++).toString(16).toUpperCase() + '\n');
    openssl(['ca', '-batch', '-notext', '-config', config, '-extensions', 'v3', '-in', csrPath, '-out', sub.certPath, '-days', '1000', '-md', 'sha256']);
    sub.load();
    return sub;
  }

  /** A cross-certificate: `other`'s name and key, certified by this CA. */
  crossCertify(other: TestCa, subject: string, label: string): Uint8Array {
    const csrPath = path.join(this.home, `${label}.csr`);
    const out = path.join(this.home, `${label}.pem`);
    openssl(['req', '-new', '-key', other.keyPath, '-subj', subject, '-out', csrPath, '-config', this.writeExtensions(`${label}-req`, [])]);
    const config = this.writeExtensions(label, ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid']);
    writeFileSync(path.join(this.home, 'serial'), (this.serial++).toString(16).toUpperCase() + '\n');
    openssl(['ca', '-batch', '-notext', '-config', config, '-extensions', 'v3', '-in', csrPath, '-out', out, '-days', '1000', '-md', 'sha256']);
    return pemOrDer(readFileSync(out))[0] ?? new Uint8Array();
  }

  revoke(cert: IssuedCertificate | TestCa, reason = 'keyCompromise'): void {
    openssl(['ca', '-config', this.writeExtensions('revoke', []), '-revoke', cert.certPath, '-crl_reason', reason]);
  }

  /** A DER CRL valid for `hours` hours. */
  crl(hours = 24): Uint8Array {
    const out = path.join(this.home, 'crl.pem');
    openssl(['ca', '-gencrl', '-config', this.writeExtensions('crl', []), '-crlexts', 'crl_ext', '-crlhours', String(hours), '-out', out]);
    return pemOrDer(readFileSync(out), 'X509 CRL')[0] ?? new Uint8Array();
  }
}

function newKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}
