/**
 * The native host's state for the popup and options page, in the browser's own terms
 * (not installed, forbidden, failed to start, exited), so the page can name the fix
 * `cachet doctor` gives. "connected" means the `hello` handshake succeeded.
 */
import { isCachetError } from '../../src/errors';
import type { NativeHostState, NativeStatus } from '../../src/protocol/runtime';
import type { NativeClient } from './native-client';

/** Maps the browsers' disconnect messages (Chromium and Firefox wording) to a state. */
export function stateFromDisconnect(message: string): NativeHostState {
  const m = message.toLowerCase();
  if (m.includes('not found') || m.includes('no such native application')) return 'not-installed';
  if (m.includes('forbidden')) return 'forbidden';
  if (m.includes('failed to start')) return 'failed-to-start';
  if (m.includes('exited')) return 'exited';
  return 'error';
}

export async function nativeHostStatus(client: NativeClient): Promise<NativeStatus> {
  try {
    const hello = await client.hello();
    return { state: 'connected', detail: `Cachet host ${hello.hostVersion} (${hello.platform})` };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (isCachetError(error) && error.code === 'native/unavailable') return { state: stateFromDisconnect(detail), detail };
    return { state: 'error', detail };
  }
}
