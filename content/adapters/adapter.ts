/**
 * What every webmail adapter provides (DESIGN.md, Layout: content/adapters/<site>/). The
 * interface never imports an implementation; main.ts picks the first adapter that
 * recognises the page.
 */
export interface WebmailAdapter {
  readonly name: string;
  /** True when this page is this adapter's webmail; reads the DOM only, changes nothing. */
  detect(doc: Document): boolean;
  /** Places Cachet's controls; returns a function that removes them again. */
  mount(doc: Document): () => void;
}
