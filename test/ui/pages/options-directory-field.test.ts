/**
 * The options page's directory settings: what the form shows for a saved directory is
 * saved back unchanged, an empty URL saves "no directory", and edits the form allows
 * reach the policy check as the admin's managed input would.
 */
import { describe, expect, it } from 'vitest';
import { checkPolicyValue, defaultDirectorySettings, type DirectoryPolicy } from '../../../src/policy';
import { directoryInput, draftOf } from '../../../src/ui/pages/options/directory-field';

const saved: DirectoryPolicy = {
  ...defaultDirectorySettings,
  url: 'ldap://ldap.example.org:389',
  baseDn: 'dc=example,dc=org',
  startTls: true,
  bindDn: 'cn=reader,dc=example,dc=org',
  scope: 'one',
  contactClasses: [],
  cacheSeconds: 60,
};

describe('directory options field', () => {
  it('saves a shown directory back unchanged', () => {
    expect(checkPolicyValue('directory', directoryInput(draftOf(saved)))).toEqual({ ok: true, value: saved });
  });

  it('starts an unset directory from the defaults and saves an empty URL as none', () => {
    const draft = draftOf(null);
    expect(draft.filter).toBe(defaultDirectorySettings.filter);
    expect(draft.personClasses).toBe('person, inetOrgPerson, user');
    expect(directoryInput(draft)).toBeNull();
  });

  it('turns typed lists and numbers into settings, and an empty bind DN into anonymous', () => {
    const input = directoryInput({ ...draftOf(saved), bindDn: '  ', personClasses: 'inetOrgPerson ,, user', sizeLimit: '7' });
    const checked = checkPolicyValue('directory', input);
    expect(checked).toMatchObject({ ok: true, value: { bindDn: null, personClasses: ['inetOrgPerson', 'user'], sizeLimit: 7 } });
  });

  it('hands a bad filter to the policy check, which names the problem', () => {
    expect(checkPolicyValue('directory', directoryInput({ ...draftOf(saved), filter: '(mail=x)' }))).toMatchObject({ ok: false, message: expect.stringContaining('{address}') as unknown });
  });
});
