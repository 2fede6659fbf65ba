/**
 * Decides once, from the browser-supplied `sender`, who sent a runtime message (DESIGN.md
 * invariant 3). The message body never takes part. For content scripts the URL is never a
 * trust signal: the page controls what its frame shows, so only the tab and frame ids are
 * kept. An extension origin in `sender.url` is trusted because a web frame cannot commit
 * one; where the browser also gives `sender.origin`, it must agree.
 */

/** The fields of `runtime.MessageSender` the classification reads. */
export interface MessageSenderLike {
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  readonly origin?: string | undefined;
  readonly frameId?: number | undefined;
  readonly tab?: { readonly id?: number | undefined } | undefined;
}

export interface SelfIdentity {
  /** `runtime.id`. */
  readonly id: string;
  /** Origin of `runtime.getURL('')`, e.g. `chrome-extension://<id>`. */
  readonly origin: string;
}

export type SenderClass =
  /** One of Cachet's own pages at top level: popup, options, PIN prompt, reader/compose tab. */
  | { readonly kind: 'extension-page'; readonly page: string }
  /** Cachet's own page framed inside another page (the secure frames in a webmail tab). */
  | { readonly kind: 'secure-frame'; readonly page: string; readonly tabId: number; readonly frameId: number }
  /**
   * Cachet's content script in a webmail tab, which lives beside the hostile page. `origin`
   * is the browser's word for the frame's origin (null when opaque): it scopes what the
   * script may fetch for the page and which mail account serves the site, and is never a
   * reason to trust the request itself.
   */
  | { readonly kind: 'content-script'; readonly tabId: number; readonly frameId: number; readonly origin: string | null };

export type SenderKind = SenderClass['kind'];

/**
 * The path of one of our pages, or undefined. Compared as a string prefix because
 * `URL.origin` is "null" for extension schemes outside the browser that owns them.
 */
function ownPage(url: string | undefined, self: SelfIdentity): string | undefined {
  if (url === undefined || !url.startsWith(`${self.origin}/`)) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Returns undefined for anything that is not clearly one of the three classes. */
export function classifySender(sender: MessageSenderLike, self: SelfIdentity): SenderClass | undefined {
  if (sender.id !== self.id) return undefined;
  const page = ownPage(sender.url, self);
  if (page !== undefined) {
    if (sender.origin !== undefined && sender.origin !== self.origin) return undefined;
    if (sender.tab === undefined) return { kind: 'extension-page', page };
    const tabId = sender.tab.id;
    const frameId = sender.frameId;
    if (typeof tabId !== 'number' || typeof frameId !== 'number') return undefined;
    // A top-level frame at our origin is our page opened in a tab; any sub-frame may be
    // framed by a web page (web-accessible), so it gets the narrower class.
    return frameId === 0 ? { kind: 'extension-page', page } : { kind: 'secure-frame', page, tabId, frameId };
  }
  const tabId = sender.tab?.id;
  const frameId = sender.frameId;
  if (typeof tabId !== 'number' || tabId < 0 || typeof frameId !== 'number' || frameId < 0) return undefined;
  // Messages from web origins reach onMessage only from content scripts (there is no
  // externally_connectable), so this is our content script, whatever its page claims.
  return { kind: 'content-script', tabId, frameId, origin: frameOrigin(sender) };
}

/**
 * The frame's origin as the browser gives it: `sender.origin` where the browser sets it
 * (Chromium), else the origin of `sender.url`, which the browser sets from the committed
 * document (a page can change its path, never its origin).
 */
function frameOrigin(sender: MessageSenderLike): string | null {
  const origin = sender.origin ?? originOf(sender.url);
  return origin === undefined || origin === 'null' || !/^https?:\/\//.test(origin) ? null : origin;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
