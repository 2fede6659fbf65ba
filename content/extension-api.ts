/**
 * The few extension APIs the content script uses, typed here rather than through
 * webextension-polyfill: the content script lives in every webmail tab and must stay
 * small (under 30 KB minified), and Chromium and Firefox both give MV3 content scripts a
 * promise-based `chrome.runtime`.
 */
import { createRuntimeSend } from '../src/protocol/runtime-envelope';
import type { RuntimeSend } from '../src/protocol/runtime';

interface RuntimeSender {
  readonly id?: string;
  readonly tab?: unknown;
}

interface ContentI18n {
  getMessage(key: string): string;
}

interface ContentRuntime {
  readonly id: string;
  getURL(path: string): string;
  sendMessage(message: unknown): Promise<unknown>;
  readonly onMessage: {
    addListener(listener: (message: unknown, sender: RuntimeSender) => void): void;
    removeListener(listener: (message: unknown, sender: RuntimeSender) => void): void;
  };
}

interface ContentChrome {
  readonly runtime: ContentRuntime;
  readonly i18n: ContentI18n;
}

function chromeApi(): ContentChrome {
  return (globalThis as unknown as { chrome: ContentChrome }).chrome;
}

function runtime(): ContentRuntime {
  return chromeApi().runtime;
}

export function translate(key: string): string {
  return chromeApi().i18n.getMessage(key) || key;
}

export const send: RuntimeSend = createRuntimeSend((message) => runtime().sendMessage(message));

/** The origin of Cachet's own pages, e.g. `chrome-extension://<id>`. */
export function extensionOrigin(): string {
  return runtime().getURL('').replace(/\/$/, '');
}

/**
 * Events the background sends to this tab (src/protocol/content-events.ts). Only messages
 * from Cachet's own background count: those carry our id and no tab.
 */
export function onBackgroundMessage(listener: (message: unknown) => void): () => void {
  const wrapped = (message: unknown, sender: RuntimeSender) => {
    if (sender.id === runtime().id && sender.tab === undefined) listener(message);
  };
  runtime().onMessage.addListener(wrapped);
  return () => runtime().onMessage.removeListener(wrapped);
}
