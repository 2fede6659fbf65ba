/**
 * The user's own certificates as the native host sees them (B4, B5, B19): on a smart card
 * or in a software store, what each can do, and which one signs by default.
 */
import type { IdentityList } from '../../../protocol/runtime';
import type { Translate } from '../../platform';

export function IdentitiesSection({ list, t, choose }: {
  list: IdentityList;
  t: Translate;
  choose: (id: string) => Promise<void>;
}) {
  return (
    <section aria-labelledby="identities-heading">
      <h2 id="identities-heading" tabIndex={-1}>{t('identitiesHeading')}</h2>
      {list.identities.length === 0 ? <p>{t('identitiesNone')}</p> : (
        <table data-list="identities">
          <caption class="visually-hidden">{t('identitiesHeading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('identitiesDefault')}</th>
              <th scope="col">{t('addressBookAddresses')}</th>
              <th scope="col">{t('addressBookSubject')}</th>
              <th scope="col">{t('identitiesWhere')}</th>
              <th scope="col">{t('identitiesUses')}</th>
              <th scope="col">{t('addressBookValidUntil')}</th>
            </tr>
          </thead>
          <tbody>
            {list.identities.map((identity) => (
              <tr key={identity.id} data-hardware={identity.hardware}>
                <td>
                  {identity.canSign && (
                    <input type="radio" name="default-signing" checked={list.defaultSigning === identity.id}
                      aria-label={t('identitiesUseForSigning', identity.addresses[0] ?? identity.subject)}
                      onChange={() => void choose(identity.id)} />
                  )}
                </td>
                <td>{identity.addresses.join(', ') || '—'}</td>
                <td>{identity.subject}</td>
                <td>
                  {identity.hardware ? <strong>{t('identitiesHardware')}</strong> : t('identitiesSoftware')}
                  <span class="detail"> — {identity.tokenLabel || identity.storeLabel}</span>
                </td>
                <td>{[identity.canSign ? t('identitiesSign') : '', identity.canDecrypt ? t('identitiesDecrypt') : ''].filter(Boolean).join(', ')}</td>
                <td>{identity.notAfter.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
