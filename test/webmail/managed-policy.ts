/**
 * Cachet's managed policy as an admin sets it for Chromium: a file in Chromium's system
 * policy folder, read at start. Written for one browser's life and removed after; the
 * browser lock (test/e2e/browser-lock.ts) keeps other test files' browsers from seeing it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHET_EXTENSION_ID } from '../../native-host/tooling/demo/cachet-browser';

const policyDir = '/etc/chromium/policies/managed';

export function writeManagedPolicy(policy: Record<string, unknown>): () => void {
  mkdirSync(policyDir, { recursive: true });
  const file = path.join(policyDir, `cachet-webmail-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ '3rdparty': { extensions: { [CACHET_EXTENSION_ID]: policy } } }));
  return () => rmSync(file, { force: true });
}
