/**
 * E-mail address comparison for certificate matching (B1). The local part is compared
 * exactly (RFC 5321 §2.4 leaves it case-sensitive, and RFC 8398 §3 asks for an exact
 * match of internationalised local parts); the domain case-insensitively, with
 * internationalised domains compared in their IDNA A-label form, so `bücher.example` and
 * `xn--bcher-kva.example` are one domain.
 */

/** The domain in its canonical ASCII (A-label, lower-case) form, or undefined if it is not a host name. */
export function canonicalDomain(domain: string): string | undefined {
  const trimmed = domain.trim().replace(/\.$/, '');
  if (trimmed.length === 0 || trimmed.length > 253) return undefined;
  if (/^[\x21-\x7e]+$/.test(trimmed)) {
    // ASCII already: only case differs between equal domains.
    return /^[A-Za-z0-9.-]+$/.test(trimmed) ? trimmed.toLowerCase() : undefined;
  }
  try {
    // The URL parser applies UTS #46 processing (the IDNA mapping browsers use).
    const host = new URL(`http://${trimmed.normalize('NFC')}/`).hostname;
    return host.length > 0 ? host : undefined;
  } catch {
    return undefined;
  }
}

export interface ParsedAddress {
  readonly local: string;
  readonly domain: string;
}

export function parseAddress(address: string): ParsedAddress | undefined {
  const text = address.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || text.length > 512) return undefined;
  const domain = canonicalDomain(text.slice(at + 1));
  if (!domain) return undefined;
  return { local: text.slice(0, at).normalize('NFC'), domain };
}

/** A canonical key: equal keys mean equal addresses for B1. */
export function addressKey(address: string): string | undefined {
  const parsed = parseAddress(address);
  return parsed ? `${parsed.local}@${parsed.domain}` : undefined;
}

export function addressesEqual(a: string, b: string): boolean {
  const ka = addressKey(a);
  return ka !== undefined && ka === addressKey(b);
}
