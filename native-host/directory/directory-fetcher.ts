/**
 * The fetcher for `ldap://` and `ldaps://` CRL distribution points and caIssuers URLs in
 * the command line (B10, B11): reads the URL's attribute through the directory client,
 * anonymously, within the time the retrieval budget gives each URL, and hands back what
 * the PKI layer reads from any fetcher: the CRL's DER, or the certificates as PEM.
 */
import { pemBlock } from '../../src/directory/ldap-url-values';
import { CachetError } from '../../src/errors';
import { RetrievalError, type FetchRequest, type Fetcher } from '../../src/pki/fetcher';
import type { DirectoryService } from './directory-service';
import { parseLdapUrl } from './ldap-url';
import { pkiAttribute } from './pki-values';

export interface DirectoryFetcherOptions {
  /** The most a URL's values may hold together (the HTTP fetcher's cap). */
  readonly maxBytes?: number;
}

export class DirectoryFetcher implements Fetcher {
  readonly #maxBytes: number;

  /** `service` is called at the first LDAP URL, so the LDAP client loads only when one is met. */
  constructor(private readonly service: () => Promise<DirectoryService>, options: DirectoryFetcherOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 32 << 20;
  }

  async fetch(url: string, request: FetchRequest): Promise<Uint8Array> {
    if (request.body) throw new RetrievalError(`${url}: only HTTP takes a request body (OCSP)`);
    let values: Uint8Array[];
    let kind: ReturnType<typeof pkiAttribute>['kind'];
    try {
      kind = pkiAttribute(parseLdapUrl(url).attribute).kind;
      values = await (await this.service()).readUrl(url, { timeoutMs: request.timeoutMs, maxBytes: this.#maxBytes });
    } catch (error) {
      throw new RetrievalError(error instanceof CachetError ? `${error.code}: ${error.message}` : `${url}: ${String(error)}`, { cause: error });
    }
    const [first] = values;
    if (first === undefined) throw new RetrievalError(`${url}: the entry holds no usable value`);
    // One CRL per distribution point is read, as over HTTP; issuers may be several.
    if (kind === 'crl') return first;
    return new Uint8Array(Buffer.from(values.map((der) => pemBlock('CERTIFICATE', Buffer.from(der).toString('base64'))).join('')));
  }
}
