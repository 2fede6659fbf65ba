/** The host permissions Cachet needs on a webmail site (optional_host_permissions). */

export const originPattern = (origin: string): string => `${origin}/*`;

/**
 * Origins a site's raw messages are served from besides its own: Gmail's "Download
 * original" redirects to its attachment host (background/page-source.ts follows that one
 * redirect), so the permission for Gmail must cover it too.
 */
const companions: Readonly<Record<string, readonly string[]>> = {
  'https://mail.google.com': ['https://mail-attachment.googleusercontent.com'],
};

/** The host permissions Cachet needs to work on `origin`. */
export function sitePermissionPatterns(origin: string): string[] {
  return [origin, ...(companions[origin] ?? [])].map(originPattern);
}
