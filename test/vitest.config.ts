import { defineConfig } from 'vitest/config';

import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'test/e2e/artifacts/**', 'node_modules/**'],
    testTimeout: 60_000,
    // Browser tests may wait for another file's browser to close (test/e2e/browser-lock.ts).
    hookTimeout: 300_000,
    pool: 'forks',
    // Starts the loopback mail servers, the test directory and the JMAP server once per run, when a selected test needs them.
    globalSetup: ['./test/support/mail-system-setup.ts', './test/support/directory-setup.ts', './test/support/jmap-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
