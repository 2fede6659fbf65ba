/**
 * A loopback HTTP server for the contract servers of the provider APIs: every request is
 * kept with its exact body bytes, and a route answers it. Listens on 127.0.0.1 only.
 * For the browser tests it speaks HTTPS with a test certificate, under the providers' own
 * host names mapped to loopback, and answers cross-origin callers as the APIs do.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON. */
  readonly body?: string | Uint8Array | object;
}

export type Route = (request: Received) => Reply | Promise<Reply>;

export interface LoopbackOptions {
  /** PEM key and certificate: the server speaks HTTPS. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /**
   * Answers CORS preflights and names the caller's origin in every answer, as Google's APIs
   * and Microsoft Graph do for browser callers (an extension without host permission for
   * the API is one). The route never sees a preflight.
   */
  readonly cors?: boolean;
}

/** Headers a browser caller may read; Google's upload protocol needs Location and Range. */
const exposedHeaders = 'Location, Range, Retry-After, WWW-Authenticate, X-GUploader-UploadID, Content-Length';

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': exposedHeaders, Vary: 'Origin' };
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': req.headers['access-control-request-method'] ?? 'GET, POST, PUT',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
    'Access-Control-Max-Age': '3600',
  });
  res.end();
}

export interface Loopback {
  readonly origin: string;
  readonly received: Received[];
  close(): Promise<void>;
}

export async function startLoopback(route: Route, options: LoopbackOptions = {}): Promise<Loopback> {
  const received: Received[] = [];
  const scheme = options.tls ? 'https' : 'http';
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (options.cors && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      preflight(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? '127.0.0.1'}`),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      Promise.resolve(route(request)).then((reply) => {
        const headers: Record<string, string> = { ...(options.cors ? corsHeaders(req) : {}), ...reply.headers };
        let body: Uint8Array | string | undefined;
        if (reply.body instanceof Uint8Array || typeof reply.body === 'string') body = reply.body;
        else if (reply.body !== undefined) {
          body = JSON.stringify(reply.body);
          headers['Content-Type'] ??= 'application/json; charset=UTF-8';
        }
        res.writeHead(reply.status, headers);
        res.end(body);
      }, (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(error));
      });
    });
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function bearerOf(request: Received): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}
