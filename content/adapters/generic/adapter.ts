/**
 * The fallback for webmail without its own adapter. Without site knowledge it reads only
 * what any page shows plainly: links to S/MIME parts, by file name or media type, which
 * it offers to open in Cachet. It never reports a compose form: secure compose for such
 * sites starts from the toolbar popup.
 */
import type { MessageView, PageReport, WebmailAdapter } from '../adapter';
import { smimeLinkSelector, smimeNamePattern } from './selectors';

function kindOf(link: HTMLAnchorElement): MessageView['kind'] | undefined {
  const text = `${link.getAttribute('download') ?? ''} ${link.textContent ?? ''} ${link.getAttribute('type') ?? ''} ${link.href}`;
  const match = smimeNamePattern.exec(text);
  if (!match) return undefined;
  return /p7s|signature/i.test(match[0]) ? 'signed' : 'encrypted';
}

function scan(doc: Document): PageReport {
  const messages: MessageView[] = [];
  for (const link of doc.querySelectorAll<HTMLAnchorElement>(smimeLinkSelector)) {
    const kind = kindOf(link);
    let url: URL;
    try {
      url = new URL(link.href, doc.baseURI);
    } catch {
      continue;
    }
    // Only the page's own origin: the background fetches with the page's session.
    if (kind === undefined || url.origin !== doc.location?.origin) continue;
    messages.push({ key: `link:${url.href}`, kind, anchor: link, placement: 'after', source: { url: url.href } });
  }
  return { messages, composes: [] };
}

export const genericAdapter: WebmailAdapter = {
  name: 'generic',
  // Any enabled page: the user switched Cachet on for this site.
  detect: () => true,
  scan,
};
