/**
 * The organisation directory (B6 steps 2–3): where the server is, how to connect and bind,
 * where and how to search, which object classes are people and which contacts, and the
 * limits. An empty URL means no directory. The bind password is never typed here: Cachet
 * asks for it in its own window the first time the server wants it. The background checks
 * what is saved (src/policy/validate.ts) and says what is wrong.
 */
import { useId, useState } from 'preact/hooks';
import { defaultDirectorySettings, directoryScopes, type DirectoryPolicy, type DirectoryScope, type PolicyKey } from '../../../policy';
import type { MessageKey, Translate } from '../../platform';
import { LockedNote, policyLabel } from './policy-field';

interface Draft {
  readonly url: string;
  readonly startTls: boolean;
  readonly bindDn: string;
  readonly baseDn: string;
  readonly scope: DirectoryScope;
  readonly filter: string;
  readonly personClasses: string;
  readonly contactClasses: string;
  readonly attributes: string;
  readonly timeoutMs: string;
  readonly sizeLimit: string;
  readonly cacheSeconds: string;
}

type TextSetting = Exclude<keyof Draft, 'startTls' | 'scope'>;

export function draftOf(value: DirectoryPolicy | null): Draft {
  const settings = value ?? { url: '', baseDn: '', ...defaultDirectorySettings };
  return {
    url: settings.url,
    startTls: settings.startTls,
    bindDn: settings.bindDn ?? '',
    baseDn: settings.baseDn,
    scope: settings.scope,
    filter: settings.filter,
    personClasses: settings.personClasses.join(', '),
    contactClasses: settings.contactClasses.join(', '),
    attributes: settings.attributes.join(', '),
    timeoutMs: String(settings.timeoutMs),
    sizeLimit: String(settings.sizeLimit),
    cacheSeconds: String(settings.cacheSeconds),
  };
}

const names = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

/** What is saved: the settings as typed, numbers as numbers; the background validates them. */
export function directoryInput(draft: Draft): Record<string, unknown> | null {
  if (draft.url.trim() === '') return null;
  return {
    url: draft.url.trim(),
    startTls: draft.startTls,
    bindDn: draft.bindDn.trim() === '' ? null : draft.bindDn.trim(),
    baseDn: draft.baseDn.trim(),
    scope: draft.scope,
    filter: draft.filter.trim(),
    personClasses: names(draft.personClasses),
    contactClasses: names(draft.contactClasses),
    attributes: names(draft.attributes),
    timeoutMs: Number(draft.timeoutMs),
    sizeLimit: Number(draft.sizeLimit),
    cacheSeconds: Number(draft.cacheSeconds),
  };
}

const textSettings: readonly [TextSetting, MessageKey, string, 'text' | 'number'][] = [
  ['url', 'directoryUrl', 'ldaps://ldap.example.org', 'text'],
  ['bindDn', 'directoryBindDn', 'cn=cachet,ou=services,dc=example,dc=org', 'text'],
  ['baseDn', 'directoryBaseDn', 'dc=example,dc=org', 'text'],
  ['filter', 'directoryFilter', defaultDirectorySettings.filter, 'text'],
  ['personClasses', 'directoryPersonClasses', defaultDirectorySettings.personClasses.join(', '), 'text'],
  ['contactClasses', 'directoryContactClasses', defaultDirectorySettings.contactClasses.join(', '), 'text'],
  ['attributes', 'directoryAttributes', defaultDirectorySettings.attributes.join(', '), 'text'],
  ['timeoutMs', 'directoryTimeoutMs', String(defaultDirectorySettings.timeoutMs), 'number'],
  ['sizeLimit', 'directorySizeLimit', String(defaultDirectorySettings.sizeLimit), 'number'],
  ['cacheSeconds', 'directoryCacheSeconds', String(defaultDirectorySettings.cacheSeconds), 'number'],
];

const scopeLabels: Readonly<Record<DirectoryScope, MessageKey>> = { base: 'directoryScopeBase', one: 'directoryScopeOne', sub: 'directoryScopeSub' };

export function DirectoryField({ name, value, locked, t, save }: {
  name: PolicyKey;
  value: DirectoryPolicy | null;
  locked: boolean;
  t: Translate;
  save: (key: PolicyKey, value: unknown) => Promise<void>;
}) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(value));
  const edit = <K extends keyof Draft>(key: K, next: Draft[K]) => setDraft((d) => ({ ...d, [key]: next }));

  function submit(e: Event): void {
    e.preventDefault();
    void save(name, directoryInput(draft));
  }

  const described = locked ? `${id}-hint ${id}-locked` : `${id}-hint`;
  return (
    <form onSubmit={submit} data-policy-key={name}>
      <fieldset aria-describedby={described}>
        <legend>{t(policyLabel(name))}</legend>
        <p class="hint" id={`${id}-hint`}>{t('directoryHint')}</p>
        {textSettings.map(([key, label, placeholder, type]) => (
          <div class="field" key={key} data-directory-setting={key}>
            <label for={`${id}-${key}`}>{t(label)}</label>
            <input id={`${id}-${key}`} type="text" inputMode={type === 'number' ? 'numeric' : 'text'} value={draft[key]} disabled={locked}
              placeholder={placeholder} autoComplete="off" spellcheck={false} onInput={(e) => edit(key, e.currentTarget.value)} />
          </div>
        ))}
        <div class="field" data-directory-setting="startTls">
          <input id={`${id}-startTls`} type="checkbox" checked={draft.startTls} disabled={locked} onChange={(e) => edit('startTls', e.currentTarget.checked)} />
          <label for={`${id}-startTls`}>{t('directoryStartTls')}</label>
        </div>
        <div class="field" data-directory-setting="scope">
          <label for={`${id}-scope`}>{t('directoryScope')}</label>
          <select id={`${id}-scope`} value={draft.scope} disabled={locked} onChange={(e) => edit('scope', e.currentTarget.value as DirectoryScope)}>
            {directoryScopes.map((scope) => <option key={scope} value={scope}>{t(scopeLabels[scope])}</option>)}
          </select>
        </div>
        {!locked && <button type="submit">{t('save')}</button>}
        <LockedNote id={`${id}-locked`} locked={locked} t={t} />
      </fieldset>
    </form>
  );
}
