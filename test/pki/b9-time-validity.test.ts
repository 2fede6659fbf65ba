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

// The CAs are made now and valid from now on, so every time here is counted from now.
const DAY = 86_400_000;
const fromNow = (days: number): Date => new Date(Date.now() + days * DAY);
/** The form `openssl ca -startdate/-enddate` takes: YYYYMMDDHHMMSSZ. */
const opensslTime = (date: Date): string => `${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
const window = (startDays: number, endDays: number) => ({ startDate: opensslTime(fromNow(startDays)), endDate: opensslTime(fromNow(endDays)) });

describe('B9 time validity', () => {
  it('accepts a certificate inside its window', async () => {
    const ee = sub.issue('ok', { subject: '/CN=Ok', ...window(-30, 180) });
    const result = await validate(ee.parsed, fromNow(1));
    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it('says expired after notAfter', async () => {
    const ee = sub.issue('expired', { subject: '/CN=Expired', ...window(-700, -300) });
    const result = await validate(ee.parsed, fromNow(1));
    expect(result.reason).toBe('expired');
    expect(result.errors[0]?.subject).toBe('CN=Expired');
  });

  it('says not-yet-valid before notBefore', async () => {
    const ee = sub.issue('future', { subject: '/CN=Future', ...window(30, 400) });
    expect((await validate(ee.parsed, fromNow(1))).reason).toBe('not-yet-valid');
  });

  it('checks the intermediate too', async () => {
    // The sub CA is valid for 1000 days from now; a time past that fails on the CA, not the leaf.
    const ee = sub.issue('long', { subject: '/CN=Long', ...window(-30, 5000) });
    const result = await validate(ee.parsed, fromNow(1200));
    expect(result.reason).toBe('expired');
    expect(result.errors[0]?.subject).toBe('CN=B9 Sub CA');
  });
});
