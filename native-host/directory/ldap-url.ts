/**
 * RFC 4516 LDAP URLs, as CRL distribution points and caIssuers name an entry's attribute:
 *
 *   ldap://host[:port]/dn?attributes?scope?filter?extensions
 *
 * Each part is percent-decoded (§2.1). Cachet reads one attribute of one entry from a
 * server the URL names, so a URL without a host (Active Directory's `ldap:///CN=…`, "the
 * directory you know"), without a DN or with other than one attribute is refused, and so
 * is any critical extension (§2.1: a client that does not know it must not go on).
 */
import { CachetError } from '../../src/errors';

export interface LdapUrl {
  /** `ldap://host:port` or `ldaps://host:port`, what a connection needs. */
  readonly server: string;
  readonly dn: string;
  readonly attribute: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: string;
}

const URL_SHAPE = /^(ldaps?):\/\/([^/?#]*)(?:\/([^#]*))?$/i;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/;

function invalid(url: string, problem: string): CachetError {
  return new CachetError('input/invalid', `not an LDAP URL Cachet can read (${problem}): ${url.slice(0, 300)}`);
}

function decode(part: string, url: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(url, 'bad percent-encoding');
  }
}

export function parseLdapUrl(url: string): LdapUrl {
  const m = URL_SHAPE.exec(url);
  if (!m) throw invalid(url, 'not ldap:// or ldaps://');
  const scheme = (m[1] ?? '').toLowerCase();
  const hostPort = HOST_PORT.exec(decode(m[2] ?? '', url));
  if (!hostPort) throw invalid(url, 'no host: the URL must name the directory server');
  const host = (hostPort[1] ?? '').toLowerCase();
  const port = hostPort[2] === undefined ? (scheme === 'ldaps' ? 636 : 389) : Number(hostPort[2]);
  if (port < 1 || port > 65_535) throw invalid(url, 'bad port');
  const parts = (m[3] ?? '').split('?');
  if (parts.length > 5) throw invalid(url, 'too many ? separators');
  const [dnPart = '', attributesPart = '', scopePart = '', filterPart = '', extensionsPart = ''] = parts;
  const dn = decode(dnPart, url);
  if (dn.length === 0) throw invalid(url, 'no DN');
  const attributes = attributesPart.split(',').map((a) => decode(a, url)).filter((a) => a.length > 0);
  if (attributes.length !== 1) throw invalid(url, 'it must name exactly one attribute');
  const scope = scopePart === '' ? 'base' : scopePart.toLowerCase();
  if (scope !== 'base' && scope !== 'one' && scope !== 'sub') throw invalid(url, `unknown scope ${scopePart}`);
  for (const extension of extensionsPart.split(',')) {
    if (decode(extension, url).startsWith('!')) throw invalid(url, `critical extension ${decode(extension, url)}`);
  }
  return {
    server: `${scheme}://${host}:${port}`,
    dn,
    attribute: attributes[0] ?? '',
    scope,
    filter: filterPart === '' ? '(objectClass=*)' : decode(filterPart, url),
  };
}
