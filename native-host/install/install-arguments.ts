/**
 * Command-line options shared by `cachet host install`, `host uninstall` and `doctor`.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../cli/command';
import { BROWSERS, type Browser, type Scope } from './browsers';

export interface HostArguments {
  readonly browsers: readonly Browser[];
  readonly scope: Scope;
  readonly userDataDir?: string;
  readonly hostScript?: string;
}

/** The project root, from this file in the sources or from dist/native-host in a build. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function defaultHostScript(): string {
  return path.join(PROJECT_ROOT, 'dist', 'native-host', 'host.mjs');
}

export function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? homedir();
}

export function parseHostArguments(args: readonly string[], allowHostScript: boolean): HostArguments {
  const browsers = new Set<Browser>();
  let scope: Scope = 'user';
  let userDataDir: string | undefined;
  let hostScript: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--browser') {
      const b = value();
      if (b === 'all') BROWSERS.forEach((x) => browsers.add(x));
      else if ((BROWSERS as readonly string[]).includes(b)) browsers.add(b as Browser);
      else throw new UsageError(`unknown browser ${b}; use ${BROWSERS.join(', ')} or all`);
    } else if (arg === '--user') scope = 'user';
    else if (arg === '--system') scope = 'system';
    else if (arg === '--user-data-dir') userDataDir = path.resolve(value());
    else if (arg === '--host-script' && allowHostScript) hostScript = path.resolve(value());
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (browsers.size === 0) BROWSERS.forEach((x) => browsers.add(x));
  if (userDataDir !== undefined) {
    browsers.delete('firefox');
    if (browsers.size === 0) throw new UsageError('--user-data-dir applies to Chromium-family browsers only');
  }
  return {
    browsers: [...browsers], scope,
    ...(userDataDir === undefined ? {} : { userDataDir }),
    ...(hostScript === undefined ? {} : { hostScript }),
  };
}
