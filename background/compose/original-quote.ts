/**
 * The quote of a reply or forward, read from the original by Cachet's own reader: the
 * decrypted text never comes from (or goes to) the webmail page. The quote is what the
 * reader showed and nothing more (Müller et al., "Re: What's Up Johnny?", 2019: a reply
 * is signed or encrypted by the one who sends it, so text the reader did not show, once
 * quoted, would make the replier sign or send back what they never saw). The reader shows
 * the HTML body when there is one, so that is quoted, as the text the reader shows of it
 * (src/html/shown-text.ts), and never the plain-text part beside it, which may say
 * something else. Parts the reader did not open (an smime.p7m attached or inside the
 * content, src/cms/read-message.ts) are attachments, and attachments are not quoted.
 */
import { shownText } from '../../src/html/shown-text';
import { headerValue } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import type { ComposeQuote } from '../../src/protocol/runtime';
import type { Reader } from '../reader/reader';

/** Reader sessions of quotes are their own; no page can ask for their attachments. */
const quoteOwner = 'compose-quote';

/** A quote longer than this is cut: a reply needs the gist, not a 25 MiB body. */
const maxQuoteChars = 256 * 1024;

export async function quoteOriginal(source: Uint8Array, reader: Reader): Promise<ComposeQuote> {
  // Only the outer header is read here; the reader parses the rest on its own copy.
  const outer = parseMessage(source, { maxDepth: 0 });
  const messageId = headerValue(outer, 'message-id')?.trim() ?? '';
  const references = headerValue(outer, 'references')?.trim() ?? '';
  const view = await reader.open(source, quoteOwner);
  const text = view.html !== null ? shownText(view.html, maxQuoteChars + 1) : (view.text ?? '');
  return {
    from: view.from,
    date: view.date,
    subject: view.subject,
    text: text.length > maxQuoteChars ? `${text.slice(0, maxQuoteChars)}\n[…]` : text,
    messageId,
    references,
  };
}
