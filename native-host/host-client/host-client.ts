/**
 * A Node-side client of the native host, speaking the same protocol as the extension's
 * background: starts the host as a child process with Cachet's caller origin, handshakes,
 * sends typed requests and checks every response and event on receipt. The command line
 * and tests use it to reach token keys exactly as the browser does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CachetError } from '../../src/errors';
import { ChunkAssembler, encodeFrames, MAX_FRAME_BYTES } from '../../src/protocol/framing';
import {
  NATIVE_PROTOCOL_VERSION, type NativeEventType, type NativeEvents, type NativeReq, type NativeRequestType, type NativeRes,
} from '../../src/protocol/native';
import { settleResponse } from '../../src/protocol/native-response';
import { parseNativeMessage, validateNativeEvent } from '../../src/protocol/native-validators';
import { encodeFrame, FrameReader } from '../host/frame-reader';
import { CHROMIUM_EXTENSION_IDS } from '../install/extension-ids';

export interface HostClientOptions {
  /** The executable to start (a launcher, or node) and its arguments before the origin. */
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Answers PIN prompts; without it every prompt is cancelled. */
  readonly pin?: string;
  readonly onEvent?: <E extends NativeEventType>(event: E, data: NativeEvents[E]) => void;
}

interface Pending {
  readonly type: NativeRequestType;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class HostClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, Pending>();
  readonly #reader = new FrameReader(MAX_FRAME_BYTES);
  readonly #assembler = new ChunkAssembler();
  readonly #exited: Promise<number | null>;
  #nextId = 1;
  #runs = 0;
  #stderr = '';

  private constructor(private readonly options: HostClientOptions) {
    const origin = `chrome-extension://${CHROMIUM_EXTENSION_IDS[0] ?? ''}/`;
    this.#child = spawn(options.command, [...(options.args ?? []), origin], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#child.stderr.on('data', (chunk: Buffer) => { this.#stderr = (this.#stderr + chunk.toString()).slice(-8192); });
    this.#child.stdin.on('error', () => undefined);
    this.#exited = new Promise((resolve) => this.#child.on('exit', (code) => {
      this.#failAll(new CachetError('native/unavailable', `the native host exited (${String(code)}): ${this.#stderr.trim()}`));
      resolve(code);
    }));
  }

  static async start(options: HostClientOptions): Promise<HostClient> {
    const client = new HostClient(options);
    try {
      await client.request('hello', { protocol: NATIVE_PROTOCOL_VERSION, extensionVersion: 'cli' });
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  request<K extends NativeRequestType>(type: K, req: NativeReq<K>): Promise<NativeRes<K>> {
    const id = this.#nextId++;
    return new Promise<NativeRes<K>>((resolve, reject) => {
      this.#pending.set(id, { type, resolve: resolve as (value: unknown) => void, reject });
      for (const frame of encodeFrames({ kind: 'request', id, type, req }, `c${this.#runs++}`)) this.#child.stdin.write(encodeFrame(frame));
    });
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    await this.#exited;
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind !== 'frame') continue;
      try {
        const whole = this.#assembler.accept(JSON.parse(event.text));
        if (whole !== undefined) this.#onMessage(whole);
      } catch (error) {
        this.#failAll(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  #onMessage(value: unknown): void {
    const message = parseNativeMessage(value);
    if (message.kind === 'event') {
      this.#onEvent(message.event, validateNativeEvent(message.event, message.data));
      return;
    }
    if (message.kind !== 'response') return;
    if (typeof message.id !== 'number') {
      // An answer without id is about the stream itself (forbidden origin, broken frame).
      if (!message.ok) this.#failAll(new CachetError(message.error.code, message.error.message));
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    settleResponse(pending, message);
  }

  #onEvent<E extends NativeEventType>(event: E, data: NativeEvents[E]): void {
    this.options.onEvent?.(event, data);
    if (event !== 'pin/needed') return;
    const { promptId } = data as NativeEvents['pin/needed'];
    const { pin } = this.options;
    const answer = pin === undefined
      ? this.request('pin/cancel', { promptId })
      : this.request('pin/provide', { promptId, pin }).then(async (res) => {
        // Without a person to ask again, a wrong PIN ends the prompt.
        if (res.result === 'incorrect') await this.request('pin/cancel', { promptId });
      });
    answer.catch(() => undefined);
  }

  #failAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(error);
    }
  }
}
