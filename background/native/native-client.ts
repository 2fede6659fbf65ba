/**
 * The background's side of the native protocol (src/protocol/native.ts): one port to the
 * host, opened on first use and again after it drops (the service worker may have been
 * restarted, or the host may have exited); the `hello` handshake before anything else;
 * numeric request ids; a time limit per request; chunking both ways (src/protocol/framing.ts);
 * every response and event validated on receipt.
 */
import { CachetError } from '../../src/errors';
import { ChunkAssembler, frameMessages, MAX_FRAME_BYTES } from '../../src/protocol/framing';
import {
  NATIVE_PROTOCOL_VERSION, type NativeEvents, type NativeEventType, type NativeReq, type NativeRequestType, type NativeRes,
} from '../../src/protocol/native';
import { settleResponse } from '../../src/protocol/native-response';
import { parseNativeMessage, validateNativeEvent } from '../../src/protocol/native-validators';
import type { NativePort } from './native-port';

export type NativeEvent = { [E in NativeEventType]: { readonly event: E; readonly data: NativeEvents[E] } }[NativeEventType];

export interface NativeClientOptions {
  readonly connect: () => NativePort;
  readonly disconnectReason: (port: NativePort) => string | undefined;
  readonly extensionVersion: string;
  readonly onEvent: (event: NativeEvent) => void;
  /** Called for frames from the host that cannot be used; they are dropped. */
  readonly onProtocolError: (error: unknown) => void;
  /** Starts a timer and returns its cancel function. */
  readonly startTimer: (ms: number, fire: () => void) => () => void;
}

export interface NativeClient {
  /** The handshake result of the current connection, connecting first if needed. */
  hello(): Promise<NativeRes<'hello'>>;
  /**
   * `octets`, when given, are the value of `req[octets.field]` (where `req` holds ""), sent
   * as a spliced chunk run (src/protocol/framing.ts) rather than as one base64 string.
   */
  request<K extends Exclude<NativeRequestType, 'hello'>>(type: K, req: NativeReq<K>, octets?: RequestOctets<K>): Promise<NativeRes<K>>;
  close(): void;
}

/** Octets a request carries in one of its fields, without making one string of them. */
export interface RequestOctets<K extends NativeRequestType> {
  readonly field: keyof NativeReq<K> & string;
  readonly bytes: Uint8Array;
}

/**
 * Key operations may wait for the user to find a card and type a PIN (the host's own
 * prompt timeout governs that); everything else answers at once.
 */
export const requestTimeoutMs: { readonly [K in NativeRequestType]: number } = {
  hello: 10_000,
  'identities/list': 60_000,
  'key/sign': 600_000,
  'key/decrypt': 600_000,
  'key/derive': 600_000,
  'pin/provide': 60_000,
  'pin/cancel': 10_000,
  'session/logout': 30_000,
  'account/list': 30_000,
  'account/set': 30_000,
  'account/remove': 30_000,
  'account/set-password': 30_000,
  'account/forget-password': 30_000,
  // The host times out a silent mail server itself; a 25 MiB message on a slow link takes minutes.
  'mail/send': 900_000,
  'mail/fetch': 900_000,
  // The host ends a directory request after its own timeoutMs (at most 120 s).
  'directory/search': 150_000,
  'directory/read-url': 150_000,
  'directory/set-password': 30_000,
  'directory/forget-password': 30_000,
};

interface Pending {
  readonly type: NativeRequestType;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  cancelTimer(): void;
}

interface Connection {
  readonly port: NativePort;
  readonly pending: Map<number, Pending>;
  readonly assembler: ChunkAssembler;
  hello?: Promise<NativeRes<'hello'>>;
  closed: boolean;
}

export function createNativeClient(options: NativeClientOptions): NativeClient {
  let current: Connection | undefined;
  let nextId = 1;
  let nextChunkRun = 1;

  function fail(connection: Connection, error: CachetError): void {
    if (connection.closed) return;
    connection.closed = true;
    if (current === connection) current = undefined;
    for (const pending of connection.pending.values()) {
      pending.cancelTimer();
      pending.reject(error);
    }
    connection.pending.clear();
  }

  function receive(connection: Connection, raw: unknown): void {
    let message;
    try {
      const whole = connection.assembler.accept(raw);
      if (whole === undefined) return;
      message = parseNativeMessage(whole);
    } catch (error) {
      options.onProtocolError(error);
      return;
    }
    if (message.kind === 'event') {
      try {
        options.onEvent({ event: message.event, data: validateNativeEvent(message.event, message.data) } as NativeEvent);
      } catch (error) {
        options.onProtocolError(error);
      }
      return;
    }
    if (message.kind !== 'response' || typeof message.id !== 'number') {
      options.onProtocolError(new CachetError('native/bad-message', `unexpected ${message.kind} from the host`));
      return;
    }
    const pending = connection.pending.get(message.id);
    if (pending === undefined) return;
    connection.pending.delete(message.id);
    pending.cancelTimer();
    settleResponse(pending, message);
  }

  function open(): Connection {
    let port: NativePort;
    try {
      port = options.connect();
    } catch (error) {
      throw new CachetError('native/unavailable', error instanceof Error ? error.message : String(error));
    }
    const connection: Connection = { port, pending: new Map(), assembler: new ChunkAssembler(), closed: false };
    port.onMessage.addListener((raw) => receive(connection, raw));
    port.onDisconnect.addListener((p) => {
      fail(connection, new CachetError('native/unavailable', options.disconnectReason(p) ?? 'the native host closed the connection'));
    });
    return connection;
  }

  function send<K extends NativeRequestType>(connection: Connection, type: K, req: NativeReq<K>, octets?: RequestOctets<K>): Promise<NativeRes<K>> {
    return new Promise<NativeRes<K>>((resolve, reject) => {
      const id = nextId++;
      const cancelTimer = options.startTimer(requestTimeoutMs[type], () => {
        if (!connection.pending.delete(id)) return;
        reject(new CachetError('native/timeout', `the native host did not answer ${type} in time`));
      });
      connection.pending.set(id, { type, resolve, reject, cancelTimer });
      try {
        // Posted as values: the port encodes each frame itself, so none is encoded twice.
        const spliced = octets === undefined ? undefined : { at: ['req', octets.field], bytes: octets.bytes };
        for (const frame of frameMessages({ kind: 'request', id, type, req }, `b${nextChunkRun++}`, MAX_FRAME_BYTES, spliced)) connection.port.postMessage(frame);
      } catch (error) {
        connection.pending.delete(id);
        cancelTimer();
        // A port the browser already closed throws here; its onDisconnect tells why.
        reject(error instanceof CachetError ? error : new CachetError('native/unavailable', 'the native host connection is closed'));
      }
    });
  }

  function connected(): Connection {
    if (current === undefined || current.closed) current = open();
    return current;
  }

  function handshake(connection: Connection): Promise<NativeRes<'hello'>> {
    connection.hello ??= send(connection, 'hello', { protocol: NATIVE_PROTOCOL_VERSION, extensionVersion: options.extensionVersion })
      .then((res) => {
        if (res.protocol !== NATIVE_PROTOCOL_VERSION) {
          const error = new CachetError('native/version-mismatch', `the native host speaks protocol ${res.protocol}, Cachet ${NATIVE_PROTOCOL_VERSION}`);
          connection.port.disconnect();
          fail(connection, error);
          throw error;
        }
        return res;
      })
      .catch((error: unknown) => {
        // A failed handshake leaves the connection unusable; the next call starts afresh.
        if (!connection.closed) {
          connection.port.disconnect();
          fail(connection, error instanceof CachetError ? error : new CachetError('native/unavailable', String(error)));
        }
        throw error;
      });
    return connection.hello;
  }

  return {
    hello: () => handshake(connected()),
    async request(type, req, octets) {
      const connection = connected();
      await handshake(connection);
      return send(connection, type, req, octets);
    },
    close() {
      if (current === undefined) return;
      const connection = current;
      connection.port.disconnect();
      fail(connection, new CachetError('native/unavailable', 'closed by Cachet'));
    },
  };
}
