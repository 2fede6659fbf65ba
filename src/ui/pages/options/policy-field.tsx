/**
 * One policy key as an options control. Locked keys are shown disabled with the reason,
 * tied to the control by aria-describedby so assistive technology reads it too.
 */
import { useId, useState } from 'preact/hooks';
import { encryptionAlgorithmNames, signingAlgorithmNames, type Policy, type PolicyKey } from '../../../policy';
import type { MessageKey, Translate } from '../../platform';

/**
 * Saves one key. `serviceOrigins` are servers the new value sends mail through that need
 * host permission (src/policy/host-permissions.ts): the page asks for it in the same click.
 */
export type SavePolicy = (key: PolicyKey, value: unknown, serviceOrigins?: readonly string[]) => Promise<void>;

export interface FieldProps<K extends PolicyKey> {
  readonly name: K;
  readonly value: Policy[K];
  readonly locked: boolean;
  readonly t: Translate;
  readonly save: SavePolicy;
}

export const policyLabel = (key: PolicyKey): MessageKey => `policy_${key}` as MessageKey;

export function LockedNote({ id, locked, t }: { id: string; locked: boolean; t: Translate }) {
  return locked ? <span id={id} class="locked-note">{t('policyLocked')}</span> : null;
}

export function BooleanField({ name, value, locked, t, save }: FieldProps<PolicyKey> & { value: boolean }) {
  const id = useId();
  return (
    <div class="field" data-policy-key={name}>
      <input id={id} type="checkbox" checked={value} disabled={locked} aria-describedby={locked ? `${id}-locked` : undefined}
        onChange={(e) => void save(name, e.currentTarget.checked)} />
      <label for={id}>{t(policyLabel(name))}</label>
      <LockedNote id={`${id}-locked`} locked={locked} t={t} />
    </div>
  );
}

export function NumberField({ name, value, locked, t, save }: FieldProps<PolicyKey> & { value: number }) {
  const id = useId();
  return (
    <div class="field" data-policy-key={name}>
      <label for={id}>{t(policyLabel(name))}</label>
      <input id={id} type="number" inputMode="numeric" min={100} max={600000} step={100} value={value} disabled={locked}
        aria-describedby={locked ? `${id}-locked` : undefined}
        onChange={(e) => void save(name, Number(e.currentTarget.value))} />
      <LockedNote id={`${id}-locked`} locked={locked} t={t} />
    </div>
  );
}

/** An ordered choice list; the order written is the fixed preference order of src/policy. */
export function ChoiceListField({ name, value, locked, t, save }: FieldProps<PolicyKey> & { value: readonly string[] }) {
  const id = useId();
  const all: readonly string[] = name === 'encryptionAlgorithms' ? encryptionAlgorithmNames : signingAlgorithmNames;
  function toggle(choice: string, on: boolean): void {
    const next = all.filter((c) => (c === choice ? on : value.includes(c)));
    void save(name, next);
  }
  return (
    <fieldset data-policy-key={name} aria-describedby={locked ? `${id}-locked` : undefined}>
      <legend>{t(policyLabel(name))}</legend>
      {all.map((choice) => (
        <span class="choice" key={choice}>
          <input id={`${id}-${choice}`} type="checkbox" checked={value.includes(choice)} disabled={locked}
            onChange={(e) => toggle(choice, e.currentTarget.checked)} />
          <label for={`${id}-${choice}`}>{choice}</label>
        </span>
      ))}
      <LockedNote id={`${id}-locked`} locked={locked} t={t} />
    </fieldset>
  );
}

export function OriginsField({ name, value, locked, t, save }: FieldProps<PolicyKey> & { value: readonly string[] }) {
  const id = useId();
  const [text, setText] = useState(value.join('\n'));
  return (
    <div class="field" data-policy-key={name}>
      <label for={id}>{t(policyLabel(name))}</label>
      <p class="hint" id={`${id}-hint`}>{t('policyOriginsHint')}</p>
      <textarea id={id} rows={3} cols={50} value={text} disabled={locked}
        aria-describedby={locked ? `${id}-hint ${id}-locked` : `${id}-hint`}
        onInput={(e) => setText(e.currentTarget.value)} />
      {!locked && (
        <button type="button" onClick={() => void save(name, text.split('\n').map((s) => s.trim()).filter(Boolean))}>
          {t('save')}
        </button>
      )}
      <LockedNote id={`${id}-locked`} locked={locked} t={t} />
    </div>
  );
}
