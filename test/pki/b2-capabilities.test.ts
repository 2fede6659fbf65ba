import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { certificateModel } from '../../src/pki/certificate-model';
import { selectCertificate } from '../../src/pki/select-certificate';
import { TestPki, type TestCa } from './helpers/openssl-pki';

// B2: key usage and extended key usage decide; a certificate covering only the operation
// wins over one covering both.
let pki: TestPki;
let ca: TestCa;
const now = new Date(Date.now() + 60_000);
const address = 'frank@example.org';
const subject = `/CN=Frank/emailAddress=${address}`;

beforeAll(() => {
  pki = new TestPki();
  ca = pki.root('root', '/CN=B2 Root');
});
afterAll(() => pki.dispose());

const issue = (name: string, keyUsage: string, eku = 'emailProtection') =>
  certificateModel(ca.issue(name, { subject, extensions: [`keyUsage = critical, ${keyUsage}`, `extendedKeyUsage = ${eku}`] }).parsed);

describe('B2 capabilities', () => {
  it('prefers a signing-only certificate for signing over a dual-use one', async () => {
    const dual = issue('dual', 'digitalSignature, keyAgreement');
    const signOnly = issue('sign-only', 'digitalSignature, nonRepudiation');
    const result = await selectCertificate([dual, signOnly], { purpose: 'sign', address, time: now });
    expect(result.selected).toBe(signOnly);
    expect(result.ranked).toEqual([signOnly, dual]);
  });

  it('prefers an encryption-only certificate for encryption over a dual-use one', async () => {
    const dual = issue('dual2', 'digitalSignature, keyAgreement');
    const encOnly = issue('enc-only', 'keyAgreement');
    const result = await selectCertificate([dual, encOnly], { purpose: 'encrypt', address, time: now });
    expect(result.selected).toBe(encOnly);
  });

  it('never picks a certificate whose key usage lacks the operation', async () => {
    const encOnly = issue('enc-only2', 'keyAgreement');
    const result = await selectCertificate([encOnly], { purpose: 'sign', address, time: now });
    expect(result.selected).toBeUndefined();
    expect(result.rejected[0]?.reason).toBe('wrong-usage');
  });

  it('requires emailProtection when extended key usage is present', async () => {
    const tls = issue('tls', 'digitalSignature', 'serverAuth');
    const email = issue('email', 'digitalSignature', 'emailProtection, clientAuth');
    expect(tls.canSign).toBe(false);
    const result = await selectCertificate([tls, email], { purpose: 'sign', address, time: now });
    expect(result.selected).toBe(email);
  });

  it('uses a dual-use certificate when it is the only one', async () => {
    const dual = issue('dual3', 'digitalSignature, keyAgreement');
    expect((await selectCertificate([dual], { purpose: 'encrypt', address, time: now })).selected).toBe(dual);
    expect((await selectCertificate([dual], { purpose: 'sign', address, time: now })).selected).toBe(dual);
  });
});
