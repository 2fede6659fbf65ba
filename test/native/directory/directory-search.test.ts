/**
 * `directory/search` against the real slapd of the test directory, through the host's
 * handler: entries found by mail, by an Active Directory proxyAddresses alias of either
 * kind of prefix, and by otherMailbox; people told from contacts; certificates from both
 * attributes in the order B6 reads them; hostile values skipped with their reason while
 * the rest of the entry stands; the size limit and a referral.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySearch } from '../../../src/protocol/native';
import { TestPki, type IssuedCertificate, type TestCa } from '../../pki/helpers/openssl-pki';
import { addEntries, DIRECTORY_CA_PATH, freshSubtree, LDAP_URL, loadLdif } from '../../support/directory';
import { certificateWithBrokenTime, envelopedDataValue, smimeCertificateValue } from '../../support/directory-fixtures';
import { directoryHost, expectDirectoryError } from '../../support/directory-host';

const host = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH] });
let base: string;
let many: string;
let pki: TestPki;
let ca: TestCa;
let bobEncrypt: IssuedCertificate;
let bobSign: IssuedCertificate;
let carolCert: IssuedCertificate;
let daveCert: IssuedCertificate;
let daveOld: IssuedCertificate;

const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const leaf = (mail: string): { subject: string; extensions: string[] } => ({
  subject: `/CN=${mail}/emailAddress=${mail}`,
  extensions: ['keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = emailProtection', `subjectAltName = email:${mail}`],
});

function directory(change: Partial<DirectorySearch> = {}): DirectorySearch {
  return {
    url: LDAP_URL, startTls: true, bindDn: null, timeoutMs: 10_000, baseDn: base, scope: 'sub',
    filter: '(|(mail={address})(proxyAddresses=smtp:{address})(otherMailbox={address}))',
    personClasses: ['inetOrgPerson'], contactClasses: ['contact'],
    certificateAttributes: ['userCertificate;binary', 'userSMIMECertificate'], sizeLimit: 20,
    ...change,
  };
}

/** DER orders a SET OF by its members' encodings (X.690 §11.6). */
const smimeOrder = (ders: readonly Uint8Array[]): Uint8Array[] => [...ders].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

const search = (address: string, change: Partial<DirectorySearch> = {}) => host.call('directory/search', { directory: directory(change), address });

beforeAll(async () => {
  pki = new TestPki('cachet-directory-search-');
  ca = pki.root('ca', '/CN=Directory Search CA');
  bobEncrypt = ca.issue('bob-encrypt', leaf('bob@example.test'));
  bobSign = ca.issue('bob-sign', leaf('bob@example.test'));
  carolCert = ca.issue('carol', leaf('carol@partner.test'));
  daveCert = ca.issue('dave', leaf('dave@example.test'));
  // slapd compares certificates by issuer and serial: the broken one needs a serial of its own.
  daveOld = ca.issue('dave-old', leaf('dave@example.test'));
  base = await freshSubtree('search');
  const tenMegabytes = new Uint8Array(10 * 1024 * 1024).fill(0x30);
  await addEntries([
    {
      dn: `cn=Bob Builder,${base}`,
      attributes: {
        objectClass: ['inetOrgPerson', 'mailRecipient'], cn: 'Bob Builder', sn: 'Builder', mail: 'bob@example.test',
        proxyAddresses: ['SMTP:bob@example.test', 'smtp:robert@example.test', 'X500:/o=Example/ou=Exchange/cn=Recipients/cn=bob', 'SIP:bob@example.test'],
        otherMailbox: 'bob@home.example',
        'userCertificate;binary': bobEncrypt.der,
        userSMIMECertificate: smimeCertificateValue(ca, bobSign),
      },
    },
    {
      dn: `cn=Erin,${base}`,
      attributes: { objectClass: ['inetOrgPerson', 'mailRecipient'], cn: 'Erin', sn: 'Erin', mail: 'erin@example.test', proxyAddresses: ['SMTP:erin.primary@example.test'] },
    },
    {
      dn: `cn=Carol Partner,${base}`,
      attributes: {
        objectClass: ['contact', 'mailRecipient'], cn: 'Carol Partner', sn: 'Partner', mail: 'carol@partner.test',
        userSMIMECertificate: smimeCertificateValue(ca, carolCert, []),
      },
    },
    {
      dn: `cn=Shared Mailbox,${base}`,
      attributes: { objectClass: ['organizationalRole', 'mailRecipient'], cn: 'Shared Mailbox', mail: 'shared@example.test' },
    },
    {
      dn: `cn=Dave Hostile,${base}`,
      attributes: {
        objectClass: ['inetOrgPerson', 'mailRecipient'], cn: 'Dave Hostile', sn: 'Hostile',
        mail: ['dave@example.test', 'not an address'],
        'userCertificate;binary': [certificateWithBrokenTime(daveOld.der), daveCert.der],
        userSMIMECertificate: [new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), tenMegabytes, envelopedDataValue(ca, daveCert)],
      },
    },
    { dn: `cn=Elsewhere,${base}`, attributes: { objectClass: ['referral', 'extensibleObject'], cn: 'Elsewhere', ref: 'ldap://other.example.test/cn=Elsewhere,dc=other,dc=test' } },
  ]);
  // Two thousand entries answering to one address, far more than any search may return.
  many = await freshSubtree('search-many');
  const ldif = Array.from({ length: 2000 }, (_, n) => [
    `dn: cn=member${n},${many}`, 'objectClass: inetOrgPerson', `cn: member${n}`, 'sn: member', 'mail: everyone@example.test', '',
  ].join('\n')).join('\n');
  await loadLdif(ldif);
});

afterAll(() => pki.dispose());

describe('directory/search', () => {
  it('finds a person by mail, with every address and the certificates of both attributes in order', async () => {
    const { entries, truncated } = await search('bob@example.test');
    expect(truncated).toBe(false);
    expect(entries).toEqual([{
      dn: `cn=Bob Builder,${base}`,
      kind: 'person',
      // SMTP:bob@example.test repeats mail; X500: and SIP: are not mail addresses.
      addresses: ['bob@example.test', 'robert@example.test', 'bob@home.example'],
      certificates: [
        { attribute: 'userCertificate;binary', der: b64(bobEncrypt.der) },
        // The SignedData's certificates in the order it holds them (a SET OF, sorted by openssl).
        ...smimeOrder([bobSign.der, ca.der]).map((der) => ({ attribute: 'userSMIMECertificate', der: b64(der) })),
      ],
    }]);
  });

  it('finds an entry by a proxyAddresses alias, smtp: or SMTP:, and by otherMailbox', async () => {
    expect((await search('robert@example.test')).entries.map((e) => e.dn)).toEqual([`cn=Bob Builder,${base}`]);
    expect((await search('bob@home.example')).entries.map((e) => e.dn)).toEqual([`cn=Bob Builder,${base}`]);
    const erin = await search('erin.primary@example.test');
    expect(erin.entries.map((e) => [e.dn, e.addresses])).toEqual([[`cn=Erin,${base}`, ['erin@example.test', 'erin.primary@example.test']]]);
    expect(erin.entries[0]?.certificates).toEqual([]);
  });

  it('tells a contact from a person, even when the person classes would take it', async () => {
    const carol = await search('carol@partner.test');
    expect(carol.entries.map((e) => [e.kind, e.certificates])).toEqual([['contact', [{ attribute: 'userSMIMECertificate', der: b64(carolCert.der) }]]]);
    // contact derives from person (as in Active Directory): contact classes are looked at first.
    const broad = await search('carol@partner.test', { personClasses: ['person'] });
    expect(broad.entries[0]?.kind).toBe('contact');
    expect((await search('shared@example.test')).entries.map((e) => e.kind)).toEqual(['other']);
    expect((await search('bob@example.test', { personClasses: [], contactClasses: [] })).entries.map((e) => e.kind)).toEqual(['other']);
  });

  it('reads only the attributes asked for, in the order asked', async () => {
    const { entries } = await search('bob@example.test', { certificateAttributes: ['userSMIMECertificate', 'userCertificate;binary'] });
    expect(entries[0]?.certificates.map((c) => c.der)).toEqual([...smimeOrder([bobSign.der, ca.der]).map(b64), b64(bobEncrypt.der)]);
    const one = await search('bob@example.test', { certificateAttributes: ['userCertificate;binary'] });
    expect(one.entries[0]?.certificates.map((c) => c.der)).toEqual([b64(bobEncrypt.der)]);
  });

  it('skips hostile values with their reason and keeps the rest of the entry', async () => {
    const started = Date.now();
    const { entries } = await search('dave@example.test');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(entries).toEqual([{
      dn: `cn=Dave Hostile,${base}`, kind: 'person', addresses: ['dave@example.test'],
      certificates: [{ attribute: 'userCertificate;binary', der: b64(daveCert.der) }],
    }]);
    const said = host.log.filter((line) => line.includes('cn=Dave Hostile'));
    expect(said.some((l) => /mail: "not an address" is not an e-mail address/.test(l))).toBe(true);
    expect(said.some((l) => /userCertificate;binary value 1: not a certificate/.test(l))).toBe(true);
    expect(said.some((l) => /userSMIMECertificate value 1: not a CMS SignedData/.test(l))).toBe(true);
    expect(said.some((l) => /userSMIMECertificate value 2: 10485760 bytes, over the 262144/.test(l))).toBe(true);
    expect(said.some((l) => /userSMIMECertificate value 3: not a CMS SignedData/.test(l))).toBe(true);
  });

  it('finds nothing for an address nobody has, and a * in the address is no wildcard', async () => {
    expect(await search('nobody@example.test')).toEqual({ entries: [], truncated: false });
    // RFC 5322 allows * in a local part; unescaped it would match every mail value.
    expect(await search('*@example.test')).toEqual({ entries: [], truncated: false });
  });

  it('stops at the size limit, its own or the server\'s, and says there may be more', async () => {
    const few = await search('everyone@example.test', { baseDn: many, sizeLimit: 50 });
    expect([few.entries.length, few.truncated]).toEqual([50, true]);
    // slapd answers at most 500 (its sizelimit) whatever the request asks for.
    const most = await search('everyone@example.test', { baseDn: many, sizeLimit: 1000 });
    expect([most.entries.length, most.truncated]).toEqual([500, true]);
    const exact = await search('bob@example.test', { sizeLimit: 1 });
    expect([exact.entries.length, exact.truncated]).toEqual([1, false]);
  }, 30_000);

  it('does not follow a referral met in the search', async () => {
    host.log.length = 0;
    const { entries } = await search('bob@example.test', { filter: '(|(cn=Elsewhere)(mail={address}))' });
    expect(entries.map((e) => e.dn)).toEqual([`cn=Bob Builder,${base}`]);
    expect(host.log.some((l) => l.includes('search reference to ldap://other.example.test/') && l.includes('not followed'))).toBe(true);
  });

  it('refuses a broken filter template before connecting', async () => {
    await expectDirectoryError(search('bob@example.test', { filter: '(|(mail={address})(cn=x)' }), 'input/invalid', /parentheses do not match/);
    await expectDirectoryError(search('bob@example.test', { filter: '(mail={address}))(cn=*)' }), 'input/invalid');
  });

  it('refuses a base the server does not hold', async () => {
    await expectDirectoryError(search('bob@example.test', { baseDn: 'ou=missing,dc=example,dc=test' }), 'directory/refused', /no such entry/);
  });
});
