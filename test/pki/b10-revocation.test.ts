import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { validateCertificate, type ValidationOptions } from '../../src/pki/certificate-validator';
import { parseCrl } from '../../src/pki/parsed-crl';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { TestPki, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// B10: revocation by CRL unless disableCrlCheck; a revoked certificate is invalid; with no
// CRL, silent by default and a visible revocation-unknown with checkCrl.
let pki: TestPki;
let root: TestCa;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
let crl: Uint8Array;
const verifier = nodeVerifier();

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('root', '/CN=B10 Root');
  good = root.issue('good', { subject: '/CN=Good' });
  revoked = root.issue('revoked', { subject: '/CN=Revoked' });
  root.revoke(revoked, 'keyCompromise');
  crl = root.crl(24);
});
afterAll(() => pki.dispose());

const base = (): ValidationOptions => ({ verifier, anchors: [anchorFromCertificate(root.certificate)], time: soon() });

describe('B10 revocation', () => {
  it('rejects a certificate listed on the CRL', async () => {
    const result = await validateCertificate(revoked.parsed, { ...base(), crls: [parseCrl(crl)] });
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('revoked');
    expect(result.errors[0]?.message).toContain('reason 1');
  });

  it('accepts a certificate the CRL does not list', async () => {
    const result = await validateCertificate(good.parsed, { ...base(), crls: [parseCrl(crl)], revocation: 'require' });
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('goes ahead silently without a CRL by default', async () => {
    const result = await validateCertificate(good.parsed, base());
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('goes ahead with a visible revocation-unknown when checkCrl is set', async () => {
    const result = await validateCertificate(good.parsed, { ...base(), reportUnknownRevocation: true });
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => w.reason)).toEqual(['revocation-unknown']);
  });

  it('skips revocation with disableCrlCheck', async () => {
    const result = await validateCertificate(revoked.parsed, { ...base(), crls: [parseCrl(crl)], revocation: 'off' });
    expect(result.valid).toBe(true);
  });

  it('does not trust a CRL after its nextUpdate', async () => {
    const later = new Date(Date.now() + 48 * 3600_000);
    const result = await validateCertificate(revoked.parsed, { ...base(), time: later, crls: [parseCrl(crl)], revocation: 'require' });
    expect(result.reason).toBe('revocation-unknown');
  });
});
