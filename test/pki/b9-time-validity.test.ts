import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { validateCertificate } from '../../src/pki/certificate-validator';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { TestPki, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier } from './helpers/pki-fixtures';

// B9: time validity is checked on every certificate of the path, with a clear reason.
let pki: TestPki;
let root: TestCa;
let sub: TestCa;
const verifier = nodeVerifier();

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('root', '/CN=B9 Root');
  sub = root.intermediate('sub', '/CN=B9 Sub CA');
});
afterAll(() => pki.dispose());

const validate = (target: Parameters<typeof validateCertificate>[0], time: Date) =>
  validateCertificate(target, { verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: [sub.certificate], time, revocation: 'off' });

describe('B9 time validity', () => {
  it('accepts a certificate inside its window', async () => {
    const ee = sub.issue('ok', { subject: '/CN=Ok', startDate: '20260101000000Z', endDate: '20270601000000Z' });
    const result = await validate(ee.parsed, new Date('2026-12-01T00:00:00Z'));
    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it('says expired after notAfter', async () => {
    const ee = sub.issue('expired', { subject: '/CN=Expired', startDate: '20240101000000Z', endDate: '20250101000000Z' });
    const result = await validate(ee.parsed, new Date('2026-12-01T00:00:00Z'));
    expect(result.reason).toBe('expired');
    expect(result.errors[0]?.subject).toBe('CN=Expired');
  });

  it('says not-yet-valid before notBefore', async () => {
    const ee = sub.issue('future', { subject: '/CN=Future', startDate: '20270101000000Z', endDate: '20280101000000Z' });
    expect((await validate(ee.parsed, new Date('2026-12-01T00:00:00Z'))).reason).toBe('not-yet-valid');
  });

  it('checks the intermediate too', async () => {
    // The sub CA is valid for 1000 days from now; a time past that fails on the CA, not the leaf.
    const ee = sub.issue('long', { subject: '/CN=Long', startDate: '20260101000000Z', endDate: '20400101000000Z' });
    const result = await validate(ee.parsed, new Date('2035-01-01T00:00:00Z'));
    expect(result.reason).toBe('expired');
    expect(result.errors[0]?.subject).toBe('CN=B9 Sub CA');
  });
});
