/**
 * The Node fetcher behind `cachet` for CRLs, OCSP and AIA: plain HTTP(S) GET or POST with
 * the timeout the retrieval budget gives, a size cap, and at most a few redirects.
 * LDAP URLs are refused here: scheme-fetcher.ts sends those to the directory client.
 */
import http from 'node:http';
import https from 'node:https';

import type { FetchRequest, Fetcher } from '../../src/pki/fetcher';
import { RetrievalError } from '../../src/pki/fetcher';

export interface HttpFetcherOptions {
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
}

export class HttpFetcher implements Fetcher {
  private readonly maxBytes: number;
  private readonly maxRedirects: number;

  constructor(options: HttpFetcherOptions = {}) {
    this.maxBytes = options.maxBytes ?? 32 << 20;
    this.maxRedirects = options.maxRedirects ?? 3;
  }

  fetch(url: string, request: FetchRequest): Promise<Uint8Array> {
    return this.get(url, request, 0);
  }

  private get(url: string, request: FetchRequest, redirects: number): Promise<Uint8Array> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new RetrievalError(`not a URL: ${url}`));
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) return Promise.reject(new RetrievalError(`unsupported URL scheme ${parsed.protocol}`));
    return new Promise<Uint8Array>((resolve, reject) => {
      const req = client.request(parsed, {
        method: request.body ? 'POST' : 'GET',
        timeout: request.timeoutMs,
        signal: request.signal,
        headers: request.body ? { 'content-type': request.contentType ?? 'application/octet-stream', 'content-length': request.body.length } : {},
      }, (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location) {
          res.resume();
          if (redirects >= this.maxRedirects) return reject(new RetrievalError(`${url}: too many redirects`));
          return resolve(this.get(new URL(location, parsed).toString(), request, redirects + 1));
        }
        if (status !== 200) {
          res.resume();
          return reject(new RetrievalError(`${url}: HTTP ${status}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            req.destroy(new RetrievalError(`${url}: response too large`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new RetrievalError(`${url}: no answer within ${request.timeoutMs} ms`)));
      req.on('error', reject);
      if (request.body) req.end(Buffer.from(request.body));
      else req.end();
    });
  }
}
