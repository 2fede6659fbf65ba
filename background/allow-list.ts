/**
 * What each sender class may ask (DESIGN.md invariant 3). A content script may ask only
 * what the webmail page itself may ask: open a secure frame for a message id, and the
 * status of addresses. Everything that reads or changes settings, keys or certificates
 * is for Cachet's own pages.
 */
import type { RuntimeCommand } from '../src/protocol/runtime';
import type { SenderClass, SenderKind } from './sender';

const contentScript: readonly RuntimeCommand[] = ['frame/open-reader', 'address/status'];

/** Secure frames are web-accessible, so any page can frame one: they get read-only status. */
const secureFrame: readonly RuntimeCommand[] = ['policy/get', 'address/status'];

const extensionPage: readonly RuntimeCommand[] = [
  'policy/get', 'policy/set-user', 'policy/reset-user', 'native/status',
  'address-book/list', 'address-book/import', 'address-book/delete', 'address/status',
  'trust/list', 'trust/add', 'trust/remove',
  'pin/info', 'pin/provide', 'pin/cancel',
];

export const allowList: { readonly [K in SenderKind]: ReadonlySet<RuntimeCommand> } = {
  'content-script': new Set(contentScript),
  'secure-frame': new Set(secureFrame),
  'extension-page': new Set(extensionPage),
};

/** Commands only one page may send: the PIN is typed in the PIN page and nowhere else (B19). */
const onlyFromPage: Partial<Record<RuntimeCommand, string>> = {
  'pin/info': '/pin.html',
  'pin/provide': '/pin.html',
  'pin/cancel': '/pin.html',
};

export function isAllowed(sender: SenderClass, command: RuntimeCommand): boolean {
  if (!allowList[sender.kind].has(command)) return false;
  const page = onlyFromPage[command];
  return page === undefined || (sender.kind === 'extension-page' && sender.page === page);
}
