import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allParts, parseMessage } from '../../src/mime';
import { signatureDigestChecks, type DigestCheck } from './signed-digests';

// DESIGN.md invariant 4: the parser's byte ranges must be exactly what the senders signed.
// For every signature reachable without decryption, the digest of the range the parser
// reports is compared with the messageDigest the signer signed. Which messages must fail
// is written down below with the reason, and the test asserts that exact set.

const corpora = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

function emlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return emlFiles(full);
    return name.endsWith('.eml') ? [full] : [];
  }).sort();
}

type Outcome = 'match' | 'canonical-only' | 'mismatch';

function outcome(check: DigestCheck): Outcome {
  if (check.match) return 'match';
  return check.canonicalMatch ? 'canonical-only' : 'mismatch';
}

/**
 * Every check that is not an exact match, as `where over outcome`, keyed by file name.
 * The patterns name the corpus' own tampered and hand-made messages.
 */
function expectedDeviations(file: string): string[] {
  const name = path.basename(file);
  // Tampered content (EXPECTED.json: sig_good false for every .bad variant).
  if (/^alice\.dsig\.SHA\d+\.multipart\.bad\.eml$/.test(name)) return ['root mime-part mismatch'];
  // The detached signature also carries an eContent that differs from the MIME part; the
  // signature covers the eContent (the trap the corpus README names for PKI.js).
  if (/^alice\.dsig\.SHA\d+\.multipart\.mismatch-econtent\.eml$/.test(name)) return ['root mime-part mismatch'];
  // Clear-signed over an encrypted part whose ciphertext no longer is the one signed;
  // EXPECTED.json expects no signature status for these (sig: false). OpenSSL agrees.
  if (/^alice\.env\.dsig\.SHA\d+\.multipart\.eml$/.test(name)) return ['root mime-part mismatch'];
  // smime-manual/readme.txt: hand-assembled from other messages, "the signature doesn't
  // match the data". The two with an outer PGP signature have no S/MIME signature to check.
  if (file.includes(`${path.sep}smime-manual${path.sep}`) && !name.startsWith('outer-pgp')) return ['root mime-part mismatch'];
  // A real message anonymised after signing (example.com addresses): neither signature
  // matches, exactly as `openssl smime -verify` reports.
  if (name === 'nested-sigs.eml') return ['root mime-part mismatch', 'root/0/1/0 mime-part mismatch'];
  // Dave's opaque signature wraps Alice's clear-signed message written with bare LF line
  // breaks; Alice signed its CRLF canonical form (RFC 8551 §3.1.1), so only the
  // canonicalised range matches. That it does shows the range itself is right.
  if (/^alice\.plain\.dsig\.SHA\d+\.multipart\.dave\.sig\.SHA\d+\.opaque\.eml$/.test(name)) return ['root/e mime-part canonical-only'];
  return [];
}

const groups = [
  { label: 'thunderbird-smime', dir: path.join(corpora, 'thunderbird-smime'), minimumSigned: 50 },
  { label: 'pkits/nist-smime', dir: path.join(corpora, 'pkits/nist-smime'), minimumSigned: 224 },
  { label: 'openssl-generated', dir: path.join(corpora, 'openssl-generated'), minimumSigned: 2 },
  { label: 'openssl/smime-eml', dir: path.join(corpora, 'openssl/smime-eml'), minimumSigned: 1 },
  { label: 'pkijs', dir: path.join(corpora, 'pkijs'), minimumSigned: 1 },
];

describe('signed byte ranges hash to the signers\' messageDigest', () => {
  for (const { label, dir, minimumSigned } of groups) {
    it(`${label}: every signature matches except the listed tampered ones`, () => {
      const files = emlFiles(dir);
      expect(files.length).toBeGreaterThan(0);
      const found: Record<string, string[]> = {};
      const expected: Record<string, string[]> = {};
      let signedFiles = 0;
      let exact = 0;
      for (const file of files) {
        const relative = path.relative(corpora, file);
        const checks = signatureDigestChecks(parseMessage(readFileSync(file)));
        if (checks.length > 0) signedFiles++;
        exact += checks.filter((c) => c.match).length;
        const deviations = checks.filter((c) => !c.match).map((c) => `${c.where} ${c.over} ${outcome(c)}`);
        if (deviations.length > 0) found[relative] = deviations;
        const wanted = expectedDeviations(file);
        if (wanted.length > 0) expected[relative] = wanted;
      }
      expect(found).toEqual(expected);
      expect(signedFiles).toBeGreaterThanOrEqual(minimumSigned);
      expect(exact).toBeGreaterThan(0);
    });
  }

  it('reaches every kind of signature layer in the Thunderbird corpus', () => {
    const kinds = new Set<string>();
    for (const file of emlFiles(path.join(corpora, 'thunderbird-smime'))) {
      for (const check of signatureDigestChecks(parseMessage(readFileSync(file)))) kinds.add(`${check.over} ${check.algorithm}`);
    }
    for (const algorithm of ['sha1', 'sha256', 'sha384', 'sha512']) {
      expect(kinds).toContain(`mime-part ${algorithm}`);
      expect(kinds).toContain(`econtent ${algorithm}`);
    }
  });

  it('finds a multipart/signed first part that ends before the CRLF of the delimiter', () => {
    const file = path.join(corpora, 'thunderbird-smime/mailnews/test/data/smime/alice.dsig.SHA256.multipart.eml');
    const source = readFileSync(file);
    const signed = allParts(parseMessage(source)).find((p) => p.smimeKind === 'multipart-signed');
    const first = signed?.children[0];
    expect(first).toBeDefined();
    if (!first) return;
    const bytes = source.subarray(first.range.start, first.range.end).toString('latin1');
    expect(bytes.startsWith('Content-Type: text/plain')).toBe(true);
    expect(bytes.endsWith('Alice to Bob.\r\n')).toBe(true);
    expect(source.subarray(first.range.end, first.range.end + 4).toString('latin1')).toBe('\r\n--');
  });
});
