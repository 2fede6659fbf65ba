import { describe, expect, it } from 'vitest';
import { createPageSourceFetch } from '../../background/page-source';

const origin = 'http://127.0.0.1:8025';
const url = `${origin}/?_task=mail&_action=viewsource&_uid=3&_mbox=INBOX&_save=1&_token=t`;

function fetchReturning(response: Response, seen: RequestInit[] = []): typeof fetch {
  return ((_input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(init ?? {});
    return Promise.resolve(response);
  });
}

describe('page source', () => {
  it('fetches the raw message with the page session, refusing redirects', async () => {
    const seen: RequestInit[] = [];
    const source = createPageSourceFetch(fetchReturning(new Response('From: a\r\n\r\nbody\r\n', { headers: { 'content-type': 'text/plain' } }), seen));
    expect(new TextDecoder().decode(await source(origin, url))).toBe('From: a\r\n\r\nbody\r\n');
    expect(seen[0]).toMatchObject({ credentials: 'include', redirect: 'error' });
  });

  it('fetches only URLs of the asking page\'s own origin', async () => {
    const source = createPageSourceFetch(fetchReturning(new Response('x')));
    await expect(source('https://evil.example', url)).rejects.toMatchObject({ code: 'runtime/forbidden' });
    await expect(source(null, url)).rejects.toMatchObject({ code: 'runtime/forbidden' });
  });

  it('says the user may be signed out when the webmail answers with a page', async () => {
    const source = createPageSourceFetch(fetchReturning(new Response('<html>login</html>', { headers: { 'content-type': 'text/html; charset=utf-8' } })));
    await expect(source(origin, url)).rejects.toMatchObject({ code: 'webmail/no-source', message: expect.stringMatching(/signed in/) as unknown });
  });

  it('refuses error answers, empty and oversized sources', async () => {
    await expect(createPageSourceFetch(fetchReturning(new Response('no', { status: 403 })))(origin, url)).rejects.toMatchObject({ code: 'webmail/no-source' });
    await expect(createPageSourceFetch(fetchReturning(new Response('')))(origin, url)).rejects.toMatchObject({ code: 'webmail/no-source' });
    const huge = new Response('x', { headers: { 'content-length': String(64 * 1024 * 1024) } });
    await expect(createPageSourceFetch(fetchReturning(huge))(origin, url)).rejects.toMatchObject({ code: 'mime/too-large' });
  });

  describe('Gmail\'s "Download original", which its attachment host serves', () => {
    const gmail = 'https://mail.google.com';
    const original = `${gmail}/mail/u/0/?ui=2&ik=1a2b3c4d5e&view=att&permmsgid=msg-f:1784405506291143909&attid=0&disp=comp&safe=1&zw`;
    /** A response as fetch gives it after following redirects to `finalUrl`. */
    const redirectedTo = (finalUrl: string, body: string, type = 'message/rfc822'): Response =>
      Object.defineProperties(new Response(body, { headers: { 'content-type': type } }), { redirected: { value: true }, url: { value: finalUrl } });

    it('follows the redirect to mail-attachment.googleusercontent.com and takes the bytes from there', async () => {
      const seen: RequestInit[] = [];
      const served = redirectedTo('https://mail-attachment.googleusercontent.com/attachment/u/0/?ui=2&view=att&th=18c3a9e1f05b2de5&disp=comp&safe=1&zw&saddbat=ANGj', 'MIME-Version: 1.0\r\n\r\nx');
      const bytes = await createPageSourceFetch(fetchReturning(served, seen))(gmail, original);
      expect(new TextDecoder().decode(bytes)).toBe('MIME-Version: 1.0\r\n\r\nx');
      expect(seen[0]).toMatchObject({ credentials: 'include', redirect: 'follow' });
    });

    it('refuses a redirect anywhere else, such as Google\'s sign-in page', async () => {
      const login = redirectedTo('https://accounts.google.com/v3/signin/identifier?continue=https%3A%2F%2Fmail.google.com', 'From: x\r\n\r\n', 'text/plain');
      await expect(createPageSourceFetch(fetchReturning(login))(gmail, original)).rejects.toMatchObject({ code: 'webmail/no-source', message: expect.stringMatching(/signed in/) as unknown });
    });

    it('follows no redirect for any other webmail, even to Gmail\'s attachment host', async () => {
      const seen: RequestInit[] = [];
      const elsewhere = redirectedTo('https://mail-attachment.googleusercontent.com/attachment/u/0/?x', 'From: x\r\n\r\n');
      await expect(createPageSourceFetch(fetchReturning(elsewhere, seen))(origin, url)).rejects.toMatchObject({ code: 'webmail/no-source' });
      expect(seen[0]).toMatchObject({ redirect: 'error' });
    });
  });

  it('reports a webmail that does not answer', async () => {
    const failing = (() => Promise.reject(new TypeError('connection refused'))) as typeof fetch;
    await expect(createPageSourceFetch(failing)(origin, url)).rejects.toMatchObject({ code: 'webmail/unreachable' });
  });
});
