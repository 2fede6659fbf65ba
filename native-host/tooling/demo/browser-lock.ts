/**
 * One Chromium with Cachet at a time on this machine, for the browser tests and the
 * `npm start` demo. Chromium reads managed policy from one machine-wide folder and watches
 * it for changes, so a policy one test file writes would reach a browser started in
 * parallel; and the webmail tests empty the mailboxes, which would take the demo's message
 * with them. Each Chromium therefore runs under this lock for its whole life; test files
 * still run in parallel around it. A lock whose holder has died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const lockDir = path.join(tmpdir(), 'cachet-chromium-e2e.lock');
const ownerFile = path.join(lockDir, 'pid');

/** The holder's process id, 0 while a new holder has not written it yet; undefined once it has died. */
function livingHolder(): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile, 'utf8'));
  } catch {
    return 0;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export interface BrowserLockOptions {
  /** Called once if the lock is held by a living process, with its pid (0: not known yet). */
  readonly onWait?: (holder: number) => void;
}

/** Waits for the lock and returns its release. */
export async function acquireBrowserLock(options: BrowserLockOptions = {}): Promise<() => void> {
  let told = false;
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
      const holder = livingHolder();
      if (holder === undefined) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!told) options.onWait?.(holder);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
