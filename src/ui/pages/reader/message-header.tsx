/**
 * The opened message's header as mail clients show it: the subject as the message's
 * heading, then the sender beside an initial, then To, Cc and Date. The initial is
 * decoration; every field keeps its label for assistive technology.
 */
import type { ReaderView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';

/** The first letter or digit of From: of the display name when there is one, else of the address. */
export function senderInitial(from: string): string | undefined {
  return /[\p{L}\p{N}]/u.exec(from)?.[0].toLocaleUpperCase();
}

export function MessageHeader({ view, t }: { view: ReaderView; t: Translate }) {
  const initial = senderInitial(view.from);
  return (
    <header class="message-header">
      <h2 class="message-subject">
        <span class="visually-hidden">{t('readerSubject')}: </span>
        <span data-field="subject">{view.subject}</span>
      </h2>
      <div class="message-sender">
        {initial !== undefined && <span class="avatar" aria-hidden="true">{initial}</span>}
        <dl class="message-headers">
          <dt>{t('readerFrom')}</dt><dd data-field="from">{view.from}</dd>
          <dt>{t('readerTo')}</dt><dd>{view.to}</dd>
          {view.cc && <><dt>{t('readerCc')}</dt><dd>{view.cc}</dd></>}
          <dt>{t('readerDate')}</dt><dd>{view.date}</dd>
        </dl>
      </div>
    </header>
  );
}
