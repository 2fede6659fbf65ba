/**
 * The fallback for webmail without its own adapter. It recognises no page yet: without
 * site knowledge there is nothing it can safely read, so it mounts nothing rather than
 * guess at the page's DOM. Site adapters (Roundcube, Gmail, Outlook) come before it.
 */
import type { WebmailAdapter } from '../adapter';

export const genericAdapter: WebmailAdapter = {
  name: 'generic',
  detect: () => false,
  mount: () => () => {},
};
