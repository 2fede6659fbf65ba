/**
 * Registers the native host with browsers: writes the launcher and one host manifest per
 * browser (on Windows, manifests plus a .reg file for `reg import`), and removes them
 * again. Also reads back a registration for `cachet doctor`.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CachetError } from '../../src/errors';
import { NATIVE_HOST_NAME } from '../../src/protocol/native';
import { isChromiumFamily, manifestDirectory, windowsRegistryKey, type Browser, type Scope } from './browsers';
import { hostManifest, manifestFileName, type HostManifest } from './host-manifest';
import { posixLauncher, windowsLauncher, type LauncherTarget } from './launcher';

export interface InstallOptions {
  readonly browsers: readonly Browser[];
  readonly scope: Scope;
  readonly userDataDir?: string;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly target: LauncherTarget;
}

export interface InstallResult {
  readonly written: readonly string[];
  readonly notes: readonly string[];
}

/** Where the launcher (and on Windows the manifests) live. */
export function installDirectory(o: Pick<InstallOptions, 'scope' | 'userDataDir' | 'platform' | 'home' | 'env'>): string {
  if (o.userDataDir !== undefined) return path.join(o.userDataDir, 'NativeMessagingHosts');
  if (o.platform === 'win32') {
    return o.scope === 'user'
      ? path.win32.join(o.env.LOCALAPPDATA ?? path.win32.join(o.home, 'AppData', 'Local'), 'Cachet')
      : path.win32.join(o.env.ProgramFiles ?? 'C:\\Program Files', 'Cachet');
  }
  if (o.scope === 'system') return '/usr/local/lib/cachet';
  if (o.platform === 'darwin') return path.join(o.home, 'Library', 'Application Support', 'Cachet');
  return path.join(o.env.XDG_DATA_HOME ?? path.join(o.home, '.local', 'share'), 'cachet');
}

function launcherPath(o: Pick<InstallOptions, 'scope' | 'userDataDir' | 'platform' | 'home' | 'env'>): string {
  const dir = installDirectory(o);
  return o.platform === 'win32' ? path.win32.join(dir, 'cachet-native-host.bat') : path.join(dir, 'cachet-native-host');
}

/** The manifest file for one browser. */
export function manifestPath(browser: Browser, o: Pick<InstallOptions, 'scope' | 'userDataDir' | 'platform' | 'home' | 'env'>): string {
  if (o.platform === 'win32' && o.userDataDir === undefined) {
    // Chromium-family browsers share one manifest; Firefox needs its own fields.
    return path.win32.join(installDirectory(o), isChromiumFamily(browser) ? 'chromium' : 'firefox', manifestFileName());
  }
  return path.join(manifestDirectory(browser, o.scope, o.platform, o.home, o.userDataDir), manifestFileName());
}

function regString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface PlannedFile {
  readonly path: string;
  readonly content: string;
  readonly executable: boolean;
}

export interface InstallPlan {
  readonly files: readonly PlannedFile[];
  readonly notes: readonly string[];
}

/**
 * What an install writes, without writing it. Kept apart from `installHost` so a Windows
 * plan (paths in `path.win32` form) can be checked on any machine.
 */
export function planInstall(o: InstallOptions): InstallPlan {
  if (o.userDataDir !== undefined && o.browsers.some((b) => !isChromiumFamily(b))) {
    throw new CachetError('input/invalid', '--user-data-dir applies to Chromium-family browsers only');
  }
  const files: PlannedFile[] = [];
  const notes: string[] = [];
  const launcher = launcherPath(o);
  files.push({ path: launcher, content: o.platform === 'win32' ? windowsLauncher(o.target) : posixLauncher(o.target), executable: o.platform !== 'win32' });
  const registry: string[] = [];
  for (const browser of o.browsers) {
    const file = manifestPath(browser, o);
    if (!files.some((f) => f.path === file)) files.push({ path: file, content: JSON.stringify(hostManifest(browser, launcher), null, 2) + '\n', executable: false });
    if (o.platform === 'win32' && o.userDataDir === undefined) registry.push(`[${windowsRegistryKey(browser, o.scope, NATIVE_HOST_NAME)}]`, `@=${regString(file)}`, '');
  }
  if (registry.length > 0) {
    const reg = path.win32.join(installDirectory(o), `cachet-host-${o.scope}.reg`);
    files.push({ path: reg, content: ['Windows Registry Editor Version 5.00', '', ...registry].join('\r\n'), executable: false });
    notes.push(`register the host with: reg import "${reg}"`);
  }
  return { files, notes };
}

/** Windows paths written on another system would land as odd file names in the working directory. */
function refuseForeignWindows(platform: NodeJS.Platform): void {
  if (platform === 'win32' && process.platform !== 'win32') {
    throw new CachetError('input/invalid', 'a Windows registration can only be written on Windows');
  }
}

export async function installHost(o: InstallOptions): Promise<InstallResult> {
  refuseForeignWindows(o.platform);
  const plan = planInstall(o);
  if (!existsSync(o.target.hostScript)) {
    throw new CachetError('input/invalid', `the host is not built: ${o.target.hostScript} is missing (run npm run build)`);
  }
  for (const file of plan.files) {
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
    if (file.executable) await chmod(file.path, 0o755);
  }
  return { written: plan.files.map((f) => f.path), notes: plan.notes };
}

export async function uninstallHost(o: Omit<InstallOptions, 'target'>): Promise<InstallResult> {
  refuseForeignWindows(o.platform);
  const removed: string[] = [];
  const notes: string[] = [];
  for (const browser of o.browsers) {
    const file = manifestPath(browser, o);
    if (existsSync(file)) {
      await rm(file);
      removed.push(file);
    }
  }
  const everyBrowser = (['chrome', 'chromium', 'edge', 'brave', 'firefox'] as const).every((b) => !existsSync(manifestPath(b, o)));
  const launcher = launcherPath(o);
  // The launcher goes once no browser's manifest points to it any more.
  if ((everyBrowser || o.userDataDir !== undefined) && existsSync(launcher)) {
    await rm(launcher);
    removed.push(launcher);
  }
  if (o.platform === 'win32' && o.userDataDir === undefined) {
    const reg = path.win32.join(installDirectory(o), `cachet-host-uninstall-${o.scope}.reg`);
    const keys = o.browsers.map((b) => `[-${windowsRegistryKey(b, o.scope, NATIVE_HOST_NAME)}]`);
    await mkdir(path.dirname(reg), { recursive: true });
    await writeFile(reg, ['Windows Registry Editor Version 5.00', '', ...keys, ''].join('\r\n'));
    notes.push(`remove the registry entries with: reg import "${reg}"`);
  }
  return { written: removed, notes };
}

export type RegistrationState =
  | { readonly state: 'absent'; readonly manifest: string }
  | { readonly state: 'ok'; readonly manifest: string; readonly launcher: string }
  | { readonly state: 'broken'; readonly manifest: string; readonly problem: string };

/** Reads a browser's registration back and checks it would work. */
export async function registrationState(browser: Browser, o: Pick<InstallOptions, 'scope' | 'userDataDir' | 'platform' | 'home' | 'env'>): Promise<RegistrationState> {
  const manifest = manifestPath(browser, o);
  let parsed: Partial<HostManifest>;
  try {
    parsed = JSON.parse(await readFile(manifest, 'utf8')) as Partial<HostManifest>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent', manifest };
    return { state: 'broken', manifest, problem: 'the manifest is not readable JSON' };
  }
  const expected = hostManifest(browser, parsed.path ?? '');
  if (parsed.name !== NATIVE_HOST_NAME || parsed.type !== 'stdio') return { state: 'broken', manifest, problem: 'wrong name or type' };
  const allowed = isChromiumFamily(browser) ? [parsed.allowed_origins, expected.allowed_origins] : [parsed.allowed_extensions, expected.allowed_extensions];
  if (JSON.stringify(allowed[0]) !== JSON.stringify(allowed[1])) return { state: 'broken', manifest, problem: 'it does not allow Cachet\'s extension id' };
  const launcher = parsed.path ?? '';
  if (!path.isAbsolute(launcher) || !existsSync(launcher)) return { state: 'broken', manifest, problem: `the launcher ${launcher} is missing` };
  if (o.platform !== 'win32' && (statSync(launcher).mode & 0o111) === 0) return { state: 'broken', manifest, problem: `the launcher ${launcher} is not executable` };
  return { state: 'ok', manifest, launcher };
}
