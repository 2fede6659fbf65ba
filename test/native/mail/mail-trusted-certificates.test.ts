/**
 * Extra CAs for mail servers come from the host configuration (mailTrustedCertificates)
 * and are added to Node's roots, never put in their place; a file that cannot be used is
 * a mail/tls error, not a silent fallback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrustedCertificates, mailTlsOptions } from '../../../native-host/mail/mail-tls';
import { parseHostConfig } from '../../../native-host/stores/host-config';
import { expectCachetError } from '../../support/expect-cachet-error';

let dir: string;
const [first = '', second = ''] = rootCertificates;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-roots-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mailTrustedCertificates', () => {
  it('is a list of absolute paths, empty by default', () => {
    expect(parseHostConfig({}, 'host.json').mailTrustedCertificates).toEqual([]);
    expect(parseHostConfig({ mailTrustedCertificates: ['/etc/ssl/company-ca.pem'] }, 'host.json').mailTrustedCertificates).toEqual(['/etc/ssl/company-ca.pem']);
    expectCachetError(() => parseHostConfig({ mailTrustedCertificates: ['company-ca.pem'] }, 'host.json'), 'input/invalid');
    expectCachetError(() => parseHostConfig({ mailTrustedCertificates: '/etc/ssl/company-ca.pem' }, 'host.json'), 'input/invalid');
  });

  it('reads every certificate of each PEM file', () => {
    const bundle = path.join(dir, 'bundle.pem');
    writeFileSync(bundle, `comment\n${first}\n${second}\n`);
    expect(readTrustedCertificates([bundle])).toEqual([first.trim(), second.trim()]);
  });

  it('refuses a missing file or one without a certificate, as mail/tls', () => {
    const empty = path.join(dir, 'empty.pem');
    writeFileSync(empty, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expectCachetError(() => readTrustedCertificates([path.join(dir, 'missing.pem')]), 'mail/tls');
    expectCachetError(() => readTrustedCertificates([empty]), 'mail/tls');
  });

  it('adds to Node\'s roots, verifies always, and sends SNI for names only', () => {
    expect(mailTlsOptions('mail.example.test', [])).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', servername: 'mail.example.test' });
    const withExtra = mailTlsOptions('127.0.0.1', ['EXTRA']);
    expect(withExtra.servername).toBeUndefined();
    expect(withExtra.ca).toEqual([...rootCertificates, 'EXTRA']);
    expect(withExtra.rejectUnauthorized).toBe(true);
  });
});
