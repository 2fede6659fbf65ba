/**
 * Every policy key with its effective value. Keys the organisation set are locked; the
 * others are the user's to change or to reset to the documented default.
 */
import type { Policy, PolicyKey } from '../../../policy';
import type { PolicyView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';
import { MailAccountsField } from './mail-accounts-field';
import { OAuthClientsField } from './oauth-clients-field';
import { SiteTransportsField } from './site-transports-field';
import { DirectoryField } from './directory-field';
import { BooleanField, ChoiceListField, NumberField, OriginsField, policyLabel, type SavePolicy } from './policy-field';

/** Keys edited elsewhere on the page (the trust section) are left out here. */
const shownHere: readonly PolicyKey[] = [
  'alwaysSign', 'alwaysEncrypt', 'clearSign', 'tripleWrap', 'includeCertificateChain', 'includeRootCertificate',
  'encryptionAlgorithms', 'signingAlgorithms', 'smartCardOnly', 'certMatchingDoNotUseProxies',
  'checkCrl', 'disableCrlCheck', 'revocationUrlRetrievalTimeoutMs', 'certUrlRetrievalTimeoutMs',
  'directory', 'allowedWebmailOrigins', 'mailAccounts', 'siteTransports', 'oauthClients',
];

function Field({ name, policy, locked, t, save }: { name: PolicyKey; policy: Policy; locked: boolean; t: Translate; save: SavePolicy }) {
  const common = { name, locked, t, save };
  const value = policy[name];
  if (typeof value === 'boolean') return <BooleanField {...common} value={value} />;
  if (typeof value === 'number') return <NumberField {...common} value={value} />;
  if (name === 'encryptionAlgorithms' || name === 'signingAlgorithms') return <ChoiceListField {...common} value={policy[name]} />;
  if (name === 'directory') return <DirectoryField {...common} value={policy.directory} />;
  if (name === 'allowedWebmailOrigins') return <OriginsField {...common} value={policy.allowedWebmailOrigins} />;
  if (name === 'mailAccounts') return <MailAccountsField {...common} value={policy.mailAccounts} />;
  if (name === 'siteTransports') return <SiteTransportsField {...common} value={policy.siteTransports} />;
  if (name === 'oauthClients') return <OAuthClientsField {...common} value={policy.oauthClients} />;
  return null;
}

export function PolicySection({ view, t, save, reset }: {
  view: PolicyView;
  t: Translate;
  save: SavePolicy;
  reset: (key: PolicyKey) => Promise<void>;
}) {
  return (
    <section aria-labelledby="policy-heading">
      <h2 id="policy-heading" tabIndex={-1}>{t('policyHeading')}</h2>
      {view.locked.length > 0 && <p class="hint">{t('policyLockedSummary', String(view.locked.length))}</p>}
      {view.warnings.length > 0 && (
        <div role="note" aria-label={t('policyWarningsHeading')}>
          <h3>{t('policyWarningsHeading')}</h3>
          <ul>
            {view.warnings.map((w, i) => (
              <li key={i}>{t(w.source === 'managed' ? 'policyWarningManaged' : 'policyWarningUser', [w.key, w.message])}</li>
            ))}
          </ul>
        </div>
      )}
      {shownHere.map((name) => {
        const locked = view.locked.includes(name);
        return (
          // The key forces a fresh control after a save, so its local text matches the stored value.
          <div class="policy-row" key={`${name}:${JSON.stringify(view.policy[name])}`}>
            <Field name={name} policy={view.policy} locked={locked} t={t} save={save} />
            {!locked && view.user[name] !== undefined && (
              <button type="button" class="reset" onClick={() => void reset(name)} aria-label={t('policyResetNamed', t(policyLabel(name)))}>
                {t('policyReset')}
              </button>
            )}
          </div>
        );
      })}
    </section>
  );
}
