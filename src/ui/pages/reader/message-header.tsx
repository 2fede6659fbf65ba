/**
 * The opened message's header as mail clients show it: the subject as the message's
 * heading, then the sender beside an initial, then To, Cc and Date. The initial is
 * decoration; every field keeps its label for assistive technology.
 */
import type { AuthorView, ReaderView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';

/** The first letter or digit of From: of the display name when there is one, else of the address. */
export function senderInitial(from: string): string | undefined {
  return /[\p{L}\p{N}]/u.exec(from)?.[0].toLocaleUpperCase();
}

/**
 * The From field as the author it names: the display name as plain text with the real
 * address beside it, so a name made to look like someone's address cannot pass for it.
 */
function Sender({ from, author, t }: { from: string; author: AuthorView | null; t: Translate }) {
  if (author?.address == null) {
    return (
      <dd data-field="from">
        {from}
        {author?.problem && <p class="sender-warning" role="note">{t('readerNoSingleSender', author.problem)}</p>}
      </dd>
    );
  }
  return (
    <dd data-field="from">
      {author.name && <span class="sender-name">{author.name} </span>}
      <span class="sender-address" data-field="from-address">{author.name ? `<${author.address}>` : author.address}</span>
      {author.nameHoldsOtherAddress && <p class="sender-warning" role="note">{t('readerNameShowsOtherAddress', author.address)}</p>}
    </dd>
  );
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
          <dt>{t('readerFrom')}</dt><Sender from={view.from} author={view.author} t={t} />
          <dt>{t('readerTo')}</dt><dd>{view.to}</dd>
          {view.cc && <><dt>{t('readerCc')}</dt><dd>{view.cc}</dd></>}
          {view.date && <><dt>{t('readerDate')}</dt><dd>{view.date}</dd></>}
        </dl>
      </div>
    </header>
  );
}
