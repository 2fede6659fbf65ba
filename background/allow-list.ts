/**
 * What each sender class may ask (DESIGN.md invariant 3). A content script may ask only
 * what the webmail page itself may ask: open a secure frame for a message id (and have
 * its source fetched ahead), and the status of addresses. Everything that reads or changes settings, keys or certificates
 * is for Cachet's own pages.
 */
import type { RuntimeCommand } from '../src/protocol/runtime';
import type { SenderClass, SenderKind } from './sender';

const contentScript: readonly RuntimeCommand[] = ['frame/open-reader', 'frame/prefetch-source', 'frame/open-compose', 'address/status'];

/**
 * Secure frames are web-accessible, so any page can frame one. The hosting page cannot see
 * into them, so the reader and compose frames do their own work; they cannot change
 * settings. What they may ask is further tied to the page they are (below).
 */
const secureFrame: readonly RuntimeCommand[] = [
  // A frame shows the security indicator inside itself, where the hosting page cannot look.
  'indicator/get',
  'policy/get', 'address/status', 'identities/list',
  'reader/open-frame', 'reader/validation', 'reader/attachment',
  // A framed compose sends through the site's account; building a file to download is
  // for Cachet's own compose page, so a framed page can never have a key sign for nothing sent.
  'compose/recipients', 'compose/open-frame', 'compose/send', 'compose/close',
];

const extensionPage: readonly RuntimeCommand[] = [
  'indicator/get', 'indicator/set',
  'policy/get', 'policy/set-user', 'policy/reset-user', 'native/status',
  'address-book/list', 'address-book/import', 'address-book/delete', 'address/status',
  'trust/list', 'trust/add', 'trust/remove',
  'pin/info', 'pin/provide', 'pin/cancel',
  'password/info', 'password/provide', 'password/cancel',
  'site/status', 'site/enable', 'site/disable',
  'identities/list', 'identities/set-default',
  'reader/open', 'reader/validation', 'reader/attachment',
  'compose/recipients', 'compose/build',
  'oauth/accounts', 'oauth/sign-in', 'oauth/sign-out',
];

export const allowList: { readonly [K in SenderKind]: ReadonlySet<RuntimeCommand> } = {
  'content-script': new Set(contentScript),
  'secure-frame': new Set(secureFrame),
  'extension-page': new Set(extensionPage),
};

/**
 * Commands only one page may send: the PIN is typed in the PIN page and nowhere else
 * (B19), and plaintext of a message goes only to the reader, a draft only to compose.
 */
const onlyFromPage: Partial<Record<RuntimeCommand, string>> = {
  'pin/info': '/pin.html',
  'pin/provide': '/pin.html',
  'pin/cancel': '/pin.html',
  'password/info': '/password.html',
  'password/provide': '/password.html',
  'password/cancel': '/password.html',
  'reader/open': '/reader.html',
  'reader/open-frame': '/reader.html',
  'reader/validation': '/reader.html',
  'reader/attachment': '/reader.html',
  'compose/build': '/compose.html',
  // The security indicator is chosen in the options page alone, never from a framed page.
  'indicator/set': '/options.html',
  // Signing in to a mail provider, or out, is done where the user sees its clients and scopes.
  'oauth/accounts': '/options.html',
  'oauth/sign-in': '/options.html',
  'oauth/sign-out': '/options.html',
  'compose/open-frame': '/compose.html',
  'compose/send': '/compose.html',
  'compose/close': '/compose.html',
};

/** The PIN page is never framed: a page that frames it could overlay what the user types. */
const topLevelOnly: ReadonlySet<RuntimeCommand> = new Set(['pin/info', 'pin/provide', 'pin/cancel', 'password/info', 'password/provide', 'password/cancel']);

/** A compose frame's slot belongs to a webmail tab; only the frame placed there uses it. */
const framedOnly: ReadonlySet<RuntimeCommand> = new Set(['compose/open-frame', 'compose/send', 'compose/close']);

export function isAllowed(sender: SenderClass, command: RuntimeCommand): boolean {
  if (!allowList[sender.kind].has(command)) return false;
  const page = onlyFromPage[command];
  if (page === undefined) return true;
  if (sender.kind === 'content-script' || sender.page !== page) return false;
  if (framedOnly.has(command)) return sender.kind === 'secure-frame';
  return sender.kind === 'extension-page' || !topLevelOnly.has(command);
}
