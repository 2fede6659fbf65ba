/**
 * The demo's hold on the loopback mail system (mail-system/mail-system.sh). As root it
 * takes a lease there for as long as it runs, as a test run does, so that a test run
 * ending meanwhile does not stop the servers under the demo and `mail-system.sh stop`
 * refuses. Other users cannot take one (the script needs root) and only check that the
 * servers run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIL_SYSTEM_SCRIPT = fileURLToPath(new URL('../mail-system/mail-system.sh', import.meta.url));
/** What to type to run the script from the repository. */
export const MAIL_SYSTEM_COMMAND = 'npm run mail --';

export function mailSystemRunning(): boolean {
  return spawnSync('bash', [MAIL_SYSTEM_SCRIPT, 'status'], { stdio: 'ignore' }).status === 0;
}

function run(command: 'acquire' | 'release'): void {
  try {
    execFileSync('bash', [MAIL_SYSTEM_SCRIPT, command, String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`mail-system.sh ${command} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

/**
 * Makes sure the servers run for the demo and returns the call that lets go of them. They
 * keep running afterwards unless a test run started them and no run holds them any more,
 * as the script decides for every run.
 */
export function useMailSystem(): () => void {
  if (process.getuid?.() !== 0) {
    if (!mailSystemRunning()) {
      throw new Error(`the mail system is not running, and starting it needs root: sudo bash ${path.relative(process.cwd(), MAIL_SYSTEM_SCRIPT)} start`);
    }
    return () => {};
  }
  run('acquire');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    run('release');
  };
}
