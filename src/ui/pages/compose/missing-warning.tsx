/**
 * B7: encryption is on and some recipients have no usable certificate. The warning names
 * them and offers what the policy allows: send encrypted knowing they cannot read it, or
 * turn encryption off; with `alwaysEncrypt`, neither, only the explanation.
 */
import { useId } from 'preact/hooks';
import type { Translate } from '../../platform';

export function MissingWarning({ missing, described, alwaysEncrypt, anyway, t, onAnyway, onEncryptOff }: {
  missing: readonly string[];
  /** The same recipients, each with why its certificate cannot be used. */
  described: string;
  alwaysEncrypt: boolean;
  anyway: boolean;
  t: Translate;
  onAnyway: (on: boolean) => void;
  onEncryptOff: () => void;
}) {
  const id = useId();
  return (
    <section class="missing-warning" id="missing-warning" aria-labelledby={`${id}-heading`} tabIndex={-1}>
      <h2 id={`${id}-heading`}>{t('composeMissingHeading')}</h2>
      <p data-missing={missing.join(' ')}>{t('composeMissingList', described)}</p>
      {alwaysEncrypt ? <p>{t('composeMissingAlwaysEncrypt')}</p> : (
        <div class="actions">
          <span class="choice">
            <input id={`${id}-anyway`} type="checkbox" checked={anyway} onChange={(e) => onAnyway(e.currentTarget.checked)} />
            <label for={`${id}-anyway`}>{t('composeEncryptAnyway')}</label>
          </span>
          <button type="button" onClick={onEncryptOff}>{t('composeEncryptOff')}</button>
        </div>
      )}
    </section>
  );
}
