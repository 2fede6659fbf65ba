/**
 * TLS settings for IMAP and SMTP connections, and for the directory's LDAP ones. Server
 * certificates are always verified, name included; the only way to trust a private CA (a
 * company's, or the test CA) is to list its PEM file in the host configuration
 * (`mailTrustedCertificates`, `directoryTrustedCertificates`), which adds it to Node's
 * roots. There is no switch that turns verification off.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { CachetError, type ErrorCode } from '../../src/errors';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_PEM_BYTES = 1024 * 1024;

/**
 * The certificates of the configured PEM files; `code` (mail/tls, or directory/tls for the
 * directory's list) when one cannot be used.
 */
export function readTrustedCertificates(files: readonly string[], code: ErrorCode = 'mail/tls'): string[] {
  const certificates: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (error) {
      throw new CachetError(code, `cannot read the trusted certificate file ${file}: ${(error as Error).message}`);
    }
    const found = text.length > MAX_PEM_BYTES ? null : text.match(PEM_CERTIFICATE);
    if (!found) throw new CachetError(code, `${file} holds no PEM certificate`);
    certificates.push(...found);
  }
  return certificates;
}

/**
 * Options for node:tls. With extra roots, Node's own list must be given as well: `ca`
 * replaces the default roots rather than adding to them.
 */
export function mailTlsOptions(host: string, extraRoots: readonly string[]): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    // SNI takes names only (RFC 6066 §3); for an address the certificate is matched to the IP.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(extraRoots.length > 0 ? { ca: [...rootCertificates, ...extraRoots] } : {}),
  };
}
