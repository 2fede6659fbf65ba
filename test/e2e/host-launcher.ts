/**
 * The launcher a browser starts as the native host in the end-to-end tests: a shell script
 * that gives the built host (dist/native-host/host.mjs) its own environment (token, host
 * configuration, HOME) and passes on the arguments the browser gives it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Quotes a value for a POSIX shell script. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function writeHostLauncher(launcher: string, env: Readonly<Record<string, string>>): void {
  const hostScript = path.join(root, 'dist/native-host/host.mjs');
  if (!existsSync(hostScript)) throw new Error(`${hostScript} is missing: the build did not produce the native host`);
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  writeFileSync(launcher, ['#!/bin/sh', ...exports, `exec ${shellQuote(process.execPath)} ${shellQuote(hostScript)} "$@"`, ''].join('\n'), { mode: 0o755 });
}
