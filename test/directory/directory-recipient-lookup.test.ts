/**
 * Issue 14's "Done when" for recipient look-up, against a real slapd of this file's own:
 * people and contacts hold certificates in both attributes, and B6's order with its
 * stop-at-first-valid rule shows the same through `cachet lookup` and through the
 * background's compose look-up (the native host's directory handlers in process):
 * - an expired person certificate makes the contact's valid one win;
 * - a revoked one, on the CRL published in the same directory (ldap:// distribution
 *   point), is never used;
 * - an alias in proxyAddresses matches a certificate issued to it, and with
 *   certMatchingDoNotUseProxies it does not;
 * - with slapd stopped, B10's default (go ahead silently) and checkCrl (a visible error)
 *   hold for a certificate whose only CRL distribution point is in that directory, within
 *   the time limits.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryUrlReader } from '../../background/directory/directory-url-reader';
import { createHostDirectory, type NativeRequest } from '../../background/directory/host-directory';
import { createPasswordPrompts } from '../../background/password-prompts';
import { createBrowserFetcher } from '../../background/pki/browser-fetcher';
import { createCertificateValidation } from '../../background/pki/certificate-validation';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { createDirectoryCache } from '../../src/directory/directory-cache';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import type { RecipientView } from '../../src/protocol/runtime';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { composerWorld } from '../background/compose-fixtures';
import { memoryStorage } from '../background/memory-storage';
import { TestPki, type IssuedCertificate, type TestCa } from '../pki/helpers/openssl-pki';
import { addEntries, DIRECTORY_ADMIN, freshSubtree, instanceUrl, startDirectoryInstance, stopDirectoryInstance, type DirectoryInstance } from '../support/directory';
import { smimeCertificateValue } from '../support/directory-fixtures';
import { directoryHost } from '../support/directory-host';
import { runCachet } from '../support/run-cachet';

const instance: DirectoryInstance = { stateDir: '/var/tmp/cachet-ldap-lookup', ldapPort: 3391, ldapsPort: 6638 };
const url = instanceUrl(instance);
// The test CA's keys are P-256: encryption to them is key agreement.
const encryption = ['keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection'];
const saved = { cache: process.env['XDG_CACHE_HOME'], config: process.env['CACHET_HOST_CONFIG'] };

let pki: TestPki;
let ca: TestCa;
let base: string;
let crlUrl: string;
let bookDir: string;
let restricted: string;
let passwordFile: string;
let wrongPasswordFile: string;
const serverCa = path.join(instance.stateDir, 'tls', 'ca.crt');
const certs: Record<string, IssuedCertificate> = {};

function issue(name: string, email: string, dates: { startDate?: string; endDate?: string } = {}): IssuedCertificate {
  const cert = ca.issue(name, { subject: `/CN=${name}/emailAddress=${email}`, extensions: [...encryption, `crlDistributionPoints = URI:${crlUrl}`], ...dates });
  certs[name] = cert;
  return cert;
}
const cert = (name: string): IssuedCertificate => certs[name] as IssuedCertificate;

/** A CRL cache of its own for each run of the command line, so every answer comes from the directory. */
function freshCrlCache(): void {
  process.env['XDG_CACHE_HOME'] = mkdtempSync(path.join(tmpdir(), 'cachet-lookup-crl-'));
}

beforeAll(async () => {
  await startDirectoryInstance(instance);
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-lookup-'));
  // The developer's own host configuration plays no part; the server's certificate is checked against this slapd's CA.
  process.env['CACHET_HOST_CONFIG'] = path.join(dir, 'host.json');
  writeFileSync(process.env['CACHET_HOST_CONFIG'], JSON.stringify({ directoryTrustedCertificates: [serverCa] }) + '\n');
  passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `${DIRECTORY_ADMIN.password}\n`);
  wrongPasswordFile = path.join(dir, 'wrong');
  writeFileSync(wrongPasswordFile, 'not-the-password\n');
  pki = new TestPki('cachet-lookup-pki-');
  ca = pki.root('ca', '/O=Example/CN=Lookup CA');
  base = await freshSubtree('recipient-lookup', instance);
  const caDn = `cn=Lookup CA,${base}`;
  // Percent-encoded commas (RFC 4516 §2.1): openssl's configuration would split the URL at a comma.
  crlUrl = `${url}/${caDn.replaceAll(' ', '%20').replaceAll(',', '%2C')}?certificateRevocationList;binary`;
  issue('bob-expired', 'bob@example.test', { startDate: '20200101000000Z', endDate: '20210101000000Z' });
  issue('bob-contact', 'bob@example.test');
  issue('carol-revoked', 'carol@example.test');
  issue('carol-contact', 'carol@example.test');
  issue('dan-revoked', 'dan@example.test');
  issue('rob-alias', 'rob@example.test');
  issue('ivy', 'ivy@example.test');
  issue('erin', 'erin@example.test');
  ca.revoke(cert('carol-revoked'));
  ca.revoke(cert('dan-revoked'));
  const person = (cn: string, mail: string, values: Record<string, Uint8Array | string | string[]>) => ({
    dn: `cn=${cn},${base}`, attributes: { objectClass: ['inetOrgPerson', 'mailRecipient'], cn, sn: cn, mail, ...values },
  });
  const contact = (cn: string, mail: string, smime: Uint8Array) => ({
    dn: `cn=${cn},${base}`, attributes: { objectClass: ['contact'], cn, sn: cn, mail, userSMIMECertificate: smime },
  });
  await addEntries([
    { dn: caDn, attributes: { objectClass: ['applicationProcess', 'pkiCA'], cn: 'Lookup CA', 'cACertificate;binary': ca.der, 'certificateRevocationList;binary': ca.crl(24) } },
    person('Bob', 'bob@example.test', { 'userCertificate;binary': cert('bob-expired').der }),
    contact('Bob (supplier)', 'bob@example.test', smimeCertificateValue(ca, cert('bob-contact'))),
    person('Carol', 'carol@example.test', { 'userCertificate;binary': cert('carol-revoked').der }),
    contact('Carol (partner)', 'carol@example.test', smimeCertificateValue(ca, cert('carol-contact'))),
    person('Dan', 'dan@example.test', { 'userCertificate;binary': cert('dan-revoked').der }),
    person('Robert', 'robert@example.test', { proxyAddresses: ['SMTP:robert@example.test', 'smtp:rob@example.test', 'X500:/o=Example/cn=robert'], 'userCertificate;binary': cert('rob-alias').der }),
  ], instance);
  // Only who has bound may read below ou=restricted (slapd.conf.in).
  restricted = await freshSubtree('restricted', instance);
  await addEntries([{ dn: `cn=Erin,${restricted}`, attributes: { objectClass: ['inetOrgPerson'], cn: 'Erin', sn: 'Erin', mail: 'erin@example.test', 'userCertificate;binary': cert('erin').der } }], instance);
  bookDir = path.join(dir, 'address-book');
  mkdirSync(bookDir);
  copyFileSync(cert('ivy').certPath, path.join(bookDir, 'ivy.pem'));
}, 120_000);

afterAll(async () => {
  await stopDirectoryInstance(instance);
  pki.dispose();
  for (const [key, value] of [['XDG_CACHE_HOME', saved.cache], ['CACHET_HOST_CONFIG', saved.config]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

interface CandidateJson {
  readonly source: string;
  readonly entry?: { readonly kind: string; readonly dn: string };
  readonly attribute?: string;
  readonly certificate: { readonly subject: string; readonly serialNumber: string } | null;
  readonly outcome: string;
  readonly reason?: string;
  readonly detail?: string;
  readonly matchedAddress?: string;
  readonly warnings?: readonly string[];
  readonly validation: { readonly valid: boolean; readonly reason: string | null; readonly warnings: readonly { reason: string }[] } | null;
}
interface LookupJson {
  readonly recipients: readonly {
    readonly address: string;
    readonly chosen: CandidateJson | null;
    readonly sources: readonly { name: string; state: string; found: number }[];
    readonly candidates: readonly CandidateJson[];
  }[];
}

async function lookup(...args: string[]) {
  freshCrlCache();
  const started = Date.now();
  const run = await runCachet(['lookup', ...args, '--trust', ca.certPath, '--json']);
  if (run.out === '') throw new Error(`cachet lookup printed nothing (exit ${run.code}): ${run.err}`);
  return { code: run.code, json: JSON.parse(run.out) as LookupJson, err: run.err, ms: Date.now() - started };
}

const inDirectory = () => ['--directory', url, '--base', base];
const subjectOf = (c: CandidateJson | null | undefined) => c?.certificate?.subject;

/** The background's compose look-up over the host's real directory handlers, with this policy. */
async function background(user: Record<string, unknown> = {}) {
  const host = directoryHost();
  const request = ((type: 'directory/search', req: never) => host.call(type, req)) as unknown as NativeRequest;
  const options = { trustedRoots: [bytesToBase64(ca.der)], directory: { url, baseDn: base }, ...user };
  const policy = createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: options }));
  const validation = createCertificateValidation({
    policy, crypto,
    fetcher: createBrowserFetcher(1 << 20, () => Promise.reject(new Error('no HTTP here')), createDirectoryUrlReader(request, async () => (await policy.current()).directory, 1 << 20)),
    cache: new MemoryCrlCache(),
  });
  const passwords = createPasswordPrompts(() => Promise.reject(new Error('no password is asked here')), () => 'p');
  const made = await composerWorld({
    identities: [], trustedRoots: [ca.der], user: options, validation,
    directory: createHostDirectory({ request, passwords, cache: createDirectoryCache({}) }),
  });
  return { ...made, log: host.log };
}

async function viewOf(address: string, user: Record<string, unknown> = {}): Promise<RecipientView> {
  const [view] = await (await background(user)).composer.recipients([address]);
  if (view === undefined) throw new Error('no view');
  return view;
}

describe('cachet lookup against slapd', () => {
  it('an expired person certificate makes the contact\'s valid one win', async () => {
    const { code, json } = await lookup('bob@example.test', ...inDirectory());
    expect(code).toBe(0);
    const [bob] = json.recipients;
    expect(bob?.chosen).toMatchObject({ source: 'directory', entry: { kind: 'contact', dn: `cn=Bob (supplier),${base}` }, attribute: 'userSMIMECertificate', outcome: 'chosen' });
    expect(subjectOf(bob?.chosen)).toBe('CN=bob-contact, emailAddress=bob@example.test');
    expect(bob?.candidates.map((c) => [c.entry?.kind, c.attribute, subjectOf(c), c.outcome, c.reason])).toEqual([
      ['person', 'userCertificate;binary', 'CN=bob-expired, emailAddress=bob@example.test', 'skipped', 'outside-validity'],
      ['contact', 'userSMIMECertificate', 'CN=bob-contact, emailAddress=bob@example.test', 'chosen', undefined],
    ]);
    expect(bob?.sources).toEqual([{ name: 'directory', state: 'answered', found: 2, notes: [] }]);
  });

  it('a certificate on the CRL published in the directory is never used', async () => {
    const { code, json } = await lookup('carol@example.test', 'dan@example.test', ...inDirectory());
    expect(code).toBe(1);
    const [carol, dan] = json.recipients;
    expect(subjectOf(carol?.chosen)).toBe('CN=carol-contact, emailAddress=carol@example.test');
    const revoked = carol?.candidates.find((c) => subjectOf(c)?.startsWith('CN=carol-revoked'));
    expect([revoked?.outcome, revoked?.reason, revoked?.validation?.reason]).toEqual(['skipped', 'invalid', 'revoked']);
    // The contact's certificate got its revocation answer from the same CRL: no warning.
    expect(carol?.chosen?.validation).toMatchObject({ valid: true, warnings: [] });
    expect(dan?.chosen).toBeNull();
    expect(dan?.candidates.map((c) => [c.outcome, c.validation?.reason])).toEqual([['skipped', 'revoked']]);
  });

  it('an alias in proxyAddresses matches a certificate issued to it; with --no-aliases it does not', async () => {
    const aliased = await lookup('robert@example.test', ...inDirectory());
    expect(aliased.code).toBe(0);
    expect(aliased.json.recipients[0]?.chosen).toMatchObject({ entry: { kind: 'person', dn: `cn=Robert,${base}` }, matchedAddress: 'rob@example.test' });
    const strict = await lookup('robert@example.test', ...inDirectory(), '--no-aliases');
    expect(strict.code).toBe(1);
    expect(strict.json.recipients[0]?.candidates.map((c) => [c.outcome, c.reason])).toEqual([['skipped', 'no-address-match']]);
  });

  it('says it in words without --json', async () => {
    freshCrlCache();
    const run = await runCachet(['lookup', 'bob@example.test', ...inDirectory(), '--trust', ca.certPath]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`bob@example.test: CN=bob-contact, emailAddress=bob@example.test (directory contact cn=Bob (supplier),${base}, userSMIMECertificate)`);
    expect(run.out).toMatch(/skipped +CN=bob-expired.*outside-validity: the certificate expired on 2021-01-01/);
  });
});

describe('the background\'s look-up against slapd, through the host\'s directory handlers', () => {
  it('an expired person certificate makes the contact\'s valid one win, and compose says so', async () => {
    const view = await viewOf('bob@example.test');
    expect(view).toMatchObject({ state: 'ok', source: 'directory', entry: { kind: 'contact', dn: `cn=Bob (supplier),${base}` } });
    expect(view.certificate?.subject).toBe('CN=bob-contact, E=bob@example.test');
    expect(view.skipped).toEqual([{ source: 'directory', entry: { kind: 'person', dn: `cn=Bob,${base}` }, subject: 'CN=bob-expired, E=bob@example.test', reason: 'the certificate expired on 2021-01-01' }]);
  });

  it('a revoked certificate is never used, and the reason is kept', async () => {
    const carol = await viewOf('carol@example.test');
    expect(carol).toMatchObject({ state: 'ok', entry: { kind: 'contact' } });
    expect(carol.skipped?.[0]?.reason).toMatch(/revoked/);
    const dan = await viewOf('dan@example.test');
    expect(dan).toMatchObject({ state: 'invalid', source: 'directory', entry: { kind: 'person', dn: `cn=Dan,${base}` } });
    expect(dan.detail).toMatch(/revoked/);
  });

  it('an alias in proxyAddresses matches a certificate issued to it; with certMatchingDoNotUseProxies it does not', async () => {
    expect(await viewOf('robert@example.test')).toMatchObject({ state: 'ok', entry: { dn: `cn=Robert,${base}` } });
    expect(await viewOf('robert@example.test', { certMatchingDoNotUseProxies: true })).toMatchObject({ state: 'invalid', detail: 'the certificate does not carry this address' });
  });
});

describe('a directory that needs a bind', () => {
  const bound = () => ['--directory', url, '--base', restricted, '--start-tls', '--bind-dn', DIRECTORY_ADMIN.dn];

  it('cachet lookup binds with the password file over StartTLS; without a password it cannot, and a wrong one is refused', async () => {
    const anonymous = await lookup('erin@example.test', '--directory', url, '--base', restricted);
    expect([anonymous.code, anonymous.json.recipients[0]?.sources[0]?.found]).toEqual([1, 0]);
    const withPassword = await lookup('erin@example.test', ...bound(), '--password-file', passwordFile);
    expect(withPassword.code).toBe(0);
    expect(withPassword.json.recipients[0]?.chosen).toMatchObject({ entry: { kind: 'person', dn: `cn=Erin,${restricted}` } });
    const noPassword = await lookup('erin@example.test', ...bound());
    expect(noPassword.code).toBe(2);
    expect(noPassword.json.recipients[0]?.sources[0]).toMatchObject({ state: 'failed', error: { code: 'directory/password-needed' } });
    const wrong = await lookup('erin@example.test', ...bound(), '--password-file', wrongPasswordFile);
    expect(wrong.code).toBe(1);
    expect(wrong.json.recipients[0]?.sources[0]).toMatchObject({ state: 'failed', error: { code: 'directory/bind-failed' } });
  });

  it('compose asks the password once in Cachet\'s page, hands it to the host, and finds the certificate', async () => {
    const host = directoryHost({ trustedCertificateFiles: [serverCa] });
    const request = ((type: 'directory/search', req: never) => host.call(type, req)) as unknown as NativeRequest;
    const asked: unknown[] = [];
    const passwords = createPasswordPrompts(async (promptId) => {
      asked.push(passwords.info(promptId));
      await Promise.resolve();
      passwords.provide(promptId, { user: DIRECTORY_ADMIN.dn, password: DIRECTORY_ADMIN.password, remember: false });
    }, () => `prompt${asked.length}`);
    const { composer } = await composerWorld({
      identities: [], trustedRoots: [ca.der],
      user: { directory: { url, baseDn: restricted, startTls: true, bindDn: DIRECTORY_ADMIN.dn } },
      directory: createHostDirectory({ request, passwords, cache: createDirectoryCache({}) }),
    });
    const [erin, nobody] = await composer.recipients(['erin@example.test', 'nobody@example.test']);
    expect(erin).toMatchObject({ state: 'ok', source: 'directory', entry: { kind: 'person', dn: `cn=Erin,${restricted}` } });
    expect(nobody).toMatchObject({ state: 'none', detail: 'not in your address book nor in the directory' });
    expect(asked).toEqual([{ purpose: 'directory', site: url, user: DIRECTORY_ADMIN.dn, failed: false }]);
  });
});

describe('with slapd stopped (B10)', () => {
  it('the address book\'s certificate is used silently by default, with a visible error under checkCrl, in time', async () => {
    await stopDirectoryInstance(instance);

    const quiet = await lookup('ivy@example.test', '--address-book', bookDir, ...inDirectory());
    expect(quiet.code).toBe(0);
    expect(quiet.json.recipients[0]?.chosen).toMatchObject({ source: 'address-book', warnings: [] });
    const loud = await lookup('ivy@example.test', '--address-book', bookDir, ...inDirectory(), '--check-crl');
    expect(loud.code).toBe(0);
    expect(loud.json.recipients[0]?.chosen?.validation?.warnings.map((w) => w.reason)).toEqual(['revocation-unknown']);
    // With no certificate in the address book, the directory's failure is said.
    const gone = await lookup('bob@example.test', ...inDirectory(), '--timeout', '2000');
    expect(gone.code).toBe(1);
    expect(gone.json.recipients[0]?.sources).toMatchObject([{ name: 'directory', state: 'failed', error: { code: 'directory/unreachable' } }]);

    const world = async (user: Record<string, unknown>) => {
      const made = await background(user);
      await made.addressBook.importFile(cert('ivy').der);
      return made;
    };
    const started = Date.now();
    const [silent] = await (await world({})).composer.recipients(['ivy@example.test']);
    expect(silent).toMatchObject({ state: 'ok', source: 'address-book' });
    expect(silent?.warnings).toBeUndefined();
    const [visible] = await (await world({ checkCrl: true })).composer.recipients(['ivy@example.test']);
    expect(visible).toMatchObject({ state: 'ok', source: 'address-book' });
    expect(visible?.warnings?.length).toBeGreaterThan(0);
    // Nothing listens: far inside B10's 10 s for all fetches of one validation.
    for (const ms of [quiet.ms, loud.ms, gone.ms, Date.now() - started]) expect(ms).toBeLessThan(8000);
  });
});
