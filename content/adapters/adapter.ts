/**
 * What a webmail adapter reports about a page (DESIGN.md, Layout: content/adapters/<site>/).
 * Adapters only read: they say where S/MIME messages and compose forms are and how to
 * get a message's raw source. Mounting controls and frames is shared code in
 * content/controls/, so no adapter builds a button or touches Cachet's frames. The
 * interface never imports an implementation.
 */
import type { ComposeMode, ComposePrefill, ProviderMessage } from '../../src/protocol/runtime';

/**
 * Where a message view's raw source is, in one or both of two ways: a URL of the page's
 * own origin, fetched by the background with the page's session; and the message as the
 * webmail's API names it (Gmail: the Gmail API's id; Outlook, which serves raw messages
 * only through its API: Microsoft Graph's). The background chooses by the site's fetch
 * transport (background/raw-message.ts).
 */
export type MessageSource =
  | { readonly url: string; readonly provider?: ProviderMessage }
  | { readonly url?: undefined; readonly provider: ProviderMessage };

/**
 * How the raw RFC 5322 message a reply or forward quotes is had: as a message view's is,
 * or, where the webmail's form names it only so, by its Message-ID, fetched from the
 * site's mail account.
 */
export type RawSource = MessageSource | { readonly messageId: string };

export type SecureKind = 'encrypted' | 'signed';

/** An S/MIME message the page shows (or offers as a link). */
export interface MessageView {
  /** Stable while the same message is shown; a new key means a new message. */
  readonly key: string;
  readonly kind: SecureKind;
  /**
   * Where Cachet's reader goes. 'replace': the element is the webmail's rendering of the
   * body, hidden while Cachet's reader frame stands in its place. 'after': a link or
   * attachment chip; an "Open in Cachet" button is placed after it and the frame below.
   */
  readonly anchor: Element;
  readonly placement: 'replace' | 'after';
  readonly source: MessageSource;
}

/**
 * A request the webmail's page itself would make, sent with the page's own session: a
 * POST of these form fields to a URL of the page's origin, with these headers.
 */
export interface PageRequest {
  readonly url: string;
  readonly form: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the webmail's own compose form holds, read when the user asks for secure compose. */
export type ComposeFields = ComposePrefill;
export type { ComposeMode };

/** A compose form of the webmail. */
export interface ComposeView {
  readonly key: string;
  /** Cachet's "Secure" button is placed at the start of this toolbar. */
  readonly toolbar: Element;
  /** The webmail's editor area, hidden while Cachet's compose frame stands in its place. */
  readonly editor: Element;
  /**
   * The webmail's own Send, and every toolbar action that works on its form (save, attach,
   * signature, spelling...), hidden too: only Cachet's frame writes and sends.
   */
  readonly alsoHidden: readonly Element[];
  readonly mode: ComposeMode;
  /** The message replied to or forwarded, quoted from Cachet's own decrypted copy. */
  readonly original?: RawSource;
  /** Reads the form at the moment it is called; the user may have typed since the scan. */
  readFields(): ComposeFields;
  /** Where the user goes once the message is sent (the mailbox view). */
  readonly doneUrl: string;
  /**
   * How to delete the draft the webmail saved of this form (on its own timer, or when the
   * user saved it), once Cachet has sent the message: the webmail deletes it when it sends
   * itself, and Cachet's message never goes through the webmail. Read when called, as each
   * save replaces the draft; undefined while no draft was saved.
   */
  readonly savedDraft?: () => PageRequest | undefined;
}

export interface PageReport {
  readonly messages: readonly MessageView[];
  readonly composes: readonly ComposeView[];
}

export interface WebmailAdapter {
  readonly name: string;
  /** True when this document is this adapter's webmail; reads the DOM only. */
  detect(doc: Document): boolean;
  /**
   * What the document holds now. Must not change the page and must not throw for an
   * unusual page: a selector that stops matching gives an empty report.
   */
  scan(doc: Document): PageReport;
  /**
   * The raw source of the one message the user has just selected in the webmail's list,
   * when it is one Cachet will read and the webmail shows it only after loading it: the
   * background starts fetching it at once. Reads the DOM only, like `scan`.
   */
  selectedSource?(doc: Document): string | undefined;
}

export const emptyReport: PageReport = { messages: [], composes: [] };
