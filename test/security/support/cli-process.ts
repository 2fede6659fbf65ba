/**
 * Runs `cachet` as its own process, as a user, a mail filter or a script would: what is
 * checked is the exit status and what reaches the terminal, including the last-resort
 * handler in native-host/cli/main.ts that prints a stack and exits 70.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The status the command line gives an error it did not expect (native-host/cli/main.ts). */
export const EXIT_INTERNAL = 70;

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCachetProcess(args: readonly string[]): ProcessRun {
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'native-host/cli/main.ts'), ...args], {
    cwd: ROOT,
    maxBuffer: 256 << 20,
    timeout: 50_000,
  });
  return { status: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

/** Finished on its own, not with the internal-error status, and no stack trace printed. */
export function expectHandled(run: ProcessRun, what: string): void {
  expect(run.status, `${what}: ${run.stderr.slice(0, 400)}`).not.toBeNull();
  expect(run.status, `${what}: ${run.stderr.slice(0, 400)}`).not.toBe(EXIT_INTERNAL);
  expect(run.stderr, what).not.toMatch(/internal error|\n\s+at \S+ \(|RangeError|TypeError/);
}

/** Writes each input to a file in a fresh directory; `remove` deletes them all. */
export function writeInputs(inputs: Readonly<Record<string, Uint8Array>>): { paths: Record<string, string>; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-security-'));
  const paths: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(inputs)) {
    const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.eml`);
    writeFileSync(file, bytes);
    paths[name] = file;
  }
  return { paths, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
