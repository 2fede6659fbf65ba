/**
 * Builds the extension for the e2e tests unless dist/ is already newer than every source.
 * Test files run in parallel; a lock makes the check and the build one step, so one file
 * never rebuilds (and deletes) dist/ under a browser another file has started.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const lockDir = path.join(tmpdir(), 'cachet-e2e-build.lock');
/** A lock older than this was left by a killed run. */
const staleLockMs = 5 * 60_000;

function newestMtime(target: string): number {
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), info.mtimeMs);
}

function mtimeOrZero(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(run: () => void): void {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - mtimeOrZero(lockDir) > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
      else sleep(100);
    }
  }
  try {
    run();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function buildExtensionOnce(root: string): void {
  const sources = ['src', 'background', 'content', 'manifest.json', 'native-host/tooling/build.mjs'].map((p) => path.join(root, p));
  const outputs = ['dist/chrome/manifest.json', 'dist/firefox/manifest.json'].map((p) => path.join(root, p));
  withLock(() => {
    const built = Math.min(...outputs.map(mtimeOrZero));
    if (built > Math.max(...sources.map(newestMtime))) return;
    execFileSync(process.execPath, [path.join(root, 'native-host/tooling/build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  });
}
