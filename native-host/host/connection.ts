/**
 * One conversation with the browser over stdio: frames in, chunk reassembly, envelope and
 * request validation, the version handshake, dispatch under a bound on concurrent work,
 * and frames out. Every broken input gets an error response (with the request id when
 * one could be read) and never stops the other requests (DESIGN.md invariant 5).
 */
import { CachetError } from '../../src/errors';
import { ChunkAssembler, encodeFrames, MAX_FRAME_BYTES, type SplicedOctets } from '../../src/protocol/framing';
import {
  NATIVE_PROTOCOL_VERSION, type NativeEventType, type NativeEvents, type NativeReq, type NativeRequestType, type NativeRes,
  type RequestId,
} from '../../src/protocol/native';
import { isNativeRequestType, parseNativeMessage, validateNativeRequest } from '../../src/protocol/native-validators';
import { encodeFrame, FrameReader } from './frame-reader';
import { Limiter } from './limiter';
import { isSplicedAnswer, type SplicedAnswer } from './spliced-answer';
import { toWireError } from './wire-error';

export type Handlers = { [K in NativeRequestType]: (req: NativeReq<K>) => Promise<NativeRes<K> | SplicedAnswer<NativeRes<K>>> };

/** Requests that never wait on a token or a server and must get through even when other work is queued. */
const IMMEDIATE: readonly NativeRequestType[] = [
  'hello', 'pin/provide', 'pin/cancel', 'session/logout',
  'account/list', 'account/set', 'account/remove', 'account/set-password', 'account/forget-password',
  'directory/set-password', 'directory/forget-password',
];

export interface ConnectionOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly handlers: Handlers;
  readonly log: (line: string) => void;
  readonly maxFrameBytes?: number;
  readonly maxActive?: number;
  readonly maxQueued?: number;
}

export class Connection {
  readonly #options: ConnectionOptions;
  readonly #reader: FrameReader;
  readonly #assembler = new ChunkAssembler();
  readonly #limiter: Limiter;
  readonly #inFlight = new Set<Promise<void>>();
  #helloDone = false;
  #closed = false;
  #chunkRuns = 0;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#reader = new FrameReader(options.maxFrameBytes ?? MAX_FRAME_BYTES);
    this.#limiter = new Limiter(options.maxActive ?? 4, options.maxQueued ?? 64);
    // The browser closing its end must not crash the host with EPIPE.
    options.output.on('error', (error: Error) => {
      this.#closed = true;
      options.log(`output closed: ${error.message}`);
    });
  }

  /** Serves until the input ends, then waits for requests already started. */
  async run(): Promise<void> {
    const { input } = this.#options;
    await new Promise<void>((resolve) => {
      input.on('data', (chunk: Buffer | string) => this.#onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      input.on('end', resolve);
      input.on('close', resolve);
      input.on('error', (error: Error) => {
        this.#options.log(`input error: ${error.message}`);
        resolve();
      });
    });
    if (this.#reader.midFrame) this.#reply(null, new CachetError('native/bad-frame', 'input ended inside a frame'));
    if (this.#assembler.pendingRuns > 0) this.#reply(null, new CachetError('native/bad-frame', 'input ended inside a chunked message'));
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  sendEvent<E extends NativeEventType>(event: E, data: NativeEvents[E]): void {
    this.#send({ kind: 'event', event, data });
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'oversized') {
        this.#reply(null, new CachetError('native/frame-too-large', `frame of ${event.length} bytes exceeds the limit; skipped`));
      } else if (event.kind === 'bad-utf8') {
        this.#reply(null, new CachetError('native/bad-json', 'frame is not UTF-8'));
      } else {
        this.#onFrame(event.text);
      }
    }
  }

  #onFrame(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#reply(null, new CachetError('native/bad-json', 'frame is not JSON'));
      return;
    }
    let message: unknown;
    try {
      message = this.#assembler.accept(value);
    } catch (error) {
      this.#reply(null, error);
      return;
    }
    if (message === undefined) return;
    let parsed;
    try {
      parsed = parseNativeMessage(message);
    } catch (error) {
      this.#reply(idOf(message), error);
      return;
    }
    if (parsed.kind !== 'request') {
      this.#reply(null, new CachetError('native/bad-message', `the host accepts requests only, not ${parsed.kind}`));
      return;
    }
    this.#start(parsed.id, parsed.type, parsed.req);
  }

  #start(id: RequestId, type: string, req: unknown): void {
    const task = this.#serve(type, req).then(
      (res) => this.#answer(id, res),
      (error: unknown) => this.#reply(id, error),
    );
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  async #serve(type: string, req: unknown): Promise<unknown> {
    if (!isNativeRequestType(type)) throw new CachetError('native/unknown-type', `unknown request type ${JSON.stringify(type.slice(0, 64))}`);
    if (type === 'hello') {
      const hello = validateNativeRequest('hello', req);
      if (hello.protocol !== NATIVE_PROTOCOL_VERSION) {
        throw new CachetError('native/version-mismatch', `host speaks protocol ${NATIVE_PROTOCOL_VERSION}, extension ${hello.protocol}`);
      }
      const res = await this.#options.handlers.hello(hello);
      this.#helloDone = true;
      return res;
    }
    if (!this.#helloDone) throw new CachetError('native/no-handshake', 'send hello first');
    const valid = validateNativeRequest(type, req);
    const handler = this.#options.handlers[type] as (r: typeof valid) => Promise<unknown>;
    if (IMMEDIATE.includes(type)) return handler(valid);
    return this.#limiter.run(() => handler(valid));
  }

  #answer(id: RequestId, res: unknown): void {
    if (isSplicedAnswer(res)) this.#send({ kind: 'response', id, ok: true, res: res.res }, { at: ['res', res.field], bytes: res.bytes });
    else this.#send({ kind: 'response', id, ok: true, res });
  }

  #reply(id: RequestId | null, error: unknown): void {
    this.#send({ kind: 'response', id, ok: false, error: toWireError(error, this.#options.log) });
  }

  #send(message: unknown, spliced?: SplicedOctets): void {
    if (this.#closed) return;
    const frames = encodeFrames(message, `h${this.#chunkRuns++}`, this.#options.maxFrameBytes ?? MAX_FRAME_BYTES, spliced);
    for (const frame of frames) this.#options.output.write(encodeFrame(frame));
  }
}

/** The id of a message that failed validation, when it has a usable one. */
function idOf(message: unknown): RequestId | null {
  if (typeof message !== 'object' || message === null) return null;
  const id = (message as { id?: unknown }).id;
  if (typeof id === 'string' && id.length <= 64) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  return null;
}
