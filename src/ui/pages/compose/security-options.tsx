/**
 * Sign and Encrypt, starting from `alwaysSign` and `alwaysEncrypt`. A switch the policy
 * holds is shown disabled with the reason tied to it by aria-describedby: a locked
 * `alwaysSign`, and `alwaysEncrypt` however it was set, since with it on nothing may be
 * sent unencrypted (B7).
 */
import { useId } from 'preact/hooks';
import type { Translate } from '../../platform';

export interface SecurityState {
  readonly sign: boolean;
  readonly encrypt: boolean;
  /** Why a switch cannot be changed, or undefined when it can. */
  readonly signHeld: string | undefined;
  readonly encryptHeld: string | undefined;
}

/** A held switch is described by why it is held; the explanation stays visible beside it. */
function Switch({ label, explain, checked, held, onChange }: {
  label: string;
  explain: string;
  checked: boolean;
  held: string | undefined;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div class="field switch">
      <input id={id} type="checkbox" role="switch" checked={checked} disabled={held !== undefined} aria-describedby={held ? `${id}-held` : `${id}-explain`}
        onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>{label}</label>
      <span id={`${id}-explain`} class="switch-explain">{explain}</span>
      {held && <span id={`${id}-held`} class="locked-note">{held}</span>}
    </div>
  );
}

export function SecurityOptions({ state, t, onSign, onEncrypt }: {
  state: SecurityState;
  t: Translate;
  onSign: (on: boolean) => void;
  onEncrypt: (on: boolean) => void;
}) {
  return (
    <fieldset class="security">
      <legend>{t('composeSecurity')}</legend>
      <Switch label={t('composeSign')} explain={t('composeSignExplain')} checked={state.sign} held={state.signHeld} onChange={onSign} />
      <Switch label={t('composeEncrypt')} explain={t('composeEncryptExplain')} checked={state.encrypt} held={state.encryptHeld} onChange={onEncrypt} />
    </fieldset>
  );
}
