/**
 * From: one of the user's own certificates with a private key, as the native host lists
 * them (B5). Token certificates are marked as such (B4); one that cannot sign says so,
 * since it can still serve a message that is only encrypted.
 */
import { useId } from 'preact/hooks';
import type { IdentityView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';
import { fromMailbox } from './default-identity';

function optionText(identity: IdentityView, t: Translate): string {
  const where = identity.hardware ? t('composeIdentitySmartCard', identity.tokenLabel) : identity.storeLabel;
  const text = t('composeIdentityOption', [fromMailbox(identity), where, identity.notAfter.slice(0, 10)]);
  return identity.canSign ? text : t('composeIdentityCannotSign', text);
}

export function IdentityPicker({ offered, failure, value, t, onChange }: {
  offered: readonly IdentityView[];
  /** Why the list could not be had (the native host is missing, say). */
  failure: string | undefined;
  value: string | undefined;
  t: Translate;
  onChange: (id: string) => void;
}) {
  const id = useId();
  if (offered.length === 0) {
    return (
      <div class="field">
        <span class="label">{t('composeFrom')}</span>
        <p class="bad" id={id} data-identities="none">{failure === undefined ? t('composeNoIdentities') : t('composeIdentitiesFailed', failure)}</p>
      </div>
    );
  }
  return (
    <div class="field">
      <label for={id}>{t('composeFrom')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {offered.map((identity) => (
          <option key={identity.id} value={identity.id} data-hardware={identity.hardware}>{optionText(identity, t)}</option>
        ))}
      </select>
    </div>
  );
}
