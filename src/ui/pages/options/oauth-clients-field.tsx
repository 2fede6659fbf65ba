/**
 * The OAuth clients Cachet signs in with for the Gmail API and Microsoft Graph. Empty
 * fields leave a provider unset; the organisation usually sets these by policy.
 */
import { useId, useState } from 'preact/hooks';
import type { OAuthClientsPolicy, PolicyKey } from '../../../policy';
import type { MessageKey, Translate } from '../../platform';
import { policyLabel } from './policy-field';

interface Fields {
  readonly googleClientId: string;
  readonly googleClientSecret: string;
  readonly microsoftClientId: string;
  readonly microsoftTenant: string;
}

export function OAuthClientsField({ name, value, locked, t, save }: {
  name: PolicyKey;
  value: OAuthClientsPolicy;
  locked: boolean;
  t: Translate;
  save: (key: PolicyKey, value: unknown) => Promise<void>;
}) {
  const id = useId();
  const [fields, setFields] = useState<Fields>({
    googleClientId: value.google?.clientId ?? '',
    googleClientSecret: value.google?.clientSecret ?? '',
    microsoftClientId: value.microsoft?.clientId ?? '',
    microsoftTenant: value.microsoft?.tenant ?? 'common',
  });

  function submit(e: Event): void {
    e.preventDefault();
    const f: Fields = {
      googleClientId: fields.googleClientId.trim(), googleClientSecret: fields.googleClientSecret.trim(),
      microsoftClientId: fields.microsoftClientId.trim(), microsoftTenant: fields.microsoftTenant.trim(),
    };
    void save(name, {
      ...(f.googleClientId ? { google: { clientId: f.googleClientId, ...(f.googleClientSecret ? { clientSecret: f.googleClientSecret } : {}) } } : {}),
      ...(f.microsoftClientId ? { microsoft: { clientId: f.microsoftClientId, tenant: f.microsoftTenant || 'common' } } : {}),
    });
  }

  const inputs: readonly [keyof Fields, MessageKey, string][] = [
    ['googleClientId', 'oauthGoogleClientId', '1234-abcd.apps.googleusercontent.com'],
    ['googleClientSecret', 'oauthGoogleClientSecret', ''],
    ['microsoftClientId', 'oauthMicrosoftClientId', '00000000-0000-0000-0000-000000000000'],
    ['microsoftTenant', 'oauthMicrosoftTenant', 'common'],
  ];
  return (
    <form onSubmit={submit} data-policy-key={name}>
      <fieldset aria-describedby={`${id}-hint`}>
        <legend>{t(policyLabel(name))}</legend>
        <p class="hint" id={`${id}-hint`}>{t(locked ? 'policyLocked' : 'oauthClientsHint')}</p>
        {inputs.map(([field, label, placeholder]) => (
          <div class="field" key={field}>
            <label for={`${id}-${field}`}>{t(label)}</label>
            <input id={`${id}-${field}`} type="text" value={fields[field]} disabled={locked} placeholder={placeholder} autoComplete="off"
              spellcheck={false} onInput={(e) => setFields((old) => ({ ...old, [field]: e.currentTarget.value }))} />
          </div>
        ))}
        {!locked && <div class="actions"><button type="submit">{t('save')}</button></div>}
      </fieldset>
    </form>
  );
}
