/**
 * B10 over LDAP from the command line: a certificate whose only CRL distribution point is
 * an ldap:// URL gets its revocation answer from the CRL published in slapd, through
 * `cachet cert check`'s fetcher. Then that slapd is stopped: by default the check goes
 * ahead without a CRL, --check-crl says the status is unknown, --require-revocation makes
 * the certificate invalid, each within the retrieval time limits, and the host's own
 * `directory/read-url` says the directory is unreachable within its timeout. This file runs
 * a slapd of its own, so stopping it touches no other test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPki, type IssuedCertificate, type TestCa } from '../../pki/helpers/openssl-pki';
import { addEntries, freshSubtree, instanceUrl, startDirectoryInstance, stopDirectoryInstance, type DirectoryInstance } from '../../support/directory';
import { directoryHost, expectDirectoryError } from '../../support/directory-host';
import { runCachet } from '../../support/run-cachet';

const instance: DirectoryInstance = { stateDir: '/var/tmp/cachet-ldap-cli', ldapPort: 3390, ldapsPort: 6637 };
let pki: TestPki;
let ca: TestCa;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
let crlUrl: string;
const saved = { cache: process.env['XDG_CACHE_HOME'], config: process.env['CACHET_HOST_CONFIG'] };

/** A CRL cache of its own for each check, so every answer comes from the directory. */
function freshCrlCache(): void {
  process.env['XDG_CACHE_HOME'] = mkdtempSync(path.join(tmpdir(), 'cachet-crl-cache-'));
}

const check = async (cert: IssuedCertificate, ...flags: string[]) => {
  freshCrlCache();
  const started = Date.now();
  const run = await runCachet(['cert', 'check', cert.certPath, '--trust', ca.certPath, '--json', ...flags]);
  const json = JSON.parse(run.out) as { valid: boolean; reason: string | null; warnings: { reason: string; message: string }[]; errors: { reason: string; message: string }[] };
  return { code: run.code, json, ms: Date.now() - started };
};

beforeAll(async () => {
  await startDirectoryInstance(instance);
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-cli-ldap-'));
  // The developer's own host configuration plays no part.
  process.env['CACHET_HOST_CONFIG'] = path.join(dir, 'host.json');
  writeFileSync(process.env['CACHET_HOST_CONFIG'], '{}\n');
  pki = new TestPki('cachet-cli-ldap-');
  ca = pki.root('ca', '/CN=LDAP CRL Test CA');
  const base = await freshSubtree('cli-crl', instance);
  const caDn = `cn=LDAP CRL Test CA,${base}`;
  // Percent-encoded commas (RFC 4516 §2.1): openssl's configuration would split the URL at a comma.
  crlUrl = `${instanceUrl(instance)}/${caDn.replaceAll(' ', '%20').replaceAll(',', '%2C')}?certificateRevocationList;binary?base?(objectClass=pkiCA)`;
  const leaf = (name: string) => ca.issue(name, {
    subject: `/CN=${name}/emailAddress=${name}@example.test`,
    extensions: ['keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = emailProtection', `crlDistributionPoints = URI:${crlUrl}`],
  });
  good = leaf('ivy');
  revoked = leaf('mallory');
  ca.revoke(revoked);
  await addEntries([{ dn: caDn, attributes: { objectClass: ['applicationProcess', 'pkiCA'], cn: 'LDAP CRL Test CA', 'cACertificate;binary': ca.der, 'certificateRevocationList;binary': ca.crl(24) } }], instance);
}, 60_000);

afterAll(async () => {
  await stopDirectoryInstance(instance);
  pki.dispose();
  for (const [key, value] of [['XDG_CACHE_HOME', saved.cache], ['CACHET_HOST_CONFIG', saved.config]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('cachet cert check with an ldap:// CRL distribution point', () => {
  it('finds the certificate on the CRL published in the directory', async () => {
    expect(good.parsed.crlDistributionPoints?.[0]?.name).toMatchObject({ kind: 'full', names: [{ kind: 'uri', value: crlUrl }] });
    const bad = await check(revoked);
    expect([bad.code, bad.json.valid, bad.json.reason]).toEqual([1, false, 'revoked']);
    // Only a CRL actually read lets a check that requires one pass.
    const fine = await check(good, '--require-revocation');
    expect([fine.code, fine.json.valid, fine.json.warnings]).toEqual([0, true, []]);
  });

  it('with the directory stopped: goes ahead by default, warns with --check-crl, fails with --require-revocation, in time', async () => {
    await stopDirectoryInstance(instance);
    const quiet = await check(revoked);
    expect([quiet.code, quiet.json.valid, quiet.json.warnings]).toEqual([0, true, []]);
    const warned = await check(revoked, '--check-crl');
    expect([warned.code, warned.json.valid, warned.json.warnings.map((w) => w.reason)]).toEqual([0, true, ['revocation-unknown']]);
    const strict = await check(revoked, '--require-revocation');
    expect([strict.code, strict.json.valid, strict.json.reason]).toEqual([1, false, 'revocation-unknown']);
    // Nothing listens: each check ends at once, far inside B10's 10 s for all fetches.
    for (const { ms } of [quiet, warned, strict]) expect(ms).toBeLessThan(5000);
  });

  it('the host says the stopped directory is unreachable within the request\'s timeout', async () => {
    const host = directoryHost();
    const started = Date.now();
    await expectDirectoryError(host.call('directory/read-url', { url: crlUrl, timeoutMs: 2000, maxBytes: 1 << 20 }), 'directory/unreachable', /127\.0\.0\.1:3390 cannot be reached/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
