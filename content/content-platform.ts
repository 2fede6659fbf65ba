/**
 * What the controls need from the extension, bundled so tests can run the controls and
 * the observer against saved page captures with a fake background.
 */
import type { PageRequest } from './adapters/adapter';
import type { ContentEvent } from '../src/protocol/content-events';
import type { RuntimeSend } from '../src/protocol/runtime';

export interface ContentPlatform {
  readonly send: RuntimeSend;
  /** The content script's strings (_locales); the key when a translation is missing. */
  readonly t: (key: string) => string;
  readonly errorText: (error: unknown) => string;
  /** The origin Cachet's frames come from, to tell their messages from the page's. */
  readonly extensionOrigin: string;
  /** Subscribes to the background's events for this frame; returns the unsubscribe. */
  readonly onEvent: (listener: (event: ContentEvent) => void) => () => void;
  /** Takes the tab to another page of the webmail (after a message is sent). */
  readonly navigate: (url: string) => void;
  /**
   * Makes a request of the webmail's own origin with the page's session, as the page's
   * script would; rejects when the webmail does not answer with success.
   */
  readonly sendPageRequest: (request: PageRequest) => Promise<void>;
}
