/**
 * One of To, Cc and Bcc: a labelled text field and, below it, what the background found
 * for each address typed (B6–B8): where the certificate came from and until when it is
 * valid, or why there is none that can be used. The list is a polite live region, so a
 * screen reader hears the verdicts as they arrive.
 */
import { useId } from 'preact/hooks';
import type { RecipientView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';
import { maxEntryLength } from './use-recipient-status';

function statusText(entry: string, view: RecipientView | undefined, t: Translate): { text: string; good: boolean } | undefined {
  if (entry.length > maxEntryLength) return { text: t('composeBadAddress', entry.slice(0, 40)), good: false };
  if (view === undefined) return undefined;
  const detail = view.detail ?? '';
  switch (view.state) {
    case 'ok':
      return { text: t('composeCertOk', [entry, view.certificate?.subject ?? '', view.certificate?.notAfter.slice(0, 10) ?? '']), good: true };
    case 'none':
      return { text: t('composeCertNone', [entry, detail]), good: false };
    case 'invalid':
      return { text: t('composeCertInvalid', [entry, detail]), good: false };
    case 'algorithm':
      return { text: t('composeCertAlgorithm', [entry, detail]), good: false };
  }
}

export function RecipientField({ label, value, entries, views, checking, t, onInput }: {
  label: string;
  value: string;
  entries: readonly string[];
  views: ReadonlyMap<string, RecipientView>;
  checking: boolean;
  t: Translate;
  onInput: (value: string) => void;
}) {
  const id = useId();
  return (
    <div class="field recipient-field">
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value} autocomplete="off" spellcheck={false} aria-describedby={`${id}-hint ${id}-status`}
        onInput={(e) => onInput(e.currentTarget.value)} />
      <p class="hint" id={`${id}-hint`}>{t('composeRecipientsHint')}</p>
      <ul class="recipient-status" id={`${id}-status`} aria-live="polite" aria-busy={checking}>
        {entries.map((entry, index) => {
          const status = statusText(entry, views.get(entry), t);
          return (
            <li key={`${index}:${entry}`} class={status === undefined ? 'checking' : status.good ? 'good' : 'bad'} data-recipient={entry}
              data-state={views.get(entry)?.state ?? 'checking'}>
              {status?.text ?? t('composeCertChecking', entry)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
