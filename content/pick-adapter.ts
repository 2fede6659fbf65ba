import type { WebmailAdapter } from './adapters/adapter';

/** The first adapter that recognises the page, in the order given (site adapters first). */
export function pickAdapter(adapters: readonly WebmailAdapter[], doc: Document): WebmailAdapter | undefined {
  for (const adapter of adapters) {
    try {
      if (adapter.detect(doc)) return adapter;
    } catch {
      // A hostile or unusual page must not stop the other adapters from being tried.
    }
  }
  return undefined;
}
