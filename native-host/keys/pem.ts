/** PEM armour (RFC 7468), read leniently as OpenSSL writes it, including RFC 1421 headers. */
import { isBase64 } from '../../src/mime/base64-form';
import { CachetError } from '../../src/errors';

export interface PemBlock {
  readonly label: string;
  /** The block as text, BEGIN through END line, for handing to Node's own PEM reader. */
  readonly text: string;
  /** RFC 1421 headers such as Proc-Type and DEK-Info (legacy OpenSSL key encryption). */
  readonly headers: Readonly<Record<string, string>>;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

export function looksLikePem(data: Uint8Array | string): boolean {
  const head = typeof data === 'string' ? data.slice(0, 64 * 1024) : new TextDecoder('latin1').decode(data.subarray(0, 64 * 1024));
  return head.includes('-----BEGIN ');
}

export function readPemBlocks(data: Uint8Array | string): PemBlock[] {
  const text = typeof data === 'string' ? data : new TextDecoder('latin1').decode(data);
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1]!;
    const body = match[2]!;
    const headers: Record<string, string> = {};
    let base64 = body;
    const split = body.search(/\r?\n\r?\n/);
    if (split >= 0 && /^[A-Za-z-]+:/.test(body)) {
      for (const line of body.slice(0, split).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      base64 = body.slice(split);
    }
    const compact = base64.replace(/\s+/g, '');
    if (!isBase64(compact)) throw new CachetError('input/invalid', `PEM block ${label} is not base64`);
    blocks.push({ label, text: match[0], headers, der: new Uint8Array(Buffer.from(compact, 'base64')) });
  }
  return blocks;
}

/** DER of every CERTIFICATE block, in file order. */
export function readPemCertificates(data: Uint8Array | string): Uint8Array[] {
  return readPemBlocks(data)
    .filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE')
    .map((b) => b.der);
}
