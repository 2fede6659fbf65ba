import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { certificateModel } from '../../src/pki/certificate-model';
import { selectCertificate } from '../../src/pki/select-certificate';
import { TestPki, type TestCa } from './helpers/openssl-pki';

// B3: only certificates inside their validity window are chosen.
let pki: TestPki;
let ca: TestCa;
const address = 'gina@example.org';
const subject = `/CN=Gina/emailAddress=${address}`;
const extensions = ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = emailProtection'];
const time = new Date('2030-06-15T12:00:00Z');

beforeAll(() => {
  pki = new TestPki();
  ca = pki.root('root', '/CN=B3 Root');
});
afterAll(() => pki.dispose());

const issue = (name: string, startDate: string, endDate: string) =>
  certificateModel(ca.issue(name, { subject, extensions, startDate, endDate }).parsed);

describe('B3 dates', () => {
  it('rejects an expired certificate', async () => {
    const expired = issue('expired', '20290101000000Z', '20300101000000Z');
    const result = await selectCertificate([expired], { purpose: 'sign', address, time });
    expect(result.selected).toBeUndefined();
    expect(result.rejected).toEqual([{ model: expired, reason: 'outside-validity' }]);
  });

  it('rejects a certificate that is not yet valid', async () => {
    const future = issue('future', '20310101000000Z', '20320101000000Z');
    const result = await selectCertificate([future], { purpose: 'sign', address, time });
    expect(result.selected).toBeUndefined();
    expect(result.rejected[0]?.reason).toBe('outside-validity');
  });

  it('chooses the current certificate among expired and future ones, newest first', async () => {
    const expired = issue('expired2', '20290101000000Z', '20300101000000Z');
    const older = issue('older', '20290601000000Z', '20310101000000Z');
    const current = issue('current', '20300101000000Z', '20310101000000Z');
    const future = issue('future2', '20310101000000Z', '20320101000000Z');
    const result = await selectCertificate([expired, older, future, current], { purpose: 'sign', address, time });
    expect(result.ranked).toEqual([current, older]);
  });
});
