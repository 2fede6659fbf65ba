/**
 * The host's settings, from a JSON file: `CACHET_HOST_CONFIG` names it, else the usual
 * per-user config directory (`~/.config/cachet/host.json` on Linux). A missing file means
 * the defaults; a broken one is an error that names the field.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CachetError } from '../../src/errors';

export interface HostConfig {
  /** PKCS#11 libraries to load besides (or instead of) the defaults. */
  readonly modules: readonly string[];
  /** NSS certificate database directories (holding cert9.db and key4.db). */
  readonly nssDatabases: readonly string[];
  /** Also load OpenSC and the p11-kit proxy where installed. */
  readonly defaultModules: boolean;
  /** Also open Chrome's ~/.pki/nssdb or a Firefox profile's database. */
  readonly defaultNssDatabases: boolean;
  /** How long a token stays logged in after its PIN was given; 0 logs out after each use. */
  readonly pinCacheSeconds: number;
  /** How long an operation waits for the PIN page before failing with pin/timeout. */
  readonly pinTimeoutSeconds: number;
  /** How often token presence is checked (B19). */
  readonly pollSeconds: number;
  /** The Cachet key store's directory (imported PKCS#12 identities); null is the per-OS default. */
  readonly keyStoreDir: string | null;
  /** PEM files of CAs trusted for IMAP and SMTP servers besides Node's roots (absolute paths). */
  readonly mailTrustedCertificates: readonly string[];
  /** PEM files of CAs trusted for LDAP servers (ldaps:// and StartTLS) besides Node's roots. */
  readonly directoryTrustedCertificates: readonly string[];
}

export const DEFAULT_HOST_CONFIG: HostConfig = {
  modules: [], nssDatabases: [], defaultModules: true, defaultNssDatabases: true,
  pinCacheSeconds: 300, pinTimeoutSeconds: 120, pollSeconds: 2, keyStoreDir: null, mailTrustedCertificates: [],
  directoryTrustedCertificates: [],
};

export function hostConfigPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CACHET_HOST_CONFIG) return env.CACHET_HOST_CONFIG;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Cachet', 'host.json');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Cachet', 'host.json');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'cachet', 'host.json');
}

/** Where imported identities are kept: the user's data directory (on Windows the local one, so keys do not roam). */
export function defaultKeyStoreDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Cachet', 'Keys');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Cachet', 'Keys');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'cachet', 'keys');
}

export function keyStoreDirectory(config: HostConfig): string {
  return config.keyStoreDir ?? defaultKeyStoreDir();
}

export function loadHostConfig(file = hostConfigPath()): HostConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_HOST_CONFIG;
    throw new CachetError('input/invalid', `cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CachetError('input/invalid', `${file} is not JSON`);
  }
  return parseHostConfig(raw, file);
}

export function parseHostConfig(raw: unknown, where: string): HostConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CachetError('input/invalid', `${where}: must be a JSON object`);
  const r = raw as Record<string, unknown>;
  const known = Object.keys(DEFAULT_HOST_CONFIG);
  for (const key of Object.keys(r)) if (!known.includes(key)) throw new CachetError('input/invalid', `${where}: unknown setting ${key}`);
  const paths = (key: 'modules' | 'nssDatabases' | 'mailTrustedCertificates' | 'directoryTrustedCertificates'): readonly string[] => {
    const v = r[key];
    if (v === undefined) return DEFAULT_HOST_CONFIG[key];
    if (!Array.isArray(v) || !v.every((p): p is string => typeof p === 'string' && path.isAbsolute(p))) {
      throw new CachetError('input/invalid', `${where}: ${key} must be a list of absolute paths`);
    }
    return v;
  };
  const flag = (key: 'defaultModules' | 'defaultNssDatabases'): boolean => {
    const v = r[key];
    if (v === undefined) return DEFAULT_HOST_CONFIG[key];
    if (typeof v !== 'boolean') throw new CachetError('input/invalid', `${where}: ${key} must be true or false`);
    return v;
  };
  const seconds = (key: 'pinCacheSeconds' | 'pinTimeoutSeconds' | 'pollSeconds', min: number): number => {
    const v = r[key];
    if (v === undefined) return DEFAULT_HOST_CONFIG[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > 86_400) throw new CachetError('input/invalid', `${where}: ${key} must be a number from ${min} to 86400`);
    return v;
  };
  const keyStoreDir = r.keyStoreDir;
  if (keyStoreDir !== undefined && (typeof keyStoreDir !== 'string' || !path.isAbsolute(keyStoreDir))) {
    throw new CachetError('input/invalid', `${where}: keyStoreDir must be an absolute path`);
  }
  return {
    modules: paths('modules'), nssDatabases: paths('nssDatabases'), defaultModules: flag('defaultModules'),
    defaultNssDatabases: flag('defaultNssDatabases'), pinCacheSeconds: seconds('pinCacheSeconds', 0),
    pinTimeoutSeconds: seconds('pinTimeoutSeconds', 1), pollSeconds: seconds('pollSeconds', 0.1),
    keyStoreDir: keyStoreDir ?? DEFAULT_HOST_CONFIG.keyStoreDir, mailTrustedCertificates: paths('mailTrustedCertificates'),
    directoryTrustedCertificates: paths('directoryTrustedCertificates'),
  };
}
