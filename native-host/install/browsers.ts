/**
 * Where each browser looks for native-messaging host manifests, per platform and scope
 * (Chrome's and Firefox's native-messaging documentation; Edge and Brave follow Chrome's
 * scheme under their own directories). On Windows the browser reads the manifest path
 * from the registry key named here instead.
 */
import path from 'node:path';

export type Browser = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';
export type Scope = 'user' | 'system';

export const BROWSERS: readonly Browser[] = ['chrome', 'chromium', 'edge', 'brave', 'firefox'];

export function isChromiumFamily(browser: Browser): boolean {
  return browser !== 'firefox';
}

const LINUX_USER: Readonly<Record<Browser, string>> = {
  chrome: '.config/google-chrome/NativeMessagingHosts',
  chromium: '.config/chromium/NativeMessagingHosts',
  edge: '.config/microsoft-edge/NativeMessagingHosts',
  brave: '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
  firefox: '.mozilla/native-messaging-hosts',
};

const LINUX_SYSTEM: Readonly<Record<Browser, string>> = {
  chrome: '/etc/opt/chrome/native-messaging-hosts',
  chromium: '/etc/chromium/native-messaging-hosts',
  edge: '/etc/opt/edge/native-messaging-hosts',
  brave: '/etc/opt/brave.com/brave/native-messaging-hosts',
  firefox: '/usr/lib/mozilla/native-messaging-hosts',
};

const MAC_USER: Readonly<Record<Browser, string>> = {
  chrome: 'Library/Application Support/Google/Chrome/NativeMessagingHosts',
  chromium: 'Library/Application Support/Chromium/NativeMessagingHosts',
  edge: 'Library/Application Support/Microsoft Edge/NativeMessagingHosts',
  brave: 'Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
  firefox: 'Library/Application Support/Mozilla/NativeMessagingHosts',
};

const MAC_SYSTEM: Readonly<Record<Browser, string>> = {
  chrome: '/Library/Google/Chrome/NativeMessagingHosts',
  chromium: '/Library/Application Support/Chromium/NativeMessagingHosts',
  edge: '/Library/Microsoft/Edge/NativeMessagingHosts',
  brave: '/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
  firefox: '/Library/Application Support/Mozilla/NativeMessagingHosts',
};

const WINDOWS_KEY: Readonly<Record<Browser, string>> = {
  chrome: 'Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'Software\\Chromium\\NativeMessagingHosts',
  edge: 'Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'Software\\Mozilla\\NativeMessagingHosts',
};

/**
 * The directory for a browser's host manifests. A Chromium-family browser started with
 * --user-data-dir also reads `<dir>/NativeMessagingHosts`, which is what `userDataDir`
 * selects (used for separate profiles and for tests).
 */
export function manifestDirectory(browser: Browser, scope: Scope, platform: NodeJS.Platform, home: string, userDataDir?: string): string {
  if (userDataDir !== undefined) return path.join(userDataDir, 'NativeMessagingHosts');
  if (platform === 'darwin') return scope === 'user' ? path.join(home, MAC_USER[browser]) : MAC_SYSTEM[browser];
  if (platform === 'win32') throw new Error('Windows reads host manifests through the registry: use windowsRegistryKey');
  return scope === 'user' ? path.join(home, LINUX_USER[browser]) : LINUX_SYSTEM[browser];
}

export function windowsRegistryKey(browser: Browser, scope: Scope, hostName: string): string {
  return `${scope === 'user' ? 'HKEY_CURRENT_USER' : 'HKEY_LOCAL_MACHINE'}\\${WINDOWS_KEY[browser]}\\${hostName}`;
}
