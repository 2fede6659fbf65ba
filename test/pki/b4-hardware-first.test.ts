import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { certificateModel } from '../../src/pki/certificate-model';
import { selectCertificate } from '../../src/pki/select-certificate';
import { TestPki, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';

// B4: for the user's own keys, token certificates win over software ones; with
// smartCardOnly only token certificates are considered.
let pki: TestPki;
let ca: TestCa;
let onToken: IssuedCertificate;
let inSoftware: IssuedCertificate;
const now = new Date(Date.now() + 60_000);
const address = 'hal@example.org';

beforeAll(() => {
  pki = new TestPki();
  ca = pki.root('root', '/CN=B4 Root');
  const extensions = ['keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection'];
  inSoftware = ca.issue('software', { subject: `/CN=Hal/emailAddress=${address}`, extensions });
  onToken = ca.issue('token', { subject: `/CN=Hal/emailAddress=${address}`, extensions });
});
afterAll(() => pki.dispose());

describe('B4 hardware first', () => {
  it('prefers the token certificate for signing and decrypting', async () => {
    const hardware = certificateModel(onToken.parsed, 'hardware');
    const software = certificateModel(inSoftware.parsed, 'software');
    for (const purpose of ['sign', 'decrypt'] as const) {
      const result = await selectCertificate([software, hardware], { purpose, address, time: now });
      expect(result.selected).toBe(hardware);
      expect(result.ranked).toEqual([hardware, software]);
    }
  });

  it('considers only token certificates with smartCardOnly', async () => {
    const software = certificateModel(inSoftware.parsed, 'software');
    const policy = { smartCardOnly: true, certMatchingDoNotUseProxies: false };
    const none = await selectCertificate([software], { purpose: 'sign', address, time: now, policy });
    expect(none.selected).toBeUndefined();
    expect(none.rejected).toEqual([{ model: software, reason: 'not-on-token' }]);
    const hardware = certificateModel(onToken.parsed, 'hardware');
    expect((await selectCertificate([software, hardware], { purpose: 'sign', address, time: now, policy })).ranked).toEqual([hardware]);
  });

  it('does not apply to recipients\' certificates', async () => {
    const a = certificateModel(inSoftware.parsed);
    const policy = { smartCardOnly: true, certMatchingDoNotUseProxies: false };
    expect((await selectCertificate([a], { purpose: 'encrypt', address, time: now, policy })).selected).toBe(a);
  });
});
