/**
 * Where Cachet's content script runs (DESIGN.md, Layout: content/): on the sites the user
 * switched Cachet on for from the popup, and on those a managed policy lists in
 * `allowedWebmailOrigins`, and on nothing else. Either way the browser must have granted
 * that origin's host permission: the popup asks for it; for an admin's origins the popup
 * and the options page say the organisation has switched Cachet on and ask once.
 * A non-empty `allowedWebmailOrigins` also limits the sites a user may switch on.
 */
import browser from 'webextension-polyfill';
import { CachetError } from '../src/errors';
import { normaliseOrigin } from '../src/policy/validate';
import type { SiteStatus } from '../src/protocol/runtime';
import { originPattern, serviceOrigins, sitePermissionPatterns } from '../src/policy/host-permissions';
import type { PolicyStore } from './policy-store';

export interface SiteAccess {
  start(): void;
  status(origin: string): Promise<SiteStatus>;
  /** Called after the popup obtained the origin's permission in the user's gesture. */
  enable(origin: string): Promise<SiteStatus>;
  disable(origin: string): Promise<SiteStatus>;
}

const enabledKey = 'enabledSites';
const scriptPrefix = 'cachet-site:';
const pageWorldPrefix = 'cachet-site-page:';
const contentScript = 'content/main.js';
/** content/page-world.ts: the one small script that runs in the page's own world. */
const pageWorldScript = 'content/page-world.js';


export function createSiteAccess(policy: PolicyStore): SiteAccess {
  async function userSites(): Promise<string[]> {
    const stored = (await browser.storage.local.get(enabledKey))[enabledKey];
    return Array.isArray(stored) ? stored.filter((o): o is string => typeof o === 'string' && normaliseOrigin(o) === o) : [];
  }

  async function granted(origin: string): Promise<boolean> {
    return browser.permissions.contains({ origins: sitePermissionPatterns(origin) });
  }

  /** The origins the script should run on now. */
  async function wanted(): Promise<string[]> {
    const { allowedWebmailOrigins: managed } = await policy.current();
    const user = await userSites();
    const candidates = [...new Set([...managed, ...user.filter((o) => managed.length === 0 || managed.includes(o))])];
    const checks = await Promise.all(candidates.map(async (o) => ((await granted(o)) ? o : undefined)));
    return checks.filter((o): o is string => o !== undefined);
  }

  // Registrations are changed one sync at a time, so two quick changes cannot interleave.
  let syncing: Promise<void> = Promise.resolve();
  function sync(): Promise<void> {
    syncing = syncing.then(syncNow, syncNow);
    return syncing;
  }

  async function syncNow(): Promise<void> {
    const want = await wanted();
    const known = new Set((await browser.scripting.getRegisteredContentScripts()).map((s) => s.id));
    const have = new Set([...known].filter((id) => id.startsWith(scriptPrefix)).map((id) => id.slice(scriptPrefix.length)));
    const stale = [...have].filter((o) => !want.includes(o));
    if (stale.length > 0) {
      const ids = stale.flatMap((o) => [scriptPrefix + o, pageWorldPrefix + o]);
      await browser.scripting.unregisterContentScripts({ ids: ids.filter((id) => known.has(id)) });
    }
    const fresh = want.filter((o) => !have.has(o));
    if (fresh.length > 0) {
      await browser.scripting.registerContentScripts(fresh.flatMap((o) => [{
        id: scriptPrefix + o,
        matches: [originPattern(o)],
        js: [contentScript],
        // Webmails show messages in frames of their own origin (Roundcube's preview pane).
        allFrames: true,
        runAt: 'document_idle' as const,
        persistAcrossSessions: true,
      }, {
        id: pageWorldPrefix + o,
        matches: [originPattern(o)],
        js: [pageWorldScript],
        world: 'MAIN' as const,
        runAt: 'document_idle' as const,
        persistAcrossSessions: true,
      }]));
    }
  }

  async function status(origin: string): Promise<SiteStatus> {
    const { allowedWebmailOrigins: managed, siteTransports } = await policy.current();
    const allowed = managed.length === 0 || managed.includes(origin);
    const hasPermission = await granted(origin);
    const services = serviceOrigins(origin, siteTransports);
    const missing = await Promise.all(services.map(async (o) => ((await browser.permissions.contains({ origins: [originPattern(o)] })) ? undefined : o)));
    const unreachableServices = missing.filter((o): o is string => o !== undefined);
    const byUser = (await userSites()).includes(origin);
    const byPolicy = managed.includes(origin);
    const on = byUser || byPolicy;
    return {
      origin, allowed, byPolicy,
      enabled: hasPermission && on,
      needsPermission: on && (!hasPermission || unreachableServices.length > 0),
      permissionPatterns: [...sitePermissionPatterns(origin), ...services.map(originPattern)],
      unreachableServices,
    };
  }

  /** A JMAP server's permission goes with the last site switched on that uses it. */
  async function servicesOnlyFor(origin: string): Promise<string[]> {
    const { allowedWebmailOrigins: managed, siteTransports } = await policy.current();
    const others = new Set([...managed, ...(await userSites())].filter((o) => o !== origin)
      .flatMap((o) => serviceOrigins(o, siteTransports)));
    return serviceOrigins(origin, siteTransports).filter((o) => !others.has(o)).map(originPattern);
  }

  function checked(raw: string): string {
    const origin = normaliseOrigin(raw);
    if (origin === undefined) throw new CachetError('input/invalid', 'Cachet works on https sites, and on http only for this computer');
    return origin;
  }

  return {
    start() {
      const later = () => void sync().catch((error: unknown) => console.error('Cachet site access:', error));
      browser.permissions.onAdded.addListener(later);
      browser.permissions.onRemoved.addListener(later);
      browser.storage.onChanged.addListener((_changes, area) => {
        if (area === 'managed') later();
      });
      later();
    },
    status: (raw) => status(checked(raw)),
    async enable(raw) {
      const origin = checked(raw);
      const { allowedWebmailOrigins: managed } = await policy.current();
      if (managed.length > 0 && !managed.includes(origin)) throw new CachetError('policy/locked', `your organisation allows Cachet only on ${managed.join(', ')}`);
      if (!(await granted(origin))) throw new CachetError('runtime/forbidden', `the browser has not given Cachet access to ${origin}`);
      const sites = await userSites();
      if (!sites.includes(origin)) await browser.storage.local.set({ [enabledKey]: [...sites, origin] });
      await sync();
      return status(origin);
    },
    async disable(raw) {
      const origin = checked(raw);
      const { allowedWebmailOrigins: managed } = await policy.current();
      if (managed.includes(origin)) throw new CachetError('policy/locked', 'your organisation switched Cachet on for this site');
      const services = await servicesOnlyFor(origin);
      await browser.storage.local.set({ [enabledKey]: (await userSites()).filter((o) => o !== origin) });
      await browser.permissions.remove({ origins: [...sitePermissionPatterns(origin), ...services] });
      await sync();
      return status(origin);
    },
  };
}
