/**
 * The browser side of a page's boot script (src/ui/pages/<name>/boot.ts): runtime messages
 * posted through the browser's own API, without webextension-polyfill, so that the script
 * stays small enough to run before the page's bundle has loaded. Both browsers answer
 * `runtime.sendMessage` with a promise in Manifest V3.
 */
import { CachetError } from '../src/errors';
import type { RuntimeRequestMessage } from '../src/protocol/runtime-envelope';

interface RuntimeApi {
  readonly runtime?: { sendMessage(message: unknown): Promise<unknown> };
}

export function bootPost(): (message: RuntimeRequestMessage) => Promise<unknown> {
  const scope = globalThis as { browser?: RuntimeApi; chrome?: RuntimeApi };
  const runtime = (scope.browser ?? scope.chrome)?.runtime;
  return (message) => (runtime ? runtime.sendMessage(message) : Promise.reject(new CachetError('runtime/internal', 'no extension runtime in this page')));
}
