/**
 * Trust anchors and certificates marked untrusted (B11). Both are policy keys: when the
 * organisation set one, its list is shown but cannot be changed here.
 */
import type { TrustList, TrustView } from '../../../protocol/runtime';
import { FileImport, type PickedFile } from '../../components/file-import';
import type { Translate } from '../../platform';

const certificateTypes = '.cer,.crt,.der,.pem,.p7c,.p7b';

export function TrustSection({ view, lockedRoots, lockedUntrusted, t, add, remove, onError }: {
  view: TrustView;
  lockedRoots: boolean;
  lockedUntrusted: boolean;
  t: Translate;
  add: (list: TrustList, file: PickedFile) => Promise<void>;
  remove: (list: TrustList, fingerprint: string) => Promise<void>;
  onError: (message: string) => void;
}) {
  return (
    <section aria-labelledby="trust-heading">
      <h2 id="trust-heading" tabIndex={-1}>{t('trustHeading')}</h2>
      <h3>{t('trustRootsHeading')}</h3>
      {lockedRoots && <p class="locked-note">{t('policyLocked')}</p>}
      {view.roots.length === 0 ? <p>{t('trustNoRoots')}</p> : (
        <ul data-list="trusted-roots">
          {view.roots.map((root) => (
            <li key={root.fingerprint}>
              <span>{root.subject || t('trustUnreadable')}</span>{' '}
              {root.notAfter && <span class="hint">{t('validUntil', root.notAfter.slice(0, 10))}</span>}{' '}
              {!root.locked && (
                <button type="button" onClick={() => void remove('trustedRoots', root.fingerprint)} aria-label={t('trustRemoveNamed', root.subject || root.fingerprint)}>
                  {t('remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FileImport label={t('trustAddRoot')} accept={certificateTypes} disabled={lockedRoots} tooLarge={t('fileTooLarge')}
        onFile={(file) => add('trustedRoots', file)} onError={onError} />
      <h3>{t('trustUntrustedHeading')}</h3>
      {lockedUntrusted && <p class="locked-note">{t('policyLocked')}</p>}
      {view.untrusted.length === 0 ? <p>{t('trustNoUntrusted')}</p> : (
        <ul data-list="untrusted">
          {view.untrusted.map((entry) => (
            <li key={entry.fingerprint}>
              <span class="mono">{entry.fingerprint}</span>{' '}
              {!entry.locked && (
                <button type="button" onClick={() => void remove('untrustedCertificates', entry.fingerprint)} aria-label={t('trustRemoveNamed', entry.fingerprint)}>
                  {t('remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FileImport label={t('trustAddUntrusted')} accept={certificateTypes} disabled={lockedUntrusted} tooLarge={t('fileTooLarge')}
        onFile={(file) => add('untrustedCertificates', file)} onError={onError} />
    </section>
  );
}
