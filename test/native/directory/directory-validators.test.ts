/**
 * The directory messages of the native protocol are checked on receipt: a server URL with
 * more than a host and port, a password that would cross the network in clear or make the
 * bind anonymous, names that are not LDAP names, are refused with input/invalid before
 * any connection is made.
 */
import { describe, expect, it } from 'vitest';
import { validateNativeRequest, validateNativeResponse } from '../../../src/protocol/native-validators';
import { expectCachetError } from '../../support/expect-cachet-error';

const directory = {
  url: 'ldap://127.0.0.1:3389',
  startTls: true,
  bindDn: 'cn=lookup,ou=services,dc=example,dc=test',
  timeoutMs: 5000,
  baseDn: 'dc=example,dc=test',
  scope: 'sub',
  filter: '(|(mail={address})(proxyAddresses=smtp:{address}))',
  personClasses: ['inetOrgPerson'],
  contactClasses: ['contact'],
  certificateAttributes: ['userCertificate;binary', 'userSMIMECertificate'],
  sizeLimit: 50,
};
const search = { directory, address: 'bob@example.test' };

describe('directory/search', () => {
  it('takes a search over StartTLS, ldaps:// and an anonymous one', () => {
    expect(validateNativeRequest('directory/search', search)).toEqual(search);
    const ldaps = { ...search, directory: { ...directory, url: 'ldaps://[::1]:6636', startTls: false } };
    expect(validateNativeRequest('directory/search', ldaps)).toEqual(ldaps);
    const anonymous = { ...search, directory: { ...directory, url: 'ldap://ldap.example.test', startTls: false, bindDn: null } };
    expect(validateNativeRequest('directory/search', anonymous)).toEqual(anonymous);
  });

  it.each([
    ['a URL with a DN', { url: 'ldap://127.0.0.1:3389/dc=example,dc=test' }],
    ['a URL with a trailing slash', { url: 'ldap://127.0.0.1:3389/' }],
    ['a URL with credentials', { url: 'ldap://user:pw@127.0.0.1' }],
    ['an http URL', { url: 'http://127.0.0.1:3389' }],
    ['a URL without a host', { url: 'ldap://' }],
    ['port 0', { url: 'ldap://127.0.0.1:0' }],
    ['StartTLS on ldaps://', { url: 'ldaps://127.0.0.1:6636' }],
    ['a bind in clear', { startTls: false }],
    ['an empty bind DN', { bindDn: '' }],
    ['a bind DN with a line break', { bindDn: 'cn=a\n,dc=b' }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['a timeout over two minutes', { timeoutMs: 120_001 }],
    ['a filter without parentheses', { filter: 'mail={address}' }],
    ['a filter with a NUL', { filter: '(mail={address}\u0000)' }],
    ['a filter without {address}', { filter: '(objectClass=inetOrgPerson)' }],
    ['an unknown scope', { scope: 'children' }],
    ['an object class with a space', { personClasses: ['inet OrgPerson'] }],
    ['no certificate attribute', { certificateAttributes: [] }],
    ['a certificate attribute with a bad option', { certificateAttributes: ['userCertificate;'] }],
    ['a size limit of zero', { sizeLimit: 0 }],
    ['a size limit over 1000', { sizeLimit: 1001 }],
    ['an unknown field', { followReferrals: true }],
  ])('refuses %s', (_, change) => {
    expectCachetError(() => validateNativeRequest('directory/search', { ...search, directory: { ...directory, ...change } }), 'input/invalid');
  });

  it.each(['bob', 'bob@example.test\r\n', 'Bob <bob@example.test>', `${'a'.repeat(250)}@example.test`])('refuses the address %j', (address) => {
    expectCachetError(() => validateNativeRequest('directory/search', { ...search, address }), 'input/invalid');
  });

  it('checks responses: kinds, base64 certificates, a bounded number of entries', () => {
    const entry = { dn: 'cn=Bob,dc=example,dc=test', kind: 'person', addresses: ['bob@example.test'], certificates: [{ attribute: 'userCertificate;binary', der: 'MAA=' }] };
    expect(validateNativeResponse('directory/search', { entries: [entry], truncated: false })).toEqual({ entries: [entry], truncated: false });
    expectCachetError(() => validateNativeResponse('directory/search', { entries: [{ ...entry, kind: 'group' }], truncated: false }), 'input/invalid');
    expectCachetError(() => validateNativeResponse('directory/search', { entries: [{ ...entry, certificates: [{ attribute: 'x', der: 'not base64' }] }], truncated: false }), 'input/invalid');
    expectCachetError(() => validateNativeResponse('directory/search', { entries: Array.from({ length: 1001 }, () => entry), truncated: true }), 'input/invalid');
  });
});

describe('directory/read-url', () => {
  const read = { url: 'ldap://127.0.0.1:3389/cn=Test%20CA,ou=pki,dc=example,dc=test?certificateRevocationList;binary?base', timeoutMs: 5000, maxBytes: 1 << 20 };

  it('takes an RFC 4516 URL, with or without a bind', () => {
    expect(validateNativeRequest('directory/read-url', read)).toEqual(read);
    const bound = { ...read, connection: { startTls: true, bindDn: 'cn=lookup,dc=example,dc=test' } };
    expect(validateNativeRequest('directory/read-url', bound)).toEqual(bound);
  });

  it.each([
    ['an http URL', { url: 'http://ca.example.test/ca.crl' }],
    ['a URL with a space', { url: 'ldap://127.0.0.1/cn=a b?cACertificate' }],
    ['maxBytes of zero', { maxBytes: 0 }],
    ['maxBytes over 32 MiB', { maxBytes: 32 * 1024 * 1024 + 1 }],
    ['a bind in clear', { connection: { startTls: false, bindDn: 'cn=lookup,dc=example,dc=test' } }],
    ['a connection with a URL of its own', { connection: { startTls: false, bindDn: null, url: 'ldap://elsewhere' } }],
  ])('refuses %s', (_, change) => {
    expectCachetError(() => validateNativeRequest('directory/read-url', { ...read, ...change }), 'input/invalid');
  });
});

describe('directory passwords', () => {
  const given = { url: 'ldaps://ldap.example.test', bindDn: 'cn=lookup,dc=example,dc=test', password: 'lookup-secret', remember: true };

  it('takes a password for a server and DN, and forgets one', () => {
    expect(validateNativeRequest('directory/set-password', given)).toEqual(given);
    expect(validateNativeRequest('directory/forget-password', { url: given.url, bindDn: given.bindDn })).toEqual({ url: given.url, bindDn: given.bindDn });
    expect(validateNativeResponse('directory/set-password', {})).toEqual({});
    expect(validateNativeResponse('directory/forget-password', { forgotten: true })).toEqual({ forgotten: true });
  });

  it('refuses an empty password, which would make the bind anonymous', () => {
    expectCachetError(() => validateNativeRequest('directory/set-password', { ...given, password: '' }), 'input/invalid');
    expectCachetError(() => validateNativeRequest('directory/set-password', { ...given, bindDn: null }), 'input/invalid');
    expectCachetError(() => validateNativeResponse('directory/set-password', { password: 'x' }), 'input/invalid');
  });
});
