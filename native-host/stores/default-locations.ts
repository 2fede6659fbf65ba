/**
 * Where key stores usually live on each system: PKCS#11 middleware (OpenSC for smart
 * cards, the p11-kit proxy for whatever the system registered), NSS's softoken and the
 * NSS databases of Chrome (~/.pki/nssdb) and Firefox profiles.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const LINUX_LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];

export function defaultModuleCandidates(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') {
    return ['/Library/OpenSC/lib/opensc-pkcs11.so', '/opt/homebrew/lib/opensc-pkcs11.so', '/usr/local/lib/opensc-pkcs11.so', '/opt/homebrew/lib/p11-kit-proxy.dylib', '/usr/local/lib/p11-kit-proxy.dylib'];
  }
  if (platform === 'win32') return ['C:\\Windows\\System32\\opensc-pkcs11.dll'];
  return LINUX_LIB_DIRS.flatMap((dir) => [path.join(dir, 'opensc-pkcs11.so'), path.join(dir, 'p11-kit-proxy.so')]);
}

export function defaultModules(platform: NodeJS.Platform = process.platform): string[] {
  const found = defaultModuleCandidates(platform).filter((p) => existsSync(p));
  // OpenSC behind the p11-kit proxy would show each card twice: keep OpenSC alone then.
  const opensc = found.find((p) => p.includes('opensc-pkcs11'));
  return opensc ? [opensc] : found.slice(0, 1);
}

export function softokenLibrary(platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined;
  return LINUX_LIB_DIRS.flatMap((dir) => [path.join(dir, 'libsoftokn3.so'), path.join(dir, 'nss', 'libsoftokn3.so')]).find((p) => existsSync(p));
}

function hasDatabase(dir: string): boolean {
  return existsSync(path.join(dir, 'cert9.db'));
}

function profiles(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(root, d.name)).filter(hasDatabase);
  } catch {
    return [];
  }
}

/** NSS databases in the order they are preferred: Chrome's shared one, then Firefox's. */
export function defaultNssDatabases(home = process.env.HOME ?? homedir()): string[] {
  const chrome = path.join(home, '.pki', 'nssdb');
  return [
    ...(hasDatabase(chrome) ? [chrome] : []),
    ...profiles(path.join(home, '.mozilla', 'firefox')),
    ...profiles(path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')),
    ...profiles(path.join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox')),
  ];
}

/** NSS softoken's init string for one database, read-only (nothing is imported through it). */
export function nssParameters(dir: string): string {
  return `configdir='sql:${dir.replace(/'/g, '')}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly`;
}
