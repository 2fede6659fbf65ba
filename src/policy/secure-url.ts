/**
 * The URLs a policy may name for a web service: https, or plain http on loopback only
 * (tests and servers on the user's own machine), with a plain host and no user name or
 * password, which would travel in every request.
 */

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Longer than any service URL an admin types. */
const maxUrlLength = 2048;

export function secureHttpUrl(raw: string): URL | undefined {
  if (raw.length > maxUrlLength) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
  if (!secure || url.username || url.password) return undefined;
  // The URL parser keeps characters such as "*" in host names; a service has a plain host.
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return undefined;
  return url;
}
