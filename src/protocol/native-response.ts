/**
 * Settles a waiting request with the host's answer, for both clients of the native
 * protocol (the background's and the command line's): an error answer becomes a
 * CachetError with the host's code, a result is validated against the request's type.
 */
import { CachetError } from '../errors';
import type { NativeMessage, NativeRequestType } from './native';
import { validateNativeResponse } from './native-validators';

export interface WaitingRequest {
  readonly type: NativeRequestType;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function settleResponse(waiting: WaitingRequest, message: Extract<NativeMessage, { kind: 'response' }>): void {
  if (!message.ok) {
    waiting.reject(new CachetError(message.error.code, message.error.message));
    return;
  }
  try {
    waiting.resolve(validateNativeResponse(waiting.type, message.res));
  } catch (error) {
    waiting.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
