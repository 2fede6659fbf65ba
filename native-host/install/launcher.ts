/**
 * The executable a host manifest points to. Browsers start it with a bare environment
 * (often without node on PATH), so it names node and the host script by absolute path.
 */
import path from 'node:path';

export interface LauncherTarget {
  /** Absolute path of the node binary. */
  readonly node: string;
  /**
   * The bundled host (dist/native-host/host.mjs, which imports the chunk files beside it
   * as it needs them, so it runs where the build put it), or host/main.ts run through tsx.
   */
  readonly hostScript: string;
  /** Project root, where tsx is found for a TypeScript host script. */
  readonly root: string;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function nodeArguments(target: LauncherTarget): string[] {
  return target.hostScript.endsWith('.ts')
    ? [path.join(target.root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), target.hostScript]
    : [target.hostScript];
}

export function posixLauncher(target: LauncherTarget): string {
  const args = [target.node, ...nodeArguments(target)].map(shellQuote).join(' ');
  return `#!/bin/sh\n# Starts the Cachet native messaging host (written by cachet host install).\nexec ${args} "$@"\n`;
}

export function windowsLauncher(target: LauncherTarget): string {
  const args = [target.node, ...nodeArguments(target)].map((a) => `"${a}"`).join(' ');
  return `@echo off\r\nrem Starts the Cachet native messaging host (written by cachet host install).\r\n${args} %*\r\n`;
}
