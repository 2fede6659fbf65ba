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
}
