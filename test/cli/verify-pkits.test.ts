/**
 * `cachet verify` through the command line over NIST's PKITS signed messages: every one of
 * the 224 must pass or fail as PKITS says, under each of its test's settings, given to the
 * command as its own options (--policy, --explicit-policy, --inhibit-policy-mapping,
 * --inhibit-any-policy). Revocation is required, as PKITS expects a verifier that checks
 * it, and the CRLs come from the messages themselves (--offline: nothing is fetched).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { policySet, type PkitsCase } from '../pki/helpers/pkits-settings';

const corpus = '../shared/corpora/pkits';
const anchor = `${corpus}/certs/TrustAnchorRootCertificate.crt`;

interface SmimeCase {
  file: string;
  test_number: string;
  title: string;
  should_validate: boolean[];
}

interface VerifyJson {
  layers: { signers: { status: string; signature: string; validation: { valid: boolean; reason?: string } }[] }[];
}

const expected = (JSON.parse(readFileSync(`${corpus}/pkits-smime-expected.json`, 'utf8')) as { cases: SmimeCase[] }).cases;
const pathCases = (JSON.parse(readFileSync(`${corpus}/pkits-expected.json`, 'utf8')) as { cases: PkitsCase[] }).cases;
const baseTitle = (title: string): string => title.replace(/ \(Subpart \d+\)$/, '');

/** The PKITS initial settings (PKITS.pdf §3.1) as `cachet verify` options. */
function settingsOptions(settings: Record<string, string>): string[] {
  const options: string[] = [];
  if (settings.SetInitialPolicySet !== undefined) for (const oid of policySet(settings.SetInitialPolicySet)) options.push('--policy', oid);
  if (settings.SetInitialExplicitPolicy === 'true') options.push('--explicit-policy');
  if (settings.SetInitialPolicyMappingInhibit === 'true') options.push('--inhibit-policy-mapping');
  if (settings.SetInitialInhibitAnyPolicy === 'true') options.push('--inhibit-any-policy');
  return options;
}

let runs = 0;
let agreed = 0;

describe('cachet verify agrees with PKITS', () => {
  it('has all 224 messages', () => {
    expect(expected).toHaveLength(224);
  });

  for (const c of expected) {
    it(`${c.test_number} ${c.file}`, async () => {
      const subparts = pathCases.filter((p) => baseTitle(p.title) === baseTitle(c.title));
      expect(subparts.map((p) => p.should_validate)).toEqual(c.should_validate);
      for (const subpart of subparts) {
        // The DSA messages of 4.1.4–4.1.6 are DSA-1024 with SHA-1, as DSA was then signed.
        const sha1 = c.test_number.startsWith('4.1.') ? ['--insecure-allow-sha1'] : [];
        // A fixed time inside every PKITS validity period, so that the test does not age.
        const args = ['verify', '--trust', anchor, '--require-revocation', '--offline', '--at', '2020-01-01T00:00:00Z', ...sha1, ...settingsOptions(subpart.settings), '--json', `${corpus}/${c.file}`];
        const result = await runCachet(args);
        runs++;
        const signer = (JSON.parse(result.out) as VerifyJson).layers[0]?.signers[0];
        expect({ subpart: subpart.title, code: result.code, valid: signer?.validation.valid, signature: signer?.signature })
          .toEqual({ subpart: subpart.title, code: subpart.should_validate ? 0 : 1, valid: subpart.should_validate, signature: 'good' });
        if (!subpart.should_validate) expect(['untrusted', 'wrong-usage']).toContain(signer?.status);
        agreed++;
      }
    });
  }

  afterAll(() => {
    console.log(`cachet verify agrees with PKITS on ${agreed} of ${runs} runs (${expected.length} messages)`);
  });
});
