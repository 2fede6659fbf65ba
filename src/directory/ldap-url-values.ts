/**
 * `ldap://` CRL distribution points and caIssuers URLs (RFC 4516; B10, B11) read through
 * the native host's `directory/read-url`, which answers with the attribute's values. The
 * revocation and issuer code takes what an HTTP server would have sent: one DER value as
 * it is, several as PEM blocks, CRLs under the CRL label and certificates under theirs
 * (src/pki/network-sources.ts reads both forms).
 */
import { base64ToBytes } from '../protocol/runtime-bytes';

/** Attributes that hold CRLs (RFC 4523 §2.2–2.4); the others named in PROTOCOL.md hold certificates. */
const crlAttributes = new Set(['certificaterevocationlist', 'authorityrevocationlist', 'deltarevocationlist']);

/** The one attribute an RFC 4516 URL asks for, lower case and without options such as ;binary. */
export function ldapUrlAttribute(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  const attributes = url.slice(query + 1).split('?')[0] ?? '';
  let name: string;
  try {
    name = decodeURIComponent(attributes);
  } catch {
    return undefined;
  }
  return name.split(',')[0]?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** One PEM block (RFC 7468) of base64 DER, as an HTTP server sends several CRLs or certificates. */
export function pemBlock(label: string, der: string): string {
  const lines = der.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The response body for the values (base64) read from `url`; undefined when there are none. */
export function bodyOfValues(url: string, values: readonly string[]): Uint8Array | undefined {
  const [first] = values;
  if (first === undefined) return undefined;
  if (values.length === 1) return base64ToBytes(first);
  const label = crlAttributes.has(ldapUrlAttribute(url) ?? '') ? 'X509 CRL' : 'CERTIFICATE';
  return new TextEncoder().encode(values.map((value) => pemBlock(label, value)).join(''));
}
