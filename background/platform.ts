/**
 * The service worker's bindings to the browser (webextension-polyfill), kept apart from
 * the logic so everything else can be tested with fakes.
 */
import browser from 'webextension-polyfill';
import type { ContentEvent } from '../src/protocol/content-events';
import { NATIVE_HOST_NAME } from '../src/protocol/native';
import type { NativePort } from './native/native-port';
import type { SelfIdentity } from './sender';

export function selfIdentity(): SelfIdentity {
  // getURL('') is "<scheme>://<host>/"; URL.origin is not used, as it is "null" for
  // extension schemes in some engines.
  return { id: browser.runtime.id, origin: browser.runtime.getURL('').replace(/\/$/, '') };
}

export function pageUrl(path: string): string {
  return browser.runtime.getURL(path);
}

export function connectNativeHost(): NativePort {
  return browser.runtime.connectNative(NATIVE_HOST_NAME);
}

export function extensionVersion(): string {
  return browser.runtime.getManifest().version;
}

export function startTimer(ms: number, fire: () => void): () => void {
  const handle = setTimeout(fire, ms);
  return () => clearTimeout(handle);
}

interface ChromeLastError {
  chrome?: { runtime?: { lastError?: { message?: string } } };
}

/** Firefox sets port.error; Chromium reports through runtime.lastError inside onDisconnect. */
export function nativeDisconnectReason(port: NativePort): string | undefined {
  return port.error?.message ?? (globalThis as ChromeLastError).chrome?.runtime?.lastError?.message;
}

/** 144 random bits, URL-safe, for tokens handed to pages. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

export async function openPasswordWindow(promptId: string): Promise<void> {
  await browser.windows.create({ url: pageUrl(`password.html#${encodeURIComponent(promptId)}`), type: 'popup', width: 460, height: 440 });
}

/** Tells one frame of a tab's content script an event (src/protocol/content-events.ts). */
export async function notifyTab(tabId: number, frameId: number, event: ContentEvent): Promise<void> {
  try {
    await browser.tabs.sendMessage(tabId, event, { frameId });
  } catch {
    // The tab may have been closed or gone elsewhere meanwhile: there is no one to tell.
  }
}

export async function openPinWindow(promptId: string): Promise<void> {
  await browser.windows.create({ url: pageUrl(`pin.html#${encodeURIComponent(promptId)}`), type: 'popup', width: 420, height: 360 });
}

interface AccessLevelArea {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' }) => Promise<void>;
}

/**
 * Cachet's settings (trusted roots, the security phrase, the sites it runs on) are for its
 * own pages and worker. A content script runs inside the webmail's renderer and asks the
 * background for the little it may have (allow-list.ts); without this, Chromium would also
 * let it read and write the extension's local storage directly, around the allow-list.
 * Firefox has no such switch for local storage.
 */
export function keepStorageFromContentScripts(): Promise<void> {
  const local = (globalThis as { chrome?: { storage?: { local?: AccessLevelArea } } }).chrome?.storage?.local;
  return local?.setAccessLevel ? local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }) : Promise.resolve();
}
