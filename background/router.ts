/**
 * The one entry for runtime messages: classify the sender, check the command against the
 * sender's allow-list, validate the request, run its handler, and answer with the
 * envelope of src/protocol/runtime-envelope.ts. Order matters: nothing about the payload
 * is looked at before the sender is known.
 */
import { CachetError, isCachetError } from '../src/errors';
import { errorResponse, type RuntimeResponseMessage } from '../src/protocol/runtime-envelope';
import { isRuntimeCommand, validateRequest } from '../src/protocol/runtime-requests';
import type { Req, RuntimeCommand } from '../src/protocol/runtime';
import { isAllowed } from './allow-list';
import type { Handlers } from './handler';
import { classifySender, type MessageSenderLike, type SelfIdentity } from './sender';

export type Route = (message: unknown, sender: MessageSenderLike) => Promise<RuntimeResponseMessage>;

export function createRouter(self: SelfIdentity, handlers: Handlers, log: (error: unknown) => void = () => {}): Route {
  async function dispatch<K extends RuntimeCommand>(type: K, req: Req<K>, sender: NonNullable<ReturnType<typeof classifySender>>) {
    return handlers[type](req, sender);
  }

  return async (message, rawSender) => {
    try {
      const sender = classifySender(rawSender, self);
      if (sender === undefined) throw new CachetError('runtime/forbidden', 'message from an unknown sender');
      if (typeof message !== 'object' || message === null || (message as { cachet?: unknown }).cachet !== 1) {
        throw new CachetError('input/invalid', 'not a Cachet message');
      }
      const { type, req } = message as { type?: unknown; req?: unknown };
      if (!isRuntimeCommand(type)) throw new CachetError('runtime/unknown-command', 'unknown command');
      if (!isAllowed(sender, type)) throw new CachetError('runtime/forbidden', `${sender.kind} may not send ${type}`);
      const res = await dispatch(type, validateRequest(type, req), sender);
      return { ok: true, res };
    } catch (error) {
      if (!isCachetError(error)) log(error);
      return errorResponse(error);
    }
  };
}
