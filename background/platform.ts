/**
 * The service worker's bindings to the browser (webextension-polyfill), kept apart from
 * the logic so everything else can be tested with fakes.
 */
import browser from 'webextension-polyfill';
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

export async function openPinWindow(promptId: string): Promise<void> {
  await browser.windows.create({ url: pageUrl(`pin.html#${encodeURIComponent(promptId)}`), type: 'popup', width: 420, height: 360 });
}
