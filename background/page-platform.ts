/**
 * The browser side of Cachet's extension pages (src/ui/pages): a typed `send` over
 * runtime messages, translations from _locales, and page navigation. The build makes each
 * page entry call `mount(root, pagePlatform())`.
 */
import browser from 'webextension-polyfill';
import { createRuntimeSend } from '../src/protocol/runtime-envelope';
import type { PagePlatform } from '../src/ui/platform';

export function pagePlatform(): PagePlatform {
  return {
    send: createRuntimeSend((message) => browser.runtime.sendMessage(message)),
    t: (key, substitutions) => {
      const text = browser.i18n.getMessage(key, substitutions === undefined ? undefined : [...(typeof substitutions === 'string' ? [substitutions] : substitutions)]);
      // An empty answer means a missing translation; the key is more useful than nothing.
      return text === '' ? key : text;
    },
    openPage: async (page) => {
      if (page === 'options') await browser.runtime.openOptionsPage();
      else await browser.tabs.create({ url: browser.runtime.getURL(`${page}.html`) });
    },
    closeWindow: () => window.close(),
    currentSite: async () => {
      // The toolbar popup acts on the window's active tab; the popup page opened in a tab
      // of its own (from a page, by keyboard or in a browser without popups) on its opener.
      const own = await browser.tabs.getCurrent();
      const tab = own?.openerTabId !== undefined
        ? await browser.tabs.get(own.openerTabId)
        : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
      if (tab?.id === undefined || tab.url === undefined) return undefined;
      const url = new URL(tab.url);
      return url.protocol === 'https:' || url.protocol === 'http:' ? { tabId: tab.id, origin: url.origin } : undefined;
    },
    // Asked at once, with nothing awaited before it: Firefox shows its prompt only while
    // the click's handler runs. A grant already given is answered true without a prompt.
    requestHostAccess: (patterns) => browser.permissions.request({ origins: [...patterns] }),
    reloadTab: (tabId) => browser.tabs.reload(tabId),
  };
}
