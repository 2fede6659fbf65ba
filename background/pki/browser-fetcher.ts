/**
 * Revocation data and issuer certificates over the browser's `fetch` (B10, B20). The
 * request carries no cookies or referrer: a CRL server learns nothing about the mail.
 * `ldap://` and `ldaps://` URLs go to `ldap`, the native host's directory client
 * (background/directory/directory-url-reader.ts), under the same budget.
 */
import { RetrievalError, type Fetcher } from '../../src/pki/fetcher';

export function createBrowserFetcher(maxBytes: number, doFetch: typeof fetch = fetch, ldap?: Fetcher): Fetcher {
  return {
    async fetch(url, request) {
      if (/^ldaps?:/i.test(url)) {
        if (ldap === undefined) throw new RetrievalError(`${url}: LDAP URLs are read by the native host, which is not available here`);
        return ldap.fetch(url, request);
      }
      if (!/^https?:/i.test(url)) throw new RetrievalError(`${url}: only http, https and ldap URLs are fetched`);
      const response = await doFetch(url, {
        method: request.body ? 'POST' : 'GET',
        ...(request.body ? { body: request.body as Uint8Array<ArrayBuffer> } : {}),
        headers: request.contentType ? { 'content-type': request.contentType } : {},
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        cache: 'no-store',
        redirect: 'follow',
        signal: request.signal,
      });
      if (!response.ok) throw new RetrievalError(`${url}: HTTP ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) throw new RetrievalError(`${url}: larger than ${maxBytes} bytes`);
      const body = new Uint8Array(await response.arrayBuffer());
      if (body.length > maxBytes) throw new RetrievalError(`${url}: larger than ${maxBytes} bytes`);
      return body;
    },
  };
}
