/**
 * What secure compose starts with when a webmail opened it: the form's recipients and
 * subject, the identity whose address is the form's From, and for a reply or forward the
 * original quoted from Cachet's own decrypted copy, with the reply's threading fields.
 */
import { isMessageId } from '../../../mime/build-message';
import type { ComposeFrameView, ComposeQuote, IdentityView } from '../../../protocol/runtime';

export interface ComposeStart {
  readonly to: string;
  readonly cc: string;
  readonly bcc: string;
  readonly subject: string;
  readonly text: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
}

export const blankStart: ComposeStart = { to: '', cc: '', bcc: '', subject: '', text: '' };

const join = (list: readonly string[]) => list.join(', ');

function prefixed(prefix: string, subject: string): string {
  return subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`;
}

function quoted(quote: ComposeQuote, intro: string): string {
  const lines = quote.text.replace(/\r\n?/g, '\n').split('\n').map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`));
  return `\n\n${intro}\n${lines.join('\n')}\n`;
}

function forwarded(quote: ComposeQuote, heading: string): string {
  return `\n\n${heading}\nFrom: ${quote.from}\nDate: ${quote.date}\nSubject: ${quote.subject}\n\n${quote.text}\n`;
}

export interface QuoteWords {
  /** "On DATE, FROM wrote:" */
  readonly wrote: (date: string, from: string) => string;
  readonly forwardedHeading: string;
}

export function frameStart(view: ComposeFrameView, words: QuoteWords): ComposeStart {
  const { fields, quote, mode } = view;
  const base = { to: join(fields.to), cc: join(fields.cc), bcc: join(fields.bcc), subject: fields.subject, text: '' };
  if (!quote) return base;
  if (mode === 'forward') {
    return { ...base, subject: fields.subject || prefixed('Fwd:', quote.subject), text: forwarded(quote, words.forwardedHeading) };
  }
  if (mode !== 'reply') return base;
  // RFC 5322 §3.6.4: References is the original's References followed by its Message-ID.
  // Only ids the message builder takes: an odd one would make the whole reply fail.
  const references = [...quote.references.split(/\s+/), quote.messageId].filter(isMessageId).slice(-50);
  return {
    ...base,
    subject: fields.subject || prefixed('Re:', quote.subject),
    text: quoted(quote, words.wrote(quote.date, quote.from)),
    ...(isMessageId(quote.messageId) ? { inReplyTo: quote.messageId, references } : {}),
  };
}

/** The identity whose address is the webmail form's From, if the user has one. */
export function identityForFrom(offered: readonly IdentityView[], from: string): IdentityView | undefined {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  if (!address) return undefined;
  return offered.find((identity) => identity.addresses.some((a) => a.toLowerCase() === address.toLowerCase()));
}
