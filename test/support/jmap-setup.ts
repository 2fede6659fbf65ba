/**
 * Vitest global setup: starts the loopback JMAP server (Cyrus, native-host/tooling/jmap/
 * cyrus.sh) once per run when a selected test lies under a folder named jmap, and stops
 * it at the end if this run started it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { commandLineFilters } from './mail-system-setup';

const SCRIPT = fileURLToPath(new URL('../../native-host/tooling/jmap/cyrus.sh', import.meta.url));
const NEEDS_JMAP = /[\\/]jmap[\\/]/;

function running(): boolean {
  try {
    execFileSync('bash', [SCRIPT, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const { testFiles } = await project.globTestFiles(commandLineFilters(project));
  if (!testFiles.some((file) => NEEDS_JMAP.test(file))) return undefined;
  if (running()) return undefined;
  execFileSync('bash', [SCRIPT, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return () => {
    execFileSync('bash', [SCRIPT, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}
