/**
 * The wire shape of runtime messages: `{ cachet: 1, type, req }` out, `{ ok, res | error }`
 * back. Errors cross as a code and a message, never as thrown objects (STYLE.md), because
 * the browser serialises messages and would drop the class.
 */
import { CachetError, isCachetError, type ErrorCode } from '../errors';
import type { Req, Res, RuntimeCommand, RuntimeSend } from './runtime';

export interface RuntimeRequestMessage<K extends RuntimeCommand = RuntimeCommand> {
  readonly cachet: 1;
  readonly type: K;
  readonly req: Req<K>;
}

export type RuntimeResponseMessage =
  | { readonly ok: true; readonly res: unknown }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

export function requestMessage<K extends RuntimeCommand>(type: K, req: Req<K>): RuntimeRequestMessage<K> {
  return { cachet: 1, type, req };
}

/** Internal failures are reported without their details, which may name private state. */
export function errorResponse(error: unknown): RuntimeResponseMessage {
  if (isCachetError(error)) return { ok: false, error: { code: error.code, message: error.message } };
  return { ok: false, error: { code: 'runtime/internal', message: 'internal error in the background' } };
}

const errorCodeForm = /^[a-z0-9]+\/[a-z0-9-]+$/;

/** Turns a raw reply into the result or a CachetError; a malformed reply is an error too. */
export function unwrapResponse(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) throw new CachetError('runtime/internal', 'no reply from the background');
  const reply = raw as { ok?: unknown; res?: unknown; error?: unknown };
  if (reply.ok === true) return reply.res;
  const error = (reply.error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof error.code === 'string' && errorCodeForm.test(error.code) ? (error.code as ErrorCode) : 'runtime/internal';
  const message = typeof error.message === 'string' ? error.message : 'the background reported an error';
  throw new CachetError(code, message);
}

/** Builds the typed `send` on top of the platform's raw message call. */
export function createRuntimeSend(post: (message: RuntimeRequestMessage) => Promise<unknown>): RuntimeSend {
  return async <K extends RuntimeCommand>(type: K, req: Req<K>): Promise<Res<K>> =>
    unwrapResponse(await post(requestMessage(type, req))) as Res<K>;
}
