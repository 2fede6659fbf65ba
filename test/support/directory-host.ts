/**
 * The host's directory requests served in process, as the browser's messages reach them:
 * each request checked by the protocol's validator, answered by the host's handler
 * (native-host/host/handlers.ts) over a real DirectoryService, and the answer checked by
 * the validator the background uses. What the host logs is kept for the test to read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirectoryService } from '../../native-host/directory/directory-service';
import { createHandlers } from '../../native-host/host/handlers';
import type { PinBroker } from '../../native-host/pin/pin-broker';
import type { StoreRegistry } from '../../native-host/stores/store-registry';
import { expect } from 'vitest';
import { isCachetError, type CachetError } from '../../src/errors';
import type { NativeReq, NativeRes } from '../../src/protocol/native';
import { validateNativeRequest, validateNativeResponse } from '../../src/protocol/native-validators';

type DirectoryRequest = 'directory/search' | 'directory/read-url' | 'directory/set-password' | 'directory/forget-password';

export interface DirectoryHost {
  call<K extends DirectoryRequest>(type: K, req: NativeReq<K>): Promise<NativeRes<K>>;
  /** Lines the host logged (skipped values, references not followed). */
  readonly log: string[];
  /** The key store directory, where remembered passwords are kept. */
  readonly dir: string;
}

export function directoryHost(options: { trustedCertificateFiles?: readonly string[]; dir?: string } = {}): DirectoryHost {
  const dir = options.dir ?? path.join(mkdtempSync(path.join(tmpdir(), 'cachet-directory-')), 'keys');
  const log: string[] = [];
  const service = new DirectoryService({ dir, trustedCertificateFiles: options.trustedCertificateFiles ?? [], log: (line) => log.push(line) });
  // Only the directory handlers are called; the stores, the PINs and mail are never reached.
  const unused = undefined as unknown;
  const handlers = createHandlers(unused as StoreRegistry, unused as PinBroker, unused as Parameters<typeof createHandlers>[2], () => Promise.resolve(service));
  return {
    log,
    dir,
    async call(type, req) {
      const handler = handlers[type] as (r: unknown) => Promise<unknown>;
      const res = await handler(validateNativeRequest(type, req));
      return validateNativeResponse(type, JSON.parse(JSON.stringify(res)));
    },
  };
}

/** Requires `work` to fail with a CachetError of `code` whose message matches `message`. */
export async function expectDirectoryError(work: Promise<unknown>, code: string, message?: RegExp): Promise<CachetError> {
  const error: unknown = await work.then(() => undefined, (e: unknown) => e);
  expect(isCachetError(error) ? error.code : error).toBe(code);
  const typed = error as CachetError;
  if (message) expect(typed.message).toMatch(message);
  return typed;
}
