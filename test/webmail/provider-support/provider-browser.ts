/**
 * Alice's Chromium for the provider tests: Cachet with her demo token, the demo CA trusted,
 * Bob's certificate in her address book, the webmails switched on with their permission,
 * and the settings of the options page's "Sending and fetching" (`siteTransports`, and the
 * OAuth clients) given as the user's own, through the runtime message the options page
 * sends.
 */
import type { BrowserContext } from 'playwright-core';
import { launchCachetBrowser, type CachetBrowser } from '../../../native-host/tooling/demo/cachet-browser';
import type { DemoPki } from '../../../native-host/tooling/demo/demo-pki';
import type { Req, Res } from '../../../src/protocol/runtime';
import { unwrapResponse } from '../../../src/protocol/runtime-envelope';

export interface ProviderBrowserOptions {
  readonly pki: DemoPki;
  /** Chromium's profile directory, made by the caller. */
  readonly userDataDir: string;
  /** Webmail origins Cachet is switched on for. */
  readonly sites: readonly string[];
  /** Origins whose host permission is granted: the sites and the hosts they download from. */
  readonly grant: readonly string[];
  readonly chromiumArgs: readonly string[];
  /** The user's `siteTransports` and `oauthClients`, as the options page saves them. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Typed into Cachet's password page when it asks for a mail login (JMAP's). */
  readonly mailPassword?: string;
}

export async function setUserSetting(context: BrowserContext, extensionOrigin: string, key: string, value: unknown): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${extensionOrigin}/options.html`);
    type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
    const req = { key, value } as Req<'policy/set-user'>;
    const reply = await page.evaluate((r) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: 'policy/set-user', req: r }), req);
    // A value the options would refuse is dropped with a warning, not thrown.
    const refused = (unwrapResponse(reply) as Res<'policy/set-user'>).warnings.find((w) => w.key === key && w.source === 'user');
    if (refused !== undefined) throw new Error(`Cachet refused ${key}: ${refused.message}`);
  } finally {
    await page.close();
  }
}

export async function launchProviderBrowser(options: ProviderBrowserOptions): Promise<CachetBrowser> {
  const alice = options.pki.users.alice;
  const browser = await launchCachetBrowser({
    userDataDir: options.userDataDir,
    hostEnv: alice.hostEnv,
    grantOrigins: options.grant,
    seed: { trustedRoots: [options.pki.ca.derFile], addressBook: [options.pki.users.bob.certificate.derFile], enableSites: options.sites },
    answers: { pin: alice.pin, ...(options.mailPassword !== undefined && { mailPassword: options.mailPassword }) },
    extraArgs: options.chromiumArgs,
  });
  try {
    for (const [key, value] of Object.entries(options.settings)) await setUserSetting(browser.context, browser.extensionOrigin, key, value);
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}
