/**
 * The host permissions Cachet asks for on a webmail (optional_host_permissions): the
 * site's own pages, the hosts its raw messages are served from, and the servers its mail
 * goes through that answer only callers with host permission. The popup, the options page
 * and the background all ask this one place.
 */
import type { SiteTransportPolicy } from './policy';

export const originPattern = (origin: string): string => `${origin}/*`;

/**
 * Origins a site's raw messages are served from besides its own: Gmail's "Download
 * original" redirects to its attachment host (background/page-source.ts follows that one
 * redirect), so the permission for Gmail must cover it too.
 */
const companions: Readonly<Record<string, readonly string[]>> = {
  'https://mail.google.com': ['https://mail-attachment.googleusercontent.com'],
};

/** The host permissions Cachet needs for its controls on `origin`'s pages. */
export function sitePermissionPatterns(origin: string): string[] {
  return [origin, ...(companions[origin] ?? [])].map(originPattern);
}

/**
 * The origin of the JMAP server a site's mail goes through, when it is not the site's own.
 * A JMAP server need not answer cross-origin requests (Cyrus does not by default), so the
 * browser lets Cachet reach it only with host permission. The Gmail API and Microsoft
 * Graph answer any origin, and need none.
 */
export function jmapServiceOrigin(entry: Pick<SiteTransportPolicy, 'origin' | 'jmapUrl'> | undefined): string | undefined {
  if (entry?.jmapUrl == null) return undefined;
  const service = new URL(entry.jmapUrl).origin;
  return service === entry.origin ? undefined : service;
}

/** The servers `origin`'s mail goes through that need host permission of their own. */
export function serviceOrigins(origin: string, siteTransports: readonly SiteTransportPolicy[]): string[] {
  const service = jmapServiceOrigin(siteTransports.find((s) => s.origin === origin));
  return service === undefined ? [] : [service];
}
