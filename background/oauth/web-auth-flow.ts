/**
 * The browser's sign-in window for OAuth (identity.launchWebAuthFlow, in Chromium and
 * Firefox alike): it opens the provider's page and ends when the provider redirects to
 * the extension's own redirect URL, which no web page can receive.
 */
import browser from 'webextension-polyfill';
import type { LaunchAuthFlow } from './oauth-tokens';

export const launchWebAuthFlow: LaunchAuthFlow = (url) => browser.identity.launchWebAuthFlow({ url, interactive: true });

/** https://<id>.chromiumapp.org/ in Chromium, https://<hash>.extensions.allizom.org/ in Firefox. */
export function authRedirectUrl(): string {
  return browser.identity.getRedirectURL();
}
