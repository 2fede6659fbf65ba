/**
 * Turns anything thrown while serving a request into the error a response carries: a
 * CachetError keeps its code and message; anything else is an internal error whose
 * details go to the host's log (stderr, which the browser keeps), never to the caller.
 */
import { isCachetError } from '../../src/errors';
import type { PinStatus, WireError } from '../../src/protocol/native';

export function toWireError(error: unknown, log: (line: string) => void): WireError {
  if (isCachetError(error)) {
    const pin = (error as { pin?: PinStatus }).pin;
    return pin ? { code: error.code, message: error.message, pin } : { code: error.code, message: error.message };
  }
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'native/internal', message: 'the native host failed; see its log' };
}
