/**
 * The quote of a reply or forward, read from the original by Cachet's own reader: the
 * decrypted text never comes from (or goes to) the webmail page. HTML-only originals are
 * quoted as their text, which is all a quote in a plain-text reply can hold.
 */
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
  const text = view.text ?? (view.html === null ? '' : htmlAsText(view.html));
  return {
    from: view.from,
    date: view.date,
    subject: view.subject,
    text: text.length > maxQuoteChars ? `${text.slice(0, maxQuoteChars)}\n[…]` : text,
    messageId,
    references,
  };
}

/** Tags dropped and the common entities decoded; no DOM in the service worker. */
function htmlAsText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
