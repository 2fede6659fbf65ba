import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the loopback server does for one path. */
export type Route =
  | { readonly kind: 'bytes'; readonly body: () => Uint8Array; readonly delayMs?: number }
  | { readonly kind: 'status'; readonly status: number }
  /** Accepts the request and never answers (until the server closes). */
  | { readonly kind: 'hang' }
  | { readonly kind: 'post'; readonly handle: (body: Buffer) => Uint8Array };

/**
 * A real HTTP server on 127.0.0.1 serving AIA certificates, CRLs and OCSP answers, with
 * delays and failures, and a log of every request path.
 */
export class LoopbackServer {
  readonly routes = new Map<string, Route>();
  readonly requests: string[] = [];
  private readonly server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    this.requests.push(url);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = this.routes.get(url);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      switch (route.kind) {
        case 'hang':
          return;
        case 'status':
          res.writeHead(route.status).end();
          return;
        case 'post':
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(route.handle(Buffer.concat(chunks))));
          return;
        case 'bytes': {
          const send = (): void => void res.writeHead(200).end(Buffer.from(route.body()));
          if (route.delayMs) setTimeout(send, route.delayMs);
          else send();
        }
      }
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get base(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  count(path: string): number {
    return this.requests.filter((r) => r === path).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
