/**
 * What a Cachet page needs from the browser, passed in by the page entry the build
 * generates (background/page-platform.ts), so that src/ui never imports extension APIs.
 */
import type { RuntimeSend } from '../protocol/runtime';
import type english from './locales/en/messages.json';

/** Every message of the English catalogue; a key missing there is a compile error. */
export type MessageKey = keyof typeof english;

export type Translate = (key: MessageKey, substitutions?: string | readonly string[]) => string;

export type CachetPage = 'reader' | 'compose' | 'options';

export interface PagePlatform {
  readonly send: RuntimeSend;
  readonly t: Translate;
  readonly openPage: (page: CachetPage) => Promise<void>;
  /** Closes the page's own window (the PIN prompt, once answered). */
  readonly closeWindow: () => void;
  /** The web page the popup was opened over: its tab and origin, when it is a web page. */
  readonly currentSite: () => Promise<{ readonly tabId: number; readonly origin: string } | undefined>;
  /**
   * Asks the browser for host permissions (src/policy/host-permissions.ts). Must be called
   * in the click's handler before anything is awaited: the browser shows its prompt only
   * for a user's gesture.
   */
  readonly requestHostAccess: (patterns: readonly string[]) => Promise<boolean>;
  readonly reloadTab: (tabId: number) => Promise<void>;
}
