/**
 * One LDAP conversation for one request: connect (TLS from the first byte for ldaps://),
 * StartTLS when asked (RFC 4513 §3, before anything else is sent), a simple bind when a DN
 * is given, the work, then unbind and close. Three limits hold whatever the server does:
 *
 * - time: the whole conversation ends within `timeoutMs`, its sockets destroyed, even if
 *   the server accepts the connection and never says a word;
 * - bytes: the server may send at most `maxBytes`, counted as they arrive, before any of
 *   it is parsed (ldapts gathers a whole message in memory before reading it), and they
 *   must be framed as LDAP messages (ldap-framing.ts);
 * - one connection: ldapts quietly opens a new connection when the old one is gone, which
 *   would carry the rest of the request without StartTLS and without the bind; the host
 *   refuses to open a second one instead.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import { Client, SearchResponse } from 'ldapts';
import { CachetError } from '../../src/errors';
import { withDeadline } from '../mail/deadline';
import { mailTlsOptions } from '../mail/mail-tls';
import { directoryError, type DirectoryStep } from './directory-errors';
import { LdapFraming } from './ldap-framing';

export interface DirectorySessionOptions {
  /** `ldap://host[:port]` or `ldaps://host[:port]`. */
  readonly url: string;
  readonly startTls: boolean;
  /** A simple bind, or none (anonymous). */
  readonly bind: { readonly dn: string; readonly password: string } | null;
  readonly timeoutMs: number;
  /** The most bytes the server may send in the whole conversation. */
  readonly maxBytes: number;
  /** PEM certificates trusted besides Node's roots. */
  readonly trustedRoots: readonly string[];
}

interface Endpoint {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** host:port as people read it, for messages. */
  readonly label: string;
}

function endpoint(url: string): Endpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'ldaps:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? (secure ? 636 : 389) : Number(parsed.port);
  return { secure, host, port, label: `${parsed.protocol}//${parsed.hostname}:${port}` };
}

/** The sockets of one conversation: at most one connection, every byte received counted. */
class SocketGuard {
  readonly #sockets = new Map<net.Socket, (chunk: Buffer) => void>();
  #connections = 0;
  #received = 0;
  /** The TCP connection was made: what fails after this is not "unreachable". */
  connected = false;
  overflowed = false;
  /** What made the server's bytes unreadable as LDAP messages. */
  garbled: string | undefined;

  constructor(private readonly maxBytes: number, private readonly label: string) {}

  #watch<S extends net.Socket>(socket: S): S {
    const framing = new LdapFraming();
    const count = (chunk: Buffer): void => {
      this.#received += chunk.length;
      if (this.#received > this.maxBytes && !this.overflowed) {
        this.overflowed = true;
        this.destroyAll();
      }
      const problem = this.garbled === undefined ? framing.feed(chunk) : undefined;
      if (problem !== undefined) {
        this.garbled = problem;
        this.destroyAll();
      }
    };
    this.#sockets.set(socket, count);
    socket.on('data', count);
    socket.once('connect', () => {
      this.connected = true;
    });
    return socket;
  }

  #connection(): void {
    this.#connections += 1;
    if (this.#connections > 1) throw new CachetError('directory/unreachable', `the directory ${this.label} closed the connection; the host does not open another for the same request`);
  }

  plain(host: string, port: number): net.Socket {
    this.#connection();
    return this.#watch(net.connect({ host, port }));
  }

  secure(options: ConnectionOptions): tls.TLSSocket {
    const upgraded = options.socket;
    if (upgraded === undefined) {
      this.#connection();
    } else {
      // From StartTLS on, the TLS socket reads the connection and its bytes are counted there.
      const count = this.#sockets.get(upgraded as net.Socket);
      if (count) upgraded.removeListener('data', count);
    }
    const socket = this.#watch(tls.connect(options));
    if (upgraded !== undefined) this.connected = true;
    return socket;
  }

  destroyAll(): void {
    for (const socket of this.#sockets.keys()) socket.destroy();
  }
}

/** What the session saw of the server's answers beyond what ldapts returns. */
export interface SessionWatch {
  /**
   * The result codes of the searches completed. ldapts reports a search stopped at its
   * size limit (RFC 4511 §4.5.2, sizeLimitExceeded) as a success, and whether there may be
   * more entries is part of the answer. Undefined when ldapts's parser cannot be watched.
   */
  readonly searchCodes: readonly number[] | undefined;
}

/**
 * Watches ldapts's message parser, the one place that sees every answer: it records the
 * searches' result codes, and a message it cannot read (no message id to fail the request
 * with, so ldapts would wait on) ends the conversation at once through `broken`.
 */
function watchParser(client: Client, broken: (error: Error) => void): SessionWatch {
  const parser = (client as unknown as { messageParser?: unknown }).messageParser;
  if (!(parser instanceof EventEmitter)) return { searchCodes: undefined };
  const searchCodes: number[] = [];
  parser.on('message', (message: unknown) => {
    if (message instanceof SearchResponse) searchCodes.push(message.status);
  });
  parser.on('error', (error: unknown) => broken(error instanceof Error ? error : new Error(String(error))));
  return { searchCodes };
}

/**
 * Runs `work` on a connected (and, when asked, bound) client and closes it. Errors come
 * out typed (directory-errors.ts).
 */
export async function withDirectorySession<T>(options: DirectorySessionOptions, work: (client: Client, watch: SessionWatch) => Promise<T>): Promise<T> {
  const server = endpoint(options.url);
  const guard = new SocketGuard(options.maxBytes, server.label);
  const tlsOptions: ConnectionOptions = { ...mailTlsOptions(server.host, options.trustedRoots), host: server.host, port: server.port };
  let step: DirectoryStep = 'request';
  const client = new Client({
    url: options.url,
    strictDN: false,
    // ldapts calls these with its own arguments; the guard builds each socket from the
    // endpoint and the TLS options above, so nothing the library passes loosens them.
    createConnection: (() => guard.plain(server.host, server.port)),
    createSecureConnection: ((upgrade?: ConnectionOptions) => {
      const socket = typeof upgrade === 'object' ? upgrade.socket : undefined;
      return guard.secure(socket === undefined ? tlsOptions : { ...tlsOptions, socket });
    }) as unknown as typeof tls.connect,
  });
  let unreadable: ((error: Error) => void) | undefined;
  const brokenAnswer = new Promise<never>((_, reject) => {
    unreadable = (error) => reject(new CachetError('directory/malformed', `the directory ${server.label} answered what is not LDAP: ${error.message.slice(0, 200)}`));
  });
  const watch = watchParser(client, (error) => unreadable?.(error));
  const run = async (): Promise<T> => {
    if (options.startTls) {
      step = 'starttls';
      await client.startTLS(tlsOptions);
    }
    if (options.bind) {
      step = 'bind';
      await client.bind(options.bind.dn, options.bind.password);
    }
    step = 'request';
    return work(client, watch);
  };
  try {
    return await withDeadline(options.timeoutMs, () => Promise.race([run(), brokenAnswer]), () => (guard.connected
      ? new CachetError('directory/timeout', `the directory ${server.label} did not answer within ${options.timeoutMs} ms`)
      : new CachetError('directory/unreachable', `the directory ${server.label} cannot be reached: no connection within ${options.timeoutMs} ms`)));
  } catch (error) {
    if (guard.overflowed) throw new CachetError('directory/refused', `the directory ${server.label} sent more than ${options.maxBytes} bytes; the request was stopped`);
    if (guard.garbled !== undefined) throw new CachetError('directory/malformed', `the directory ${server.label} answered what is not LDAP: ${guard.garbled}`);
    throw directoryError(error, server.label, guard.connected ? step : 'connect');
  } finally {
    guard.destroyAll();
  }
}
