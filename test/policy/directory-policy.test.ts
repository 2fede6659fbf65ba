/**
 * The `directory` policy key (B6 steps 2–3, issue 14): every setting has its default,
 * admin input is checked strictly, and what passes reads back the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_DIRECTORY_TIMEOUT_MS } from '../../src/protocol/native';
import { checkPolicyValue, defaultDirectorySettings, filterProblem, isDistinguishedName, parsePolicyInput, type DirectoryPolicy } from '../../src/policy';

const base = { url: 'ldap://ldap.example.org:389', baseDn: 'ou=People,dc=example,dc=org' };

function parsed(input: Record<string, unknown>): DirectoryPolicy | string {
  const result = checkPolicyValue('directory', { ...base, ...input });
  if (!result.ok) return result.message;
  if (result.value === null) throw new Error('a directory object came back as null');
  return result.value;
}

describe('directory policy', () => {
  it('gives every setting its documented default', () => {
    expect(parsed({})).toEqual({
      url: 'ldap://ldap.example.org:389',
      baseDn: 'ou=People,dc=example,dc=org',
      startTls: false,
      bindDn: null,
      scope: 'sub',
      filter: '(|(mail={address})(proxyAddresses=smtp:{address})(otherMailbox={address}))',
      personClasses: ['person', 'inetOrgPerson', 'user'],
      contactClasses: ['contact'],
      attributes: ['userCertificate;binary', 'userSMIMECertificate'],
      timeoutMs: 5000,
      sizeLimit: 20,
      cacheSeconds: 3600,
    });
  });

  it('keeps every setting an admin gives, trimmed, and reads it back the same', () => {
    const given = {
      url: 'ldap://LDAP.example.org/',
      baseDn: ' dc=example,dc=org ',
      startTls: true,
      bindDn: 'cn=Cachet Reader\\, Service,ou=Services,dc=example,dc=org',
      scope: 'one',
      filter: '(&(objectClass=*)(mail={address}))',
      personClasses: ['inetOrgPerson', 'INETORGPERSON', '2.5.6.6'],
      contactClasses: [],
      attributes: ['userSMIMECertificate'],
      timeoutMs: 2500,
      sizeLimit: 5,
      cacheSeconds: 0,
    };
    const once = parsed(given);
    expect(once).toEqual({
      ...given,
      url: 'ldap://ldap.example.org',
      baseDn: 'dc=example,dc=org',
      personClasses: ['inetOrgPerson', '2.5.6.6'],
    });
    expect(parsePolicyInput({ directory: once }).values.directory).toEqual(once);
  });

  it.each([
    [{ url: 'ldap://ldap.example.org/dc=example,dc=org' }, /url/],
    [{ url: 'ldap://user:pw@ldap.example.org' }, /url/],
    [{ url: 'ldap://ldap.example.org?mail' }, /url/],
    [{ url: 'ldaps://ldap.example.org', startTls: true }, /startTls is for ldap/],
    [{ startTls: 'yes' }, /startTls/],
    [{ baseDn: 'example.org' }, /baseDn/],
    [{ baseDn: 'dc=' }, /baseDn/],
    [{ baseDn: `dc=${'x'.repeat(1100)}` }, /baseDn/],
    [{ bindDn: '' }, /bindDn/],
    [{ bindDn: 'cn=reader,dc=example,dc=org' }, /needs ldaps:\/\/ or startTls/],
    [{ bindDn: 'cn=a\nb' }, /bindDn/],
    [{ bindDn: 'cn=bad\\escape' }, /bindDn/],
    [{ scope: 'subtree' }, /scope/],
    [{ filter: '(mail=*)' }, /\{address\}/],
    [{ filter: '(mail={address}' }, /unbalanced/],
    [{ filter: '(mail={address}))(' }, /unbalanced/],
    [{ filter: '(mail={address})(cn=x)' }, /unbalanced/],
    [{ filter: 'mail={address}' }, /parentheses/],
    [{ filter: '(|(mail={address})())' }, /empty/],
    [{ filter: '(mail={mail})' }, /\{address\}/],
    [{ filter: '(|(mail={address})(cn={name}))' }, /only \{address\}/],
    [{ filter: '(cn=a\\b{address})' }, /hex escape/],
    [{ personClasses: [] }, /personClasses/],
    [{ personClasses: ['in etOrgPerson'] }, /personClasses/],
    [{ contactClasses: ['person'] }, /both people and contacts/],
    [{ attributes: [] }, /attributes/],
    [{ timeoutMs: 50 }, /timeoutMs/],
    [{ timeoutMs: 120_001 }, /timeoutMs/],
    [{ attributes: Array.from({ length: 9 }, (_, i) => `cert${i}`) }, /at most 8/],
    [{ personClasses: Array.from({ length: 33 }, (_, i) => `class${i}`) }, /at most 32/],
    [{ sizeLimit: 0 }, /sizeLimit/],
    [{ sizeLimit: 1.5 }, /sizeLimit/],
    [{ cacheSeconds: -1 }, /cacheSeconds/],
    [{ bindDN: 'cn=typo' }, /unknown setting "bindDN"/],
  ])('refuses %j', (input, message) => {
    expect(parsed(input)).toMatch(message);
  });

  it('reads distinguished names as RFC 4514 writes them', () => {
    for (const good of ['dc=example,dc=org', 'CN=Doe\\, John,OU=Sales+L=Berlin,DC=corp', '2.5.4.3=x', 'cn=\\23hash', 'o=Müller GmbH']) {
      expect(isDistinguishedName(good), good).toBe(true);
    }
    for (const bad of ['', 'example', '=x', 'cn=', 'cn=a,', 'cn=a;b', 'cn=a\\q', '1x=y']) {
      expect(isDistinguishedName(bad), bad).toBe(false);
    }
  });

  it('accepts the default filter and the filters directories commonly use', () => {
    for (const good of [defaultDirectorySettings.filter, '(mail={address})', '(&(objectClass=person)(|(mail={address})(mailAlternateAddress={address})))', '(cn=\\2a{address})']) {
      expect(filterProblem(good), good).toBeUndefined();
    }
  });

  it('stays within what the native host accepts', () => {
    expect(parsed({ timeoutMs: MAX_DIRECTORY_TIMEOUT_MS })).toMatchObject({ timeoutMs: MAX_DIRECTORY_TIMEOUT_MS });
    expect(parsed({ timeoutMs: MAX_DIRECTORY_TIMEOUT_MS + 1 })).toMatch(/timeoutMs/);
    expect(parsed({ url: 'ldaps://ldap.example.org', bindDn: 'cn=reader,dc=example,dc=org' })).toMatchObject({ bindDn: 'cn=reader,dc=example,dc=org' });
  });

  it('is described field by field in the managed storage schema', () => {
    const schema = JSON.parse(readFileSync(new URL('../../src/policy/managed-schema.json', import.meta.url), 'utf8')) as {
      properties: { directory: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.properties.directory.properties).sort()).toEqual(Object.keys(parsed({}) as DirectoryPolicy).sort());
  });
});
