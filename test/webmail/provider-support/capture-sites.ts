/**
 * Gmail, Outlook on the web and a Roundcube as the browser tests see them: the saved page
 * captures (test/content/captures/) served on loopback under the webmails' host names, with
 * a signed-in session cookie, and for Gmail its "Download original" as gmail.js issues 353
 * and 384 describe it: mail.google.com checks the session and redirects to
 * mail-attachment.googleusercontent.com, which serves the message byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startLoopback, type Loopback, type LoopbackOptions, type Received, type Reply } from '../../transports/support/loopback-http';

const capturesDir = fileURLToPath(new URL('../../content/captures/', import.meta.url));

export const gmailOrigin = 'https://mail.google.com';
export const gmailDownloadOrigin = 'https://mail-attachment.googleusercontent.com';
export const outlookOrigin = 'https://outlook.office.com';
/**
 * A webmail of the organisation's own, the Roundcube captures, in front of whichever mail
 * service `siteTransports` names for it (its JMAP server, or Google's or Microsoft's APIs).
 */
export const roundcubeOrigin = 'https://webmail.example.test';

export interface Capture {
  /** The address the capture was taken at, from its first line (a path, maybe with a fragment). */
  readonly address: string;
  readonly html: string;
}

/** A capture file; its first line is an HTML comment holding the address it shows. */
export function readCapture(file: string): Capture {
  const html = readFileSync(`${capturesDir}${file}`, 'utf8');
  const address = /^<!-- (\S+) -->/.exec(html)?.[1];
  if (address === undefined) throw new Error(`${file} does not start with its address`);
  return { address, html };
}

export interface CaptureSite {
  readonly loopback: Loopback;
  /** The session cookie the page set, `name=value`. */
  readonly session: string;
  /** Serves this capture (a path under test/content/captures/) from now on; returns its URL. */
  show(file: string, edit?: (html: string) => string): string;
  /** Raw messages served by the site, by the id its URLs name. */
  readonly messages: Map<string, Uint8Array>;
  /** Requests for raw messages and the cookie each carried. */
  readonly downloads: { url: string; cookie: string | undefined }[];
  close(): Promise<void>;
}

const html = (body: string, headers: Record<string, string> = {}): Reply => ({
  status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body,
});

function captureSite(origin: string, route: (request: Received, site: CaptureSite, page: () => Reply) => Reply, options: LoopbackOptions): Promise<CaptureSite> {
  const session = `SID=${randomBytes(12).toString('hex')}`;
  let shown = '';
  const page = (): Reply => html(shown, { 'Set-Cookie': `${session}; Path=/; Secure; HttpOnly; SameSite=Lax` });
  const site: Omit<CaptureSite, 'loopback' | 'close'> = {
    session,
    messages: new Map(),
    downloads: [],
    show(file, edit = (text) => text) {
      const capture = readCapture(file);
      shown = edit(capture.html);
      return `${origin}${capture.address}`;
    },
  };
  return startLoopback((request) => route(request, site as CaptureSite, page), options).then((loopback) => Object.assign(site, {
    loopback,
    close: () => loopback.close(),
  }));
}

function cookieOf(request: Received): string | undefined {
  return request.headers.cookie;
}

/**
 * mail.google.com and its attachment host on one server (the browser maps both names to
 * it). `view=att&disp=comp` with `permmsgid=msg-f:<decimal id>` is "Download original".
 */
export function startGmailSite(options: LoopbackOptions): Promise<CaptureSite> {
  const tickets = new Map<string, string>();
  return captureSite(gmailOrigin, (request, site, page) => {
    const host = request.url.host;
    const q = request.url.searchParams;
    if (`https://${host}` === gmailDownloadOrigin) {
      const id = tickets.get(q.get('ticket') ?? '');
      const raw = id === undefined ? undefined : site.messages.get(id);
      if (raw === undefined) return { status: 404, body: 'not found' };
      return { status: 200, headers: { 'Content-Type': 'message/rfc822', 'Content-Disposition': 'attachment; filename="original_msg.eml"' }, body: raw };
    }
    if (/^\/mail\/u\/\d+\/?$/.test(request.url.pathname) && q.get('view') === 'att') {
      site.downloads.push({ url: request.url.href, cookie: cookieOf(request) });
      // Signed out: Gmail sends the browser to its sign-in page.
      if (!(cookieOf(request) ?? '').split(/;\s*/).includes(site.session)) {
        return { status: 302, headers: { Location: 'https://accounts.google.com/ServiceLogin?service=mail' } };
      }
      const id = /^msg-f:(\d+)$/.exec(q.get('permmsgid') ?? '')?.[1];
      if (id === undefined || q.get('disp') !== 'comp' || !site.messages.has(id)) return { status: 404, body: 'not found' };
      const ticket = randomBytes(16).toString('base64url');
      tickets.set(ticket, id);
      return { status: 302, headers: { Location: `${gmailDownloadOrigin}/attachment/u/0/?ui=2&permmsgid=msg-f:${id}&disp=comp&ticket=${ticket}` } };
    }
    if (request.url.pathname.startsWith('/mail/')) return page();
    return { status: 404, body: 'not found' };
  }, options);
}

/** Roundcube's reply form names its original by Message-ID (`reply_msgid`); the capture's names none. */
export function replyingTo(messageId: string): (html: string) => string {
  return (html) => html.replace('"reply_msgid":"mid:1"', `"reply_msgid":${JSON.stringify(messageId)}`);
}

/**
 * The organisation's Roundcube: the captures at every address; its own requests (a draft's
 * deletion after sending) are answered. Raw messages come from the site's fetch transport.
 */
export function startRoundcubeSite(options: LoopbackOptions): Promise<CaptureSite> {
  return captureSite(roundcubeOrigin, (request, _site, page) => (request.method === 'GET' ? page() : { status: 200, body: {} }), options);
}

/** outlook.office.com: every address under /mail/ shows the capture; raw messages come from Graph only. */
export function startOutlookSite(options: LoopbackOptions): Promise<CaptureSite> {
  return captureSite(outlookOrigin, (request, _site, page) => {
    if (request.url.pathname.startsWith('/mail/')) return page();
    return { status: 404, body: 'not found' };
  }, options);
}
