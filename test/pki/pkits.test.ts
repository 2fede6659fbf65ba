import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';

import { validateCertificate } from '../../src/pki/certificate-validator';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl } from '../../src/pki/parsed-crl';
import { SignatureVerifier } from '../../src/pki/signature-verify';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { policyInputs, policySet, type PkitsCase } from './helpers/pkits-settings';

// NIST PKITS 1.0.1 (../shared/corpora/pkits): every case with its settings must give the
// expected verdict. The corpus' certificates are valid 2010–2030; validate in between.
const corpus = '../shared/corpora/pkits';

const expected = JSON.parse(readFileSync(`${corpus}/pkits-expected.json`, 'utf8')) as { cases: PkitsCase[] };

const cert = (name: string) => parseCertificate(readFileSync(`${corpus}/certs/${name}.crt`));
const crl = (name: string) => parseCrl(readFileSync(`${corpus}/crls/${name}.crl`));
const verifier = new SignatureVerifier(webcrypto as unknown as Crypto, { allowSha1: true });
const time = new Date('2020-01-01T00:00:00Z');

let agreed = 0;

// The reason words an invalid case of each PKITS section may give: a path rejected for an
// unrelated cause would pass the verdict check by accident.
const revocation = ['revoked', 'revocation-unknown'];
const reasonsBySection: Record<string, string[]> = {
  '4.1': ['bad-signature'],
  '4.2': ['expired', 'not-yet-valid'],
  '4.3': ['untrusted-root', 'name-chaining'],
  '4.4': revocation,
  '4.5': [...revocation, 'invalid-ca', 'wrong-usage'],
  '4.6': ['invalid-ca', 'path-length'],
  '4.7': ['wrong-usage', ...revocation],
  '4.8': ['policy'], '4.9': ['policy'], '4.10': ['policy'], '4.11': ['policy'], '4.12': ['policy'],
  '4.13': ['name-constraints'],
  '4.14': revocation,
  '4.15': revocation,
  '4.16': ['unknown-critical-extension'],
};
const section = (testNumber: string): string => testNumber.split('.').slice(0, 2).join('.');

describe('NIST PKITS path validation', () => {
  it('has all 249 cases', () => {
    expect(expected.cases).toHaveLength(249);
  });

  for (const [index, c] of expected.cases.entries()) {
    it(`${c.test_number} ${c.title} #${index} ${JSON.stringify(c.settings)}`, async () => {
      const [anchorName, ...rest] = c.certs;
      // Every PKITS file must at least decode: the invalid cases are invalid paths, not bad DER.
      const certs = rest.map(cert);
      const target = certs[certs.length - 1];
      if (!anchorName || !target) throw new Error('case without certificates');
      const result = await validateCertificate(target, {
        verifier,
        anchors: [anchorFromCertificate(cert(anchorName))],
        intermediates: certs.slice(0, -1),
        crls: c.crls.map(crl),
        time,
        policy: policyInputs(c.settings),
        revocation: 'require',
      });
      expect({ valid: result.valid, errors: result.errors }).toMatchObject({ valid: c.should_validate });
      if (!c.should_validate) expect(reasonsBySection[section(c.test_number)]).toContain(result.reason);
      if (c.should_validate && c.settings.SetUserConstrainedPolicySet !== undefined) {
        expect(result.userConstrainedPolicySet).toEqual(policySet(c.settings.SetUserConstrainedPolicySet).sort());
      }
      agreed++;
    });
  }

  afterAll(() => {
    console.log(`PKITS agreement: ${agreed}/${expected.cases.length}`);
  });
});
