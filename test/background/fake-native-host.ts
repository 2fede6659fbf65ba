import type { NativePort } from '../../background/native/native-port';
import { encodeFrames } from '../../src/protocol/framing';

export type Request = { kind: 'request'; id: number; type: string; req: unknown };

/**
 * A native port whose other end is a scripted host: `answer` decides the reply to each
 * request (or undefined for none); `emit` sends frames as the host would.
 */
export function fakeNativeHost(answer: (request: Request) => unknown) {
  const messageListeners: ((message: unknown) => void)[] = [];
  const disconnectListeners: ((port: NativePort) => void)[] = [];
  const received: Request[] = [];
  const awaited: { type: string; resolve: (r: Request) => void }[] = [];
  let connected = true;
  const port: NativePort = {
    postMessage(message) {
      if (!connected) throw new Error('Attempting to use a disconnected port object');
      const request = message as Request;
      received.push(request);
      for (const w of awaited.filter((a) => a.type === (request.type ?? (message as { kind?: string }).kind))) w.resolve(request);
      const reply = answer(request);
      if (reply !== undefined) queueMicrotask(() => host.emit(reply));
    },
    onMessage: { addListener: (l) => messageListeners.push(l) },
    onDisconnect: { addListener: (l) => disconnectListeners.push(l) },
    disconnect() {
      connected = false;
    },
    error: null,
  };
  const host = {
    port,
    received,
    get connected() {
      return connected;
    },
    /** Resolves with the next request of this type; 'chunk' waits for a chunk frame, which has no type. */
    nextRequest(type: string): Promise<Request> {
      return new Promise((resolve) => awaited.push({ type, resolve }));
    },
    /** Sends a message, chunked into frames of at most `maxFrameBytes` when given. */
    emit(message: unknown, maxFrameBytes?: number) {
      const frames = maxFrameBytes === undefined ? [JSON.stringify(message)] : encodeFrames(message, 'h1', maxFrameBytes);
      for (const frame of frames) for (const l of messageListeners) l(JSON.parse(frame));
    },
    emitRaw(frame: unknown) {
      for (const l of messageListeners) l(frame);
    },
    /** The browser drops the port with this reason. */
    drop(reason: string) {
      connected = false;
      port.error = { message: reason };
      for (const l of disconnectListeners) l(port);
    },
  };
  return host;
}

export const helloRes = { protocol: 2, hostVersion: '0.1.0', platform: 'linux-x64', stores: [], maxFrameBytes: 1_000_000 };

export const ok = (request: Request, res: unknown) => ({ kind: 'response', id: request.id, ok: true, res });
