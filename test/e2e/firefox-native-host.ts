/**
 * Registers the built native host for one firefox-esr run. Firefox reads user host
 * manifests from `$HOME/.mozilla/native-messaging-hosts`, so each run gets a scratch HOME
 * holding the manifest the installer would write (native-host/install) and a launcher
 * that gives the host its own environment (token, host configuration, HOME).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { manifestDirectory } from '../../native-host/install/browsers';
import { hostManifest, manifestFileName } from '../../native-host/install/host-manifest';
import { writeHostLauncher } from './host-launcher';

/**
 * Firefox starts the launcher with `<manifest path> <extension id>`; `"$@"` hands both to
 * the host, which checks the id (native-host/host/caller-origin.ts).
 */
export function registerFirefoxNativeHost(home: string, env: Readonly<Record<string, string>>): void {
  const dir = manifestDirectory('firefox', 'user', 'linux', home);
  mkdirSync(dir, { recursive: true });
  const launcher = path.join(dir, 'cachet-host.sh');
  writeHostLauncher(launcher, env);
  writeFileSync(path.join(dir, manifestFileName()), JSON.stringify(hostManifest('firefox', launcher)));
}
