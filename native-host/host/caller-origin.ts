/**
 * Works out which extension started the host from the arguments the browser passes:
 * Chromium-family browsers pass the caller's origin `chrome-extension://ID/` (and on
 * Windows a `--parent-window=` handle); Firefox passes the path of the host manifest and
 * the add-on id. The host serves only Cachet's ids (DESIGN.md invariant 3); the manifest's
 * allowed_origins / allowed_extensions are the browser's half of the same check.
 */
import { CHROMIUM_EXTENSION_IDS, FIREFOX_EXTENSION_IDS } from '../install/extension-ids';

export type Caller =
  | { readonly browser: 'chromium'; readonly extensionId: string }
  | { readonly browser: 'firefox'; readonly extensionId: string };

const CHROMIUM_ORIGIN = /^chrome-extension:\/\/([a-p]{32})\/$/;

export function parseCaller(args: readonly string[]): Caller | undefined {
  const positional = args.filter((a) => !a.startsWith('--parent-window='));
  const first = positional[0];
  if (first === undefined) return undefined;
  const chromium = CHROMIUM_ORIGIN.exec(first);
  if (chromium?.[1] !== undefined) return positional.length === 1 ? { browser: 'chromium', extensionId: chromium[1] } : undefined;
  // Firefox: <manifest path> <extension id>.
  const id = positional[1];
  if (positional.length === 2 && first.endsWith('.json') && id !== undefined && id.length > 0) return { browser: 'firefox', extensionId: id };
  return undefined;
}

export function isAllowedCaller(caller: Caller | undefined): boolean {
  if (!caller) return false;
  const allowed = caller.browser === 'chromium' ? CHROMIUM_EXTENSION_IDS : FIREFOX_EXTENSION_IDS;
  return allowed.includes(caller.extensionId);
}
