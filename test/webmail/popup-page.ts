/**
 * Cachet's popup as a browser test reaches it: the popup page opened in a tab of its own
 * by the webmail's tab (the toolbar button cannot be pressed headless), which it then acts
 * on as it would on the active tab.
 */
import type { Page } from 'playwright-core';
import type { CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';

export async function openPopupFor(browser: CachetBrowser, origin: string): Promise<Page> {
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/popup.html') });
  await browser.worker.evaluate(async (site) => {
    const { chrome } = globalThis as unknown as { chrome: { tabs: {
      query(q: object): Promise<{ id?: number }[]>;
      create(p: object): Promise<unknown>;
    } } };
    const [tab] = await chrome.tabs.query({ url: `${site}/*`, active: true });
    await chrome.tabs.create({ url: 'popup.html', openerTabId: tab?.id });
  }, origin);
  const popup = await opened;
  await popup.setViewportSize({ width: 380, height: 640 });
  return popup;
}
