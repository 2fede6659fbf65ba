import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';

import { verifySmime } from '../../src/cms/smime-verify';
import { parseMessage } from '../../src/mime';
import { checkCertificate } from '../../src/pki/check-certificate';
import { parseEachSkippingBroken } from '../../src/pki/parse-each';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl } from '../../src/pki/parsed-crl';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { judgeSigners } from '../../src/smime/judge-signers';
import { messageAuthor } from '../../src/smime/message-author';
import { nodeVerifier } from './helpers/pki-fixtures';
import { policyInputs, type PkitsCase } from './helpers/pkits-settings';

// The 224 PKITS signed messages (PKITS.pdf §6.2): the CMS carries the path's certificates
// and CRLs; each must verify or fail as pkits-smime-expected.json says. A message whose
// test has subparts lists one verdict per subpart: each is checked under that subpart's
// settings from pkits-expected.json (4.10.3 Subpart 1, for one, fails by design).
const corpus = '../shared/corpora/pkits';

interface SmimeCase {
  file: string;
  test_number: string;
  title: string;
  should_validate: boolean[];
}

const expected = JSON.parse(readFileSync(`${corpus}/pkits-smime-expected.json`, 'utf8')) as { cases: SmimeCase[] };
const pathCases = (JSON.parse(readFileSync(`${corpus}/pkits-expected.json`, 'utf8')) as { cases: PkitsCase[] }).cases;
const baseTitle = (title: string): string => title.replace(/ \(Subpart \d+\)$/, '');

/** The path-validation cases (one per subpart, in order) that a signed message's test has. */
function subpartsOf(c: SmimeCase): PkitsCase[] {
  return pathCases.filter((p) => baseTitle(p.title) === baseTitle(c.title));
}
const anchor = anchorFromCertificate(parseCertificate(readFileSync(`${corpus}/certs/TrustAnchorRootCertificate.crt`)));
const verifier = nodeVerifier();
const time = new Date('2020-01-01T00:00:00Z');
let agreed = 0;

describe('NIST PKITS signed messages', () => {
  it('has all 224 messages', () => {
    expect(expected.cases).toHaveLength(224);
  });

  for (const c of expected.cases) {
    it(`${c.test_number} ${c.file}`, async () => {
      const message = parseMessage(new Uint8Array(readFileSync(`${corpus}/${c.file}`)));
      // The DSA messages (4.1.4–4.1.6) are DSA-1024 with SHA-1, as DSA was then; SHA-1 is
      // allowed here so that their signatures are checked rather than reported weak.
      const result = await verifySmime(message, { subtle: webcrypto.subtle as SubtleCrypto, insecureAllowSha1: true });
      const layer = result.layers[0];
      expect(result.layers).toHaveLength(1);
      expect(layer?.signers).toHaveLength(1);
      // The signatures themselves are all sound; path validation decides.
      expect(layer?.signers[0]?.status).toBe('good');
      const subparts = subpartsOf(c);
      expect(subparts.map((p) => p.should_validate)).toEqual(c.should_validate);
      for (const subpart of subparts) {
        // The validation of the reader and the CLI: RFC 5280 for signing e-mail, with the
        // certificates and CRLs the message carries, under this subpart's settings.
        const [judged] = await judgeSigners(layer as NonNullable<typeof layer>, messageAuthor(message), (der, context) => checkCertificate(parseCertificate(der), {
          verifier,
          anchors: [anchor],
          intermediates: parseEachSkippingBroken(context.intermediates, parseCertificate),
          crls: parseEachSkippingBroken(context.crls, parseCrl),
          time,
          revocation: 'require',
          policy: policyInputs(subpart.settings),
          purpose: 'sign',
        }));
        const validation = judged?.validation;
        expect({ subpart: subpart.title, valid: validation?.valid, errors: validation?.errors })
          .toMatchObject({ subpart: subpart.title, valid: subpart.should_validate });
        // PKITS certificates mostly carry no e-mail address, so a valid one is a from-mismatch
        // warning rather than good; an invalid one is never better than untrusted.
        const validStatus = judged?.authorMatch.matches ? 'good' : 'from-mismatch';
        expect(judged?.verdict.status).toBe(subpart.should_validate ? validStatus : judged?.validation.reason === 'wrong-usage' ? 'wrong-usage' : 'untrusted');
      }
      agreed++;
    });
  }

  afterAll(() => {
    console.log(`PKITS S/MIME agreement: ${agreed}/${expected.cases.length}`);
  });
});
