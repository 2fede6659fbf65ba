/**
 * Starts the native host as the browser does (a child process with the caller origin as
 * its argument) and speaks its real framing: length-prefixed UTF-8 JSON, chunked above
 * the frame limit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { ChunkAssembler, encodeFrames } from '../../../src/protocol/framing';
import type { NativeEventType, NativeEvents, NativeReq, NativeRequestType, NativeRes, WireError } from '../../../src/protocol/native';
import { encodeFrame, FrameReader } from '../../../native-host/host/frame-reader';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const CHROME_ORIGIN = 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn/';

export type Reply = { ok: true; res: unknown } | { ok: false; error: WireError };
export interface ReceivedEvent { event: NativeEventType; data: unknown }

export class HostProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly replies = new Map<number | string | null, Reply[]>();
  readonly events: ReceivedEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  #nextId = 1;
  #chunkRuns = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #reader = new FrameReader(64 * 1024 * 1024);
  readonly #assembler = new ChunkAssembler();
  /** Frames the host sent, as JSON text, for size checks. */
  readonly frames: string[] = [];
  /** Called for every event as it arrives (e.g. to answer PIN prompts like the PIN page). */
  onEvent: ((event: ReceivedEvent) => void) | undefined;

  /** `launcher` is an executable to start instead of the host sources (an installed launcher). */
  constructor(env: NodeJS.ProcessEnv, args: readonly string[] = [CHROME_ORIGIN], launcher?: string) {
    const [command, prefix] = launcher === undefined
      ? [path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'native-host/host/main.ts')]]
      : [launcher, []];
    this.child = spawn(command, [...prefix, ...args], {
      cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => { this.#wake(); resolve(code); }));
    this.child.stdin.on('error', () => undefined);
  }

  #onData(chunk: Buffer): void {
    for (const e of this.#reader.push(chunk)) {
      if (e.kind !== 'frame') throw new Error(`host sent a broken frame: ${e.kind}`);
      this.frames.push(e.text);
      const message = this.#assembler.accept(JSON.parse(e.text)) as Record<string, unknown> | undefined;
      if (!message) continue;
      if (message.kind === 'event') {
        const event = { event: message.event as NativeEventType, data: message.data };
        this.events.push(event);
        this.onEvent?.(event);
      }
      if (message.kind === 'response') {
        const id = message.id as number | string | null;
        const list = this.replies.get(id) ?? [];
        list.push(message.ok === true ? { ok: true, res: message.res } : { ok: false, error: message.error as WireError });
        this.replies.set(id, list);
      }
    }
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until `check` returns a value (re-checked whenever the host sends something). */
  async until<T>(check: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        const late = check();
        if (late !== undefined) return late;
        throw new Error(`host exited while waiting for ${what}; stderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  send(message: unknown, maxFrameBytes?: number): void {
    for (const frame of encodeFrames(message, `t${this.#chunkRuns++}`, maxFrameBytes)) this.child.stdin.write(encodeFrame(frame));
  }

  writeRaw(bytes: Buffer): void {
    this.child.stdin.write(bytes);
  }

  /** Sends a request and returns its reply, whatever it is. */
  async call(type: string, req: unknown, id: number | string = this.#nextId++): Promise<Reply> {
    this.send({ kind: 'request', id, type, req });
    return this.reply(id);
  }

  async reply(id: number | string | null): Promise<Reply> {
    return this.until(() => this.replies.get(id)?.shift(), `reply ${String(id)}`);
  }

  /** Types `pin` into every PIN prompt, as a user at the extension's PIN page would. */
  answerPinPrompts(pin: string): void {
    this.onEvent = (e) => {
      if (e.event !== 'pin/needed') return;
      const { promptId } = e.data as NativeEvents['pin/needed'];
      this.send({ kind: 'request', id: `pin-${promptId}`, type: 'pin/provide', req: { promptId, pin } });
    };
  }

  async request<K extends NativeRequestType>(type: K, req: NativeReq<K>): Promise<NativeRes<K>> {
    const reply = await this.call(type, req);
    if (!reply.ok) throw new Error(`${type} failed: ${reply.error.code}: ${reply.error.message}`);
    return reply.res as NativeRes<K>;
  }

  async event<E extends NativeEventType>(event: E, from = 0): Promise<NativeEvents[E]> {
    return this.until(() => this.events.slice(from).find((e) => e.event === event)?.data as NativeEvents[E] | undefined, `event ${event}`);
  }

  async hello(): Promise<NativeRes<'hello'>> {
    return this.request('hello', { protocol: 2, extensionVersion: '0.1.0' });
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}
