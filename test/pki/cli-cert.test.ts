import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';

import { TestPki, openssl, type TestCa } from './helpers/openssl-pki';

// `cachet cert check` and `cachet cert select` end to end, in process.
const pkits = '../shared/corpora/pkits';
const cert = (name: string): string => `${pkits}/certs/${name}.crt`;
const crl = (name: string): string => `${pkits}/crls/${name}.crl`;

const run = (...argv: string[]) => runCachet(argv);

const pkitsArgs = ['--trust', cert('TrustAnchorRootCertificate'), '--intermediate', cert('GoodCACert'), '--crl', crl('GoodCACRL'), '--crl', crl('TrustAnchorRootCRL'), '--at', '2020-01-01T00:00:00Z', '--offline'];

describe('cachet cert check', () => {
  it('exits 0 for a valid certificate', async () => {
    const r = await run('cert', 'check', cert('ValidCertificatePathTest1EE'), ...pkitsArgs, '--require-revocation');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^valid/);
  });

  it('exits 1 with the reason word for a revoked certificate, as JSON', async () => {
    const r = await run('cert', 'check', cert('InvalidRevokedEETest3EE'), ...pkitsArgs, '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { valid: boolean; reason: string };
    expect(json).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('reports untrusted-root without --trust anchors that fit', async () => {
    const r = await run('cert', 'check', cert('ValidCertificatePathTest1EE'), '--at', '2020-01-01T00:00:00Z', '--offline');
    expect(r.code).toBe(1);
    expect(r.out).toContain('untrusted-root');
  });

  it('checks the use and the address', async () => {
    const r = await run('cert', 'check', cert('ValidCertificatePathTest1EE'), ...pkitsArgs, '--email', 'someone@example.org', '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { reason: string }).reason).toBe('email-mismatch');
  });

  it('exits 2 for unusable input and bad arguments', async () => {
    expect((await run('cert', 'check', `${pkits}/pkits-expected.json`)).code).toBe(2);
    expect((await run('cert', 'check', cert('GoodCACert'), '--for', 'dance')).code).toBe(2);
    expect((await run('cert', 'check', cert('GoodCACert'), '--at', 'yesterday')).code).toBe(2);
  });
});

describe('cachet cert select', () => {
  let pki: TestPki;
  let ca: TestCa;
  let store: string;
  beforeAll(() => {
    pki = new TestPki();
    ca = pki.root('root', '/CN=Select Root');
    store = path.join(pki.dir, 'store');
    mkdirSync(store);
    const subject = '/CN=Kim/emailAddress=kim@example.org';
    const dual = ca.issue('dual', { subject, extensions: ['keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection'] });
    const signOnly = ca.issue('sign-only', { subject, extensions: ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = emailProtection'] });
    const encOnly = ca.issue('enc-only', { subject, extensions: ['keyUsage = critical, keyAgreement', 'extendedKeyUsage = emailProtection'] });
    copyFileSync(dual.certPath, path.join(store, 'dual.pem'));
    // DER and PKCS#12 alike: the signing-only one as a PKCS#12 with its certificate unencrypted.
    openssl(['pkcs12', '-export', '-in', signOnly.certPath, '-inkey', signOnly.keyPath, '-certpbe', 'NONE', '-passout', 'pass:secret', '-out', path.join(store, 'sign-only.p12')]);
    writeFileSync(path.join(store, 'enc-only.der'), encOnly.der);
    // A PKCS#12 whose certificate is password-protected: skipped and reported.
    openssl(['pkcs12', '-export', '-in', dual.certPath, '-inkey', dual.keyPath, '-passout', 'pass:secret', '-out', path.join(store, 'locked.p12')]);
    writeFileSync(path.join(store, 'notes.txt'), 'not a certificate');
  });
  afterAll(() => pki.dispose());

  it('chooses the single-use certificate for each operation', async () => {
    const sign = await run('cert', 'select', '--for', 'sign', '--email', 'kim@example.org', '--store', store, '--json', '--at', new Date(Date.now() + 60_000).toISOString());
    expect(sign.code).toBe(0);
    const signJson = JSON.parse(sign.out) as { selected: { file: string }; notes: string[] };
    expect(path.basename(signJson.selected.file)).toBe('sign-only.p12');
    expect(signJson.notes.join('\n')).toContain('locked.p12: 1 password-protected part(s) skipped');
    const enc = await run('cert', 'select', '--for', 'encrypt', '--email', 'kim@EXAMPLE.org', '--store', store, '--json', '--at', new Date(Date.now() + 60_000).toISOString());
    expect(path.basename((JSON.parse(enc.out) as { selected: { file: string } }).selected.file)).toBe('enc-only.der');
  });

  it('exits 1 when nothing matches', async () => {
    const r = await run('cert', 'select', '--for', 'sign', '--email', 'nobody@example.org', '--store', store);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no certificate for signing');
  });

  it('requires --for and --email', async () => {
    expect((await run('cert', 'select', '--email', 'kim@example.org', '--store', store)).code).toBe(2);
    expect((await run('cert', 'select', '--for', 'sign', '--store', store)).code).toBe(2);
  });
});
