/**
 * B6's order (src/directory/recipient-sources.ts) with real certificates from an OpenSSL
 * CA and real RFC 5280 validation, over a scripted directory: the address book, then
 * people's entries by attribute, then contacts'; the first valid certificate ends the
 * look-up, and every certificate passed over is kept with its source, DN and reason.
 */
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySource, type DirectoryAnswer } from '../../src/directory/directory-source';
import {
  lookUpRecipient, type CandidateCertificate, type CandidateValidator, type LookupOptions, type RecipientSource,
} from '../../src/directory/recipient-sources';
import { CachetError } from '../../src/errors';
import { checkCertificate } from '../../src/pki/check-certificate';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl, type ParsedCrl } from '../../src/pki/parsed-crl';
import { SignatureVerifier } from '../../src/pki/signature-verify';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { defaultDirectorySettings, type EncryptionAlgorithm } from '../../src/policy';
import type { DirectoryEntry } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { TestPki, type IssuedCertificate, type TestCa } from '../pki/helpers/openssl-pki';

const verifier = new SignatureVerifier(webcrypto as unknown as Crypto);
const encryption = ['keyUsage = critical, keyAgreement', 'extendedKeyUsage = emailProtection'];
const attributes = defaultDirectorySettings.attributes;

let pki: TestPki;
let root: TestCa;
let issuing: TestCa;
let stranger: TestCa;
let crl: ParsedCrl;
const certs: Record<string, IssuedCertificate> = {};

function issue(ca: TestCa, name: string, email: string, dates: { startDate?: string; endDate?: string } = {}): IssuedCertificate {
  const cert = ca.issue(name, { subject: `/CN=${name}/emailAddress=${email}`, extensions: encryption, ...dates });
  certs[name] = cert;
  return cert;
}

beforeAll(() => {
  pki = new TestPki('cachet-lookup-');
  root = pki.root('root', '/O=Example/CN=Example Root');
  issuing = root.intermediate('issuing', '/O=Example/CN=Example Issuing CA');
  stranger = pki.root('stranger', '/O=Elsewhere/CN=Untrusted Root');
  issue(issuing, 'bob-book', 'bob@example.org');
  issue(issuing, 'bob-person', 'bob@example.org');
  issue(issuing, 'bob-smime', 'bob@example.org');
  issue(issuing, 'bob-contact', 'bob@example.org');
  issue(issuing, 'bob-expired', 'bob@example.org', { startDate: '20200101000000Z', endDate: '20210101000000Z' });
  issue(issuing, 'bob-revoked', 'bob@example.org');
  issue(issuing, 'bob-alias', 'robert@example.org');
  issue(stranger, 'bob-stranger', 'bob@example.org');
  issuing.revoke(certs['bob-revoked'] as IssuedCertificate);
  crl = parseCrl(issuing.crl());
});
afterAll(() => pki.dispose());

const der = (name: string): Uint8Array => (certs[name] as IssuedCertificate).der;
const b64 = (name: string): string => bytesToBase64(der(name));

/** Validation as the background does it: the root trusted, the entry's intermediates, the issuing CA's CRL. */
function validator(calls: string[] = []): CandidateValidator {
  return (candidate, email) => {
    const target = parseCertificate(candidate.der);
    calls.push(target.serialHex);
    const intermediates: ParsedCertificate[] = candidate.intermediates.map((bytes) => parseCertificate(bytes));
    return checkCertificate(target, {
      verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates, crls: [crl], revocation: 'best-effort', purpose: 'encrypt', email,
    });
  };
}

function entry(dn: string, kind: DirectoryEntry['kind'], certificates: readonly [string, string][], addresses: readonly string[] = ['bob@example.org']): DirectoryEntry {
  return {
    dn, kind, addresses,
    // Every entry carries the issuing CA, as a userSMIMECertificate bundle would.
    certificates: [...certificates.map(([attribute, name]) => ({ attribute, der: b64(name) })), { attribute: 'userSMIMECertificate', der: bytesToBase64(issuing.der) }],
  };
}

function scripted(answer: DirectoryAnswer | Error) {
  const asked: string[] = [];
  const source = directorySource((address) => {
    asked.push(address);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }, attributes);
  return { source, asked };
}

function addressBook(...names: string[]): RecipientSource {
  return {
    name: 'address-book',
    find: () => Promise.resolve({
      steps: names.length === 0 ? [] : [names.map((name): CandidateCertificate => ({ der: der(name), origin: { source: 'address-book' }, aliases: [], intermediates: [issuing.der], capabilities: null }))],
      notes: [],
    }),
  };
}

const person = 'cn=Bob,ou=People,dc=example,dc=org';
const contact = 'cn=Bob (partner),ou=Contacts,dc=example,dc=org';

function options(sources: readonly RecipientSource[], extra: Partial<LookupOptions> = {}): LookupOptions {
  return {
    sources, validate: validator(), time: new Date(),
    policy: { certMatchingDoNotUseProxies: false, encryptionAlgorithms: ['aes256-gcm', 'aes256-cbc'] },
    ...extra,
  };
}

const nameOf = (c: { candidate: CandidateCertificate }): string => Object.keys(certs).find((k) => Buffer.from(der(k)).equals(Buffer.from(c.candidate.der))) ?? '?';

describe('B6 order: address book, people, contacts; the first valid certificate wins', () => {
  it('takes a valid address-book certificate and does not ask the directory', async () => {
    const directory = scripted({ entries: [entry(person, 'person', [['userCertificate;binary', 'bob-person']])], truncated: false });
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook('bob-book'), directory.source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-book');
    expect(lookup.chosen?.candidate.origin).toEqual({ source: 'address-book' });
    expect(directory.asked).toEqual([]);
    expect(lookup.sources.map((s) => [s.name, s.state])).toEqual([['address-book', 'answered'], ['directory', 'not-asked']]);
  });

  it('takes a person\'s userCertificate;binary before their userSMIMECertificate, and never looks at contacts', async () => {
    const directory = scripted({
      entries: [
        entry(contact, 'contact', [['userCertificate;binary', 'bob-contact']]),
        entry(person, 'person', [['userSMIMECertificate', 'bob-smime'], ['userCertificate;binary', 'bob-person']]),
      ],
      truncated: false,
    });
    const calls: string[] = [];
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook(), directory.source], { validate: validator(calls) }));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-person');
    expect(lookup.chosen?.candidate.origin).toEqual({ source: 'directory', kind: 'person', dn: person, attribute: 'userCertificate;binary' });
    expect(lookup.chosen?.verdict).toMatchObject({ outcome: 'chosen', matchedAddress: 'bob@example.org', algorithms: ['aes256-cbc'], warnings: [] });
    // One validation: the first valid certificate ends the look-up.
    expect(calls).toHaveLength(1);
    expect(lookup.considered.map((c) => [nameOf(c), c.verdict.outcome])).toEqual([
      ['bob-person', 'chosen'], ['bob-smime', 'not-tried'], ['bob-contact', 'not-tried'],
    ]);
    expect(lookup.sources).toEqual([
      { name: 'address-book', state: 'answered', found: 0, notes: [] },
      { name: 'directory', state: 'answered', found: 3, notes: [] },
    ]);
  });

  it('an expired person certificate makes the contact\'s valid one win, with the reason kept', async () => {
    const directory = scripted({
      entries: [entry(person, 'person', [['userCertificate;binary', 'bob-expired']]), entry(contact, 'contact', [['userSMIMECertificate', 'bob-contact']])],
      truncated: false,
    });
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook(), directory.source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-contact');
    expect(lookup.chosen?.candidate.origin).toMatchObject({ kind: 'contact', dn: contact, attribute: 'userSMIMECertificate' });
    const [expired] = lookup.considered;
    expect(expired?.candidate.origin).toMatchObject({ kind: 'person', dn: person });
    expect(expired?.verdict).toEqual({ outcome: 'skipped', reason: 'outside-validity', detail: 'the certificate expired on 2021-01-01' });
  });

  it('never uses a revoked certificate, and says it was revoked', async () => {
    const directory = scripted({
      entries: [entry(person, 'person', [['userCertificate;binary', 'bob-revoked']]), entry(contact, 'contact', [['userCertificate;binary', 'bob-contact']])],
      truncated: false,
    });
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook('bob-revoked'), directory.source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-contact');
    const revoked = lookup.considered.filter((c) => nameOf(c) === 'bob-revoked');
    expect(revoked.map((c) => c.candidate.origin.source)).toEqual(['address-book', 'directory']);
    for (const c of revoked) {
      expect(c.verdict).toMatchObject({ outcome: 'skipped', reason: 'invalid' });
      expect(c.validation?.reason).toBe('revoked');
    }
  });

  it('goes on to the next attribute when the first one\'s certificate chains to no trusted root', async () => {
    const directory = scripted({ entries: [entry(person, 'person', [['userCertificate;binary', 'bob-stranger'], ['userSMIMECertificate', 'bob-smime']])], truncated: false });
    const lookup = await lookUpRecipient('bob@example.org', options([directory.source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-smime');
    expect(lookup.considered[0]?.validation?.reason).toBe('untrusted-root');
  });

  it('builds the path with the CA certificates the entry holds, which are not candidates themselves', async () => {
    const bare = { dn: person, kind: 'person' as const, addresses: ['bob@example.org'], certificates: [{ attribute: 'userCertificate;binary', der: b64('bob-person') }] };
    const without = await lookUpRecipient('bob@example.org', options([scripted({ entries: [bare], truncated: false }).source]));
    expect(without.chosen).toBeUndefined();
    const withChain = await lookUpRecipient('bob@example.org', options([scripted({ entries: [entry(person, 'person', [['userCertificate;binary', 'bob-person']])], truncated: false }).source]));
    expect(withChain.chosen && nameOf(withChain.chosen)).toBe('bob-person');
    expect(withChain.considered).toHaveLength(1);
  });

  it('says why nothing fitted: every certificate with its source, DN and reason', async () => {
    const directory = scripted({
      entries: [
        entry(person, 'person', [['userCertificate;binary', 'bob-expired'], ['userSMIMECertificate', 'bob-revoked']]),
        entry(contact, 'contact', [['userCertificate;binary', 'bob-stranger']]),
      ],
      truncated: false,
    });
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook('bob-alias'), directory.source]));
    expect(lookup.chosen).toBeUndefined();
    expect(lookup.considered.map((c) => [c.candidate.origin.source, c.candidate.origin.source === 'directory' ? c.candidate.origin.dn : '', c.verdict.outcome === 'skipped' ? c.verdict.reason : c.verdict.outcome])).toEqual([
      ['address-book', '', 'no-address-match'],
      ['directory', person, 'outside-validity'],
      ['directory', person, 'invalid'],
      ['directory', contact, 'invalid'],
    ]);
  });
});

describe('B1: the entry\'s other addresses', () => {
  const aliased = (): DirectoryAnswer => ({
    entries: [entry(person, 'person', [['userCertificate;binary', 'bob-alias']], ['bob@example.org', 'robert@example.org'])],
    truncated: false,
  });

  it('a certificate issued to an address in proxyAddresses matches, and is validated for that address', async () => {
    const lookup = await lookUpRecipient('bob@example.org', options([scripted(aliased()).source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-alias');
    expect(lookup.chosen?.verdict.matchedAddress).toBe('robert@example.org');
  });

  it('with certMatchingDoNotUseProxies it does not', async () => {
    const lookup = await lookUpRecipient('bob@example.org', options([scripted(aliased()).source], {
      policy: { certMatchingDoNotUseProxies: true, encryptionAlgorithms: ['aes256-cbc'] },
    }));
    expect(lookup.chosen).toBeUndefined();
    expect(lookup.considered[0]?.verdict).toMatchObject({ outcome: 'skipped', reason: 'no-address-match' });
  });

  it('another entry\'s addresses do not count for this entry\'s certificates', async () => {
    const answer: DirectoryAnswer = {
      entries: [
        { ...entry(person, 'person', [['userCertificate;binary', 'bob-alias']]), addresses: ['bob@example.org'] },
        { dn: 'cn=Robert,dc=example,dc=org', kind: 'person', addresses: ['bob@example.org', 'robert@example.org'], certificates: [] },
      ],
      truncated: false,
    };
    const lookup = await lookUpRecipient('bob@example.org', options([scripted(answer).source]));
    expect(lookup.chosen).toBeUndefined();
  });
});

describe('what else a look-up reports', () => {
  it('a directory that cannot be searched is reported, and the look-up goes on without it', async () => {
    const directory = scripted(new CachetError('directory/unreachable', 'ldap.example.org:389 refused the connection'));
    const lookup = await lookUpRecipient('bob@example.org', options([addressBook(), directory.source]));
    expect(lookup.chosen).toBeUndefined();
    expect(lookup.sources[1]).toEqual({ name: 'directory', state: 'failed', found: 0, error: { code: 'directory/unreachable', message: 'ldap.example.org:389 refused the connection' }, notes: [] });
  });

  it('B8: a valid certificate whose holder may not read the allowed algorithms is passed over for the next', async () => {
    const directory = scripted({ entries: [entry(person, 'person', [['userCertificate;binary', 'bob-person']])], truncated: false });
    const gcmBook: RecipientSource = {
      name: 'address-book',
      find: () => Promise.resolve({ steps: [[{ der: der('bob-book'), origin: { source: 'address-book' }, aliases: [], intermediates: [issuing.der], capabilities: ['2.16.840.1.101.3.4.1.46'] }]], notes: [] }),
    };
    const gcmOnly: EncryptionAlgorithm[] = ['aes256-gcm'];
    const lookup = await lookUpRecipient('bob@example.org', options([gcmBook, directory.source], { policy: { certMatchingDoNotUseProxies: false, encryptionAlgorithms: gcmOnly } }));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-book');
    const fromDirectory = await lookUpRecipient('bob@example.org', options([addressBook(), directory.source], { policy: { certMatchingDoNotUseProxies: false, encryptionAlgorithms: gcmOnly } }));
    expect(fromDirectory.chosen).toBeUndefined();
    expect(fromDirectory.considered[0]?.verdict).toEqual({
      outcome: 'skipped', reason: 'algorithm',
      detail: 'the holder\'s mail program never announced which algorithms it reads, so only CBC can be assumed; your policy allows aes256-gcm',
    });
  });

  it('a certificate that does not decode, entries that are neither people nor contacts, and a truncated answer are said', async () => {
    const directory = scripted({
      entries: [
        { dn: person, kind: 'person', addresses: ['bob@example.org'], certificates: [{ attribute: 'userCertificate;binary', der: 'MAMCAQE=' }, { attribute: 'userCertificate;binary', der: b64('bob-person') }, { attribute: 'userCertificate;binary', der: bytesToBase64(issuing.der) }] },
        { dn: 'cn=printer,dc=example,dc=org', kind: 'other', addresses: ['bob@example.org'], certificates: [{ attribute: 'userCertificate;binary', der: b64('bob-contact') }] },
      ],
      truncated: true,
    });
    const lookup = await lookUpRecipient('bob@example.org', options([directory.source]));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-person');
    expect(lookup.considered[0]?.verdict).toEqual({ outcome: 'skipped', reason: 'malformed', detail: 'the certificate cannot be decoded' });
    expect(lookup.sources[0]?.notes).toEqual([
      '1 matching entry is neither a person nor a contact and was passed over',
      'the directory has more matching entries than the 2 it sent (the size limit); only those were read',
    ]);
  });

  it('a validation that throws only disqualifies that certificate', async () => {
    const directory = scripted({ entries: [entry(person, 'person', [['userCertificate;binary', 'bob-person'], ['userSMIMECertificate', 'bob-smime']])], truncated: false });
    let first = true;
    const flaky: CandidateValidator = (candidate, email) => {
      if (first) {
        first = false;
        return Promise.reject(new Error('the network fell over'));
      }
      return validator()(candidate, email);
    };
    const lookup = await lookUpRecipient('bob@example.org', options([directory.source], { validate: flaky }));
    expect(lookup.chosen && nameOf(lookup.chosen)).toBe('bob-smime');
    expect(lookup.considered[0]?.verdict).toEqual({ outcome: 'skipped', reason: 'invalid', detail: 'the certificate could not be validated' });
  });
});
