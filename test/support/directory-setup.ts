/**
 * Vitest global setup: starts the loopback test directory (slapd) once for the whole run,
 * and only when the run selects a test that needs it, that is a file under a folder named
 * directory. At the end it stops if this run started it and no other run still uses it.
 */
import type { TestProject } from 'vitest/node';
import { holdDirectory } from './directory';
import { commandLineFilters } from './mail-system-setup';

const NEEDS_DIRECTORY = /[\\/]directory[\\/]/;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { testFiles } = await project.globTestFiles(commandLineFilters(project));
  if (!testFiles.some((file) => NEEDS_DIRECTORY.test(file))) return undefined;
  return holdDirectory();
}
