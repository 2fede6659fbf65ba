/**
 * Chromium reads managed policy from one machine-wide folder and watches it for changes,
 * so a policy one test file writes would reach a browser another file started in
 * parallel. Each Chromium therefore runs under this lock for its whole life; test files
 * still run in parallel around it. A lock whose holder has died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const lockDir = path.join(tmpdir(), 'cachet-chromium-e2e.lock');
const ownerFile = path.join(lockDir, 'pid');

function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile, 'utf8'));
  } catch {
    // Just created, pid not written yet: treat as alive.
    return true;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the lock and returns its release. */
export async function acquireBrowserLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(ownerFile, String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockDir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive()) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
