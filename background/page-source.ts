/**
 * Fetches a message's raw source from the webmail, with the webmail's own session, for a
 * content script of that webmail. The background fetches rather than the content script
 * so that megabytes of message never pass through the webmail page's thread. A page can
 * make Cachet fetch only URLs of its own origin, which it could fetch itself.
 */
import { CachetError } from '../src/errors';
import { MAX_FETCHED_MESSAGE_BYTES } from '../src/protocol/native';

export type PageSourceFetch = (origin: string | null, url: string) => Promise<Uint8Array>;

/**
 * The one place a webmail's raw download is served from another origin: Gmail's "Download
 * original" (`view=att&disp=comp`) answers with a redirect to its attachment host, which
 * serves the bytes (gmail.js issues 353 and 384). Only that redirect is followed, and only
 * for Gmail's own pages; every other redirect, such as to a login page, is still refused.
 * Fetching there needs the browser's permission for that host next to Gmail's.
 */
const downloadOrigins: ReadonlyMap<string, readonly string[]> = new Map([
  ['https://mail.google.com', ['https://mail-attachment.googleusercontent.com']],
]);

/** The largest message Cachet reads, whichever way it comes. */
const maxSourceBytes = MAX_FETCHED_MESSAGE_BYTES;
const timeoutMs = 60_000;

export function createPageSourceFetch(doFetch: typeof fetch = fetch): PageSourceFetch {
  return async (origin, url) => {
    if (origin === null || new URL(url).origin !== origin) {
      throw new CachetError('runtime/forbidden', 'a page may only have its own messages fetched');
    }
    const servedFrom = downloadOrigins.get(origin);
    let response: Response;
    try {
      response = await doFetch(url, {
        credentials: 'include',
        cache: 'no-store',
        // A redirect would be the webmail sending us elsewhere, typically to its login.
        redirect: servedFrom ? 'follow' : 'error',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CachetError('webmail/unreachable', `the webmail did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.redirected && !servedFrom?.includes(new URL(response.url).origin)) {
      throw new CachetError('webmail/no-source', 'the webmail sent Cachet elsewhere, not to the message: are you still signed in?');
    }
    if (!response.ok) throw new CachetError('webmail/no-source', `the webmail refused the message source (HTTP ${response.status})`);
    // A signed-out session gets the login page instead of the message.
    if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
      throw new CachetError('webmail/no-source', 'the webmail answered with a page, not the message: are you still signed in?');
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxSourceBytes) throw new CachetError('mime/too-large', 'the message is larger than Cachet opens');
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > maxSourceBytes) throw new CachetError('mime/too-large', 'the message is larger than Cachet opens');
    if (body.length === 0) throw new CachetError('webmail/no-source', 'the webmail gave an empty message source');
    return body;
  };
}
