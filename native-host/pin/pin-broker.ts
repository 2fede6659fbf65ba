/**
 * Asks the extension for a token's PIN (B19: never in the webmail page). The host sends a
 * `pin/needed` event; a Cachet extension page answers with `pin/provide`, which tries the
 * login at once and tells the page whether the PIN was right, or with `pin/cancel`. The
 * waiting operation continues after a successful login or fails with a `pin/*` code. PINs
 * are handed straight to the token and are never stored or logged.
 */
import { randomBytes } from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { NativeEventType, NativeEvents, NativeRes, PinStatus } from '../../src/protocol/native';
import { PinError } from '../stores/pkcs11-errors';

export type LoginResult = 'accepted' | 'incorrect' | 'locked';

export interface PinRequest {
  readonly token: { readonly label: string; readonly serial: string };
  readonly status: () => PinStatus;
  readonly attempt: (pin: string) => LoginResult;
}

export type EventSink = <E extends NativeEventType>(event: E, data: NativeEvents[E]) => void;

interface Prompt {
  readonly request: PinRequest;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class PinBroker {
  readonly #prompts = new Map<string, Prompt>();

  constructor(private readonly emit: EventSink, private readonly timeoutSeconds: number) {}

  /** Resolves once the token is logged in through a PIN the extension supplied. */
  obtainLogin(request: PinRequest): Promise<void> {
    const promptId = randomBytes(12).toString('hex');
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#close(promptId, new PinError('pin/timeout', `no PIN for token ${request.token.label} within ${this.timeoutSeconds} s`, request.status()));
      }, this.timeoutSeconds * 1000);
      this.#prompts.set(promptId, { request, resolve, reject, timer });
      this.emit('pin/needed', { promptId, token: request.token, pin: request.status(), timeoutSeconds: this.timeoutSeconds });
    });
  }

  provide(promptId: string, pin: string): NativeRes<'pin/provide'> {
    const prompt = this.#prompts.get(promptId);
    if (!prompt) throw new CachetError('input/invalid', 'no PIN prompt with this id is open');
    const attempt = prompt.request.attempt(pin);
    const status = prompt.request.status();
    // A wrong PIN that used up the last try locks the PIN: no point asking again.
    const result: LoginResult = attempt === 'incorrect' && status.locked ? 'locked' : attempt;
    if (result === 'accepted') this.#close(promptId);
    else if (result === 'locked') this.#close(promptId, new PinError('pin/locked', `the PIN of token ${prompt.request.token.label} is locked`, { ...status, locked: true }));
    // 'incorrect' keeps the prompt open so the page can ask again.
    return { result, pin: result === 'locked' ? { ...status, locked: true } : status };
  }

  cancel(promptId: string): void {
    const prompt = this.#prompts.get(promptId);
    if (!prompt) throw new CachetError('input/invalid', 'no PIN prompt with this id is open');
    this.#close(promptId, new PinError('pin/cancelled', 'PIN entry was cancelled', prompt.request.status()));
  }

  /** Ends a prompt after a wrong PIN when nobody can ask again (the command line). */
  giveUp(promptId: string): void {
    const prompt = this.#prompts.get(promptId);
    if (!prompt) return;
    this.#close(promptId, new PinError('pin/incorrect', `wrong PIN for token ${prompt.request.token.label}`, prompt.request.status()));
  }

  /** Fails every open prompt for a token (it was removed). */
  cancelToken(label: string, serial: string): void {
    for (const [id, prompt] of this.#prompts) {
      if (prompt.request.token.label === label && prompt.request.token.serial === serial) {
        this.#close(id, new CachetError('token/removed', `token ${label} was removed`));
      }
    }
  }

  cancelAll(): void {
    for (const id of [...this.#prompts.keys()]) this.#close(id, new CachetError('pin/cancelled', 'the host is shutting down'));
  }

  #close(promptId: string, error?: Error): void {
    const prompt = this.#prompts.get(promptId);
    if (!prompt) return;
    this.#prompts.delete(promptId);
    clearTimeout(prompt.timer);
    this.emit('pin/closed', { promptId });
    if (error) prompt.reject(error);
    else prompt.resolve();
  }
}
