/**
 * Vitest global setup: starts the loopback mail system once for the whole run, and only
 * when the run selects a test that needs it, that is a file under a folder named mail,
 * webmail, mail-system or roundcube. At the end the servers stop if this run started them
 * and no other run still uses them (a demo started by hand keeps running).
 */
import type { TestProject } from 'vitest/node';
import { holdMailSystem } from './mail-system';

const NEEDS_MAIL_SYSTEM = /[\\/](?:mail|webmail|mail-system|roundcube)[\\/]/;

/**
 * The file filters given on the command line. Vitest keeps them on an internal field; if
 * that ever goes, every test file counts as selected and the servers start (slower, not
 * wrong).
 */
export function commandLineFilters(project: TestProject): string[] {
  const { filenamePattern } = project.vitest as unknown as { filenamePattern?: unknown };
  return Array.isArray(filenamePattern) ? filenamePattern.filter((f): f is string => typeof f === 'string') : [];
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { testFiles } = await project.globTestFiles(commandLineFilters(project));
  if (!testFiles.some((file) => NEEDS_MAIL_SYSTEM.test(file))) return undefined;
  return holdMailSystem();
}
