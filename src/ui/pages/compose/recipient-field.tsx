/**
 * One of To, Cc and Bcc: a labelled text field and, below it, what the background found
 * for each address typed (B6–B8): where the certificate came from and until when it is
 * valid, or why there is none that can be used, then the certificates passed over
 * (recipient-lines.ts). The list is a polite live region, so a screen reader hears the
 * verdicts as they arrive.
 */
import { useId } from 'preact/hooks';
import type { RecipientView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';
import { recipientLines } from './recipient-lines';

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
        {entries.flatMap((entry, index) => {
          const { status, details } = recipientLines(entry, views.get(entry), t);
          return [
            <li key={`${index}:${entry}`} class={status === undefined ? 'checking' : status.good ? 'good' : 'bad'} data-recipient={entry}
              data-state={views.get(entry)?.state ?? 'checking'} data-source={views.get(entry)?.source}>
              {status?.text ?? t('composeCertChecking', entry)}
            </li>,
            // Details sit beside the verdict, not inside it, so the verdict reads the same on its own.
            ...details.map((line, n) => (
              <li key={`${index}:${entry}:${n}`} class="detail bad" data-detail-for={entry}>{line.text}</li>
            )),
          ];
        })}
      </ul>
    </div>
  );
}
